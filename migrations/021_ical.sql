-- 021 iCalendar import of live sessions (docs/attendance.md, "Import from a
-- calendar"): which session each imported calendar occurrence became, by
-- the event's UID and its occurrence (RECURRENCE-ID form, '' for a single
-- event), so importing the same file again creates nothing twice.
CREATE TABLE session_ical (
    session_id BIGINT PRIMARY KEY REFERENCES live_session(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    uid TEXT NOT NULL,
    recurrence TEXT NOT NULL DEFAULT '',        -- the occurrence's original start, "20260302T080000Z"
    description TEXT NOT NULL DEFAULT '',       -- the event's DESCRIPTION, as imported
    imported_by BIGINT REFERENCES app_user(id),
    imported_at BIGINT NOT NULL,
    UNIQUE (run_id, uid, recurrence)
);

-- A learner's (or trainer's) secret calendar feed of a run's sessions:
-- GET /calendar/TOKEN.ics.  The token is stored hashed; making a new one
-- replaces the old, which stops working.
CREATE TABLE ical_feed (
    token_hash TEXT PRIMARY KEY,                -- hex SHA-256 of the token in the URL
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, run_id)
);
