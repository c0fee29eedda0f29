-- 012 attendance (docs/attendance.md): live sessions of a course run, their
-- trainers, the e-signatures collected in them and the personal links that
-- were e-mailed to learners.
--
-- signature rows are never updated or deleted: each one is also an entry of
-- the organisation's evidence ledger ("attendance.signature"), appended in
-- the same transaction.  A sign_link is used once: used_at is set in the
-- transaction of the signature it made, and signature.link_id is unique.

CREATE TABLE live_session (
    id {{ID}},
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    unit_id BIGINT REFERENCES unit(id),         -- a "live" unit of the course outline, optional
    title TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('room', 'virtual')),
    place_or_link TEXT NOT NULL DEFAULT '',     -- the room, or the virtual classroom's https:// link
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    utc_offset_min BIGINT NOT NULL DEFAULT 0,   -- local time of the session: half-days, times shown
    grace_minutes BIGINT NOT NULL DEFAULT 30,   -- signing allowed until ends_at + grace
    links_sent_at BIGINT,                       -- when the start-of-session e-mails went out
    created_by BIGINT REFERENCES app_user(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX live_session_run ON live_session (run_id, starts_at);
CREATE INDEX live_session_org ON live_session (org_id, starts_at);
CREATE INDEX live_session_due ON live_session (starts_at, links_sent_at);

CREATE TABLE session_trainer (
    session_id BIGINT NOT NULL REFERENCES live_session(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    PRIMARY KEY (session_id, user_id)
);

CREATE TABLE sign_link (
    id {{ID}},
    token_hash TEXT NOT NULL UNIQUE,            -- hex SHA-256 of the token in the link
    session_id BIGINT NOT NULL REFERENCES live_session(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX sign_link_session ON sign_link (session_id, user_id);

CREATE TABLE signature (
    id {{ID}},
    session_id BIGINT NOT NULL REFERENCES live_session(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    role TEXT NOT NULL CHECK (role IN ('learner', 'trainer')),
    half_day TEXT NOT NULL CHECK (half_day IN ('am', 'pm')),
    signed_at BIGINT NOT NULL,                  -- the server's clock
    method TEXT NOT NULL CHECK (method IN ('link', 'qr', 'kiosk')),
    device_user_id BIGINT REFERENCES app_user(id),  -- the account signed in on the device (kiosk: the trainer)
    link_id BIGINT UNIQUE REFERENCES sign_link(id),
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    strokes TEXT NOT NULL,                      -- [[[x,y,t],...],...] as parsed, x and y to a tenth
    image_svg TEXT NOT NULL,                    -- written by the server from the strokes' numbers
    image_sha256 TEXT NOT NULL,                 -- hex SHA-256 of image_svg
    late_minutes BIGINT NOT NULL DEFAULT 0,
    UNIQUE (session_id, user_id, half_day)
);
CREATE INDEX signature_org_image ON signature (org_id, image_sha256);
CREATE INDEX signature_org_time ON signature (org_id, signed_at);
