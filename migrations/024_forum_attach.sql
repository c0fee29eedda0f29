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
