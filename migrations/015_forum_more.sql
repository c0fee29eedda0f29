-- 015 forum, continued (docs/forum.md): edit history and deletion by the
-- author, categories, pin/close, unread markers, following and
-- notifications (on-site and e-mail), moderation (reports, hiding, bans,
-- an append-only record of moderation actions), and full-text search.

-- @all
-- Soft deletion by the author: the row stays (a trainer's reply that is
-- evidence keeps its ledger entry and its text), the page shows "deleted".
ALTER TABLE forum_post ADD COLUMN deleted_at BIGINT;
-- Hidden by a moderator (hidden_reason, from 013, says why).
ALTER TABLE forum_post ADD COLUMN hidden_at BIGINT;

-- The rate limit on posting counts a user's latest posts.
CREATE INDEX forum_post_author ON forum_post (author_id, created_at);

-- Each edit keeps the version it replaces: `body` as it was from
-- `written_at` (creation or the previous edit) until `replaced_at`.
CREATE TABLE forum_post_revision (
    id {{ID}},
    post_id BIGINT NOT NULL REFERENCES forum_post(id),
    body TEXT NOT NULL,
    written_at BIGINT NOT NULL,
    replaced_at BIGINT NOT NULL
);
CREATE INDEX forum_post_revision_post ON forum_post_revision (post_id, id);

-- Categories of a run's forum, managed by the course's staff.
CREATE TABLE forum_category (
    id {{ID}},
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (run_id, name)
);
ALTER TABLE forum_thread ADD COLUMN category_id BIGINT REFERENCES forum_category(id);

-- Unread markers: when each user last read each thread.
CREATE TABLE forum_read (
    thread_id BIGINT NOT NULL REFERENCES forum_thread(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    last_read_at BIGINT NOT NULL,
    UNIQUE (thread_id, user_id)
);

-- Followers of a thread (its author and whoever replies follow it
-- automatically), and their notifications of new posts.
CREATE TABLE forum_follow (
    thread_id BIGINT NOT NULL REFERENCES forum_thread(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    UNIQUE (thread_id, user_id)
);
-- Followers of a whole forum (a run's): notified of every new post in it.
CREATE TABLE forum_follow_run (
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    UNIQUE (run_id, user_id)
);
CREATE TABLE forum_notification (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    thread_id BIGINT NOT NULL REFERENCES forum_thread(id),
    post_id BIGINT NOT NULL REFERENCES forum_post(id),
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    mailed_at BIGINT                 -- e-mailed (alone or in a digest), or skipped
);
CREATE INDEX forum_notification_user ON forum_notification (user_id, read_at);
CREATE INDEX forum_notification_mail ON forum_notification (mailed_at, user_id);
-- E-mail of notifications: 'immediate' (the default), 'digest' (daily) or 'off'.
CREATE TABLE forum_mail_pref (
    user_id BIGINT PRIMARY KEY REFERENCES app_user(id),
    mode TEXT NOT NULL CHECK (mode IN ('immediate', 'digest', 'off')),
    digest_sent_at BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

-- Moderation.  Reports by readers; bans from posting in a run; every
-- moderation action appended to forum_mod_action (never updated).
CREATE TABLE forum_report (
    id {{ID}},
    post_id BIGINT NOT NULL REFERENCES forum_post(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    reporter_id BIGINT NOT NULL REFERENCES app_user(id),
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by BIGINT REFERENCES app_user(id)
);
CREATE INDEX forum_report_run ON forum_report (run_id, resolved_at);
CREATE TABLE forum_ban (
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    reason TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    UNIQUE (run_id, user_id)
);
CREATE TABLE forum_mod_action (
    id {{ID}},
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    actor_id BIGINT NOT NULL REFERENCES app_user(id),
    action TEXT NOT NULL,            -- hide, unhide, ban, unban, dismiss, pin, unpin, close, reopen, move
    thread_id BIGINT,
    post_id BIGINT,
    user_id BIGINT,
    reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX forum_mod_action_run ON forum_mod_action (run_id, id);

-- Full-text search of posts (thread title + body), written by the
-- application with words folded by search_words (catalog/search.h).
-- @sqlite
CREATE VIRTUAL TABLE forum_search USING fts5(
    words,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
-- @postgres
CREATE TABLE forum_search (
    post_id BIGINT PRIMARY KEY REFERENCES forum_post(id),
    doc TSVECTOR NOT NULL
);
CREATE INDEX forum_search_doc ON forum_search USING GIN (doc);
