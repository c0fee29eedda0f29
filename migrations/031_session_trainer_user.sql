-- 031 the sessions a person leads, found by person ("Coming up" on the home
-- page, src/catalog/upcoming.c): session_trainer's key starts with the
-- session, so without this index the query read every session of the window.
CREATE INDEX session_trainer_user ON session_trainer (user_id, session_id);
