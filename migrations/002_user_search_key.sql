-- 002: a folded search key for people's names (lower-case, no accents), so
-- that "elodie" finds "Élodie" on both backends. Filled by the application
-- (account.c) on every insert and update; rows older than this migration are
-- filled at start-up.
ALTER TABLE app_user ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
