-- 013 forum (docs/forum.md): one forum per course run, threads of kind
-- question or discussion, posts in Markdown with one level of nesting, and
-- upvotes.  The assistance record is on the thread: when a trainer first
-- replied to a question (first_trainer_reply_at/_by), also appended to the
-- organisation's evidence ledger ("assistance.reply") in the same
-- transaction as the reply.

CREATE TABLE forum_thread (
    id {{ID}},
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    unit_id BIGINT REFERENCES unit(id),
    kind TEXT NOT NULL CHECK (kind IN ('question', 'discussion')),
    title TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL,
    answered_at BIGINT,
    answered_by BIGINT REFERENCES app_user(id),
    first_trainer_reply_at BIGINT,
    first_trainer_reply_by BIGINT REFERENCES app_user(id),
    pinned BIGINT NOT NULL DEFAULT 0,
    closed BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX forum_thread_run ON forum_thread (run_id, last_activity_at);

CREATE TABLE forum_post (
    id {{ID}},
    thread_id BIGINT NOT NULL REFERENCES forum_thread(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    parent_id BIGINT REFERENCES forum_post(id),  -- NULL: the opening post or a top-level reply
    author_id BIGINT NOT NULL REFERENCES app_user(id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    hidden_reason TEXT,
    endorsed BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX forum_post_thread ON forum_post (thread_id, created_at);

CREATE TABLE forum_vote (
    post_id BIGINT NOT NULL REFERENCES forum_post(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    UNIQUE (post_id, user_id)
);
