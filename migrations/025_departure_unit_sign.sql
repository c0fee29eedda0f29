-- 025 early departures and signatures of distance units (docs/attendance.md
-- "Early departure", "Signing a distance unit").
--
-- departure: a learner who leaves a live session before its end signs out
-- once (UNIQUE), after their arrival signature, inside the signing window.
-- The arrival signature is never touched.  Rows are never updated or
-- deleted: each is also an entry of the organisation's evidence ledger
-- ("attendance.departure"), appended in the same transaction.
CREATE TABLE departure (
    id {{ID}},
    session_id BIGINT NOT NULL REFERENCES live_session(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    signed_at BIGINT NOT NULL,                  -- the server's clock: the time of departure
    method TEXT NOT NULL CHECK (method IN ('online', 'kiosk')),
    device_user_id BIGINT REFERENCES app_user(id),
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    strokes TEXT NOT NULL,
    image_svg TEXT NOT NULL,
    image_sha256 TEXT NOT NULL,
    UNIQUE (session_id, user_id)
);

-- The signing windows a trainer sets on a unit of a run (a distance,
-- asynchronous module): 'start' and 'end'.  Settings, replaced when the
-- trainer changes them; what was signed is in unit_signature.
CREATE TABLE unit_sign_window (
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    kind TEXT NOT NULL CHECK (kind IN ('start', 'end')),
    opens_at BIGINT NOT NULL,
    closes_at BIGINT NOT NULL,
    utc_offset_min BIGINT NOT NULL DEFAULT 0,   -- the times are shown at this offset
    set_by BIGINT NOT NULL REFERENCES app_user(id),
    set_at BIGINT NOT NULL,
    PRIMARY KEY (run_id, unit_id, kind)
);

-- A learner's signature at the start or the end of a distance unit, once
-- each, inside its window; never updated or deleted, each with its ledger
-- entry ("attendance.unit_signature") in the same transaction.
CREATE TABLE unit_signature (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    kind TEXT NOT NULL CHECK (kind IN ('start', 'end')),
    signed_at BIGINT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    strokes TEXT NOT NULL,
    image_svg TEXT NOT NULL,
    image_sha256 TEXT NOT NULL,
    UNIQUE (run_id, unit_id, user_id, kind)
);
CREATE INDEX unit_signature_user ON unit_signature (run_id, user_id);
