-- 024 forum attachments and cohort groups (docs/forum.md).
-- An attachment is a file of the media store (sniffed type, never the
-- client's) attached to one post; it keeps the name it was uploaded under
-- (the media row keeps its first upload's).  Read through its thread only.

CREATE TABLE forum_attachment (
    id {{ID}},
    post_id BIGINT NOT NULL REFERENCES forum_post(id),
    thread_id BIGINT NOT NULL REFERENCES forum_thread(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    media_id BIGINT NOT NULL REFERENCES media(id),
    position BIGINT NOT NULL,
    filename TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (post_id, position)
);
CREATE INDEX forum_attachment_thread ON forum_attachment (thread_id);

-- Cohort groups of a run's forum: a learner is in at most one group per run.
-- With `separate` on, learners read and post only in their group's threads
-- (forum_thread.group_id; a learner without a group: the threads of no
-- group); the course's staff see every thread.
CREATE TABLE forum_group (
    id {{ID}},
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (run_id, name)
);

CREATE TABLE forum_group_member (
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    group_id BIGINT NOT NULL REFERENCES forum_group(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    created_at BIGINT NOT NULL,
    UNIQUE (run_id, user_id)
);
CREATE INDEX forum_group_member_group ON forum_group_member (group_id);

CREATE TABLE forum_group_setting (
    run_id BIGINT PRIMARY KEY REFERENCES course_run(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    separate BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

ALTER TABLE forum_thread ADD COLUMN group_id BIGINT REFERENCES forum_group(id);
CREATE INDEX forum_thread_group ON forum_thread (run_id, group_id);
