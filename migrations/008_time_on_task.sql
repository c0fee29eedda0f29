-- 008 time-on-task: the rules that turn heartbeats into connection sessions,
-- per organisation (see docs/time-on-task.md), and an index to read one
-- learner's heartbeats of a run in time order.
CREATE TABLE time_rules (
    org_id BIGINT PRIMARY KEY REFERENCES org(id),
    idle_minutes BIGINT NOT NULL,       -- no input for this long: not active; a gap this long: new session
    session_cap_minutes BIGINT NOT NULL, -- active time beyond this in one session is not counted
    updated_at BIGINT NOT NULL
);
CREATE INDEX heartbeat_run_user_at ON heartbeat (run_id, user_id, at);
