-- 005 content: what a course is made of, and what learners did with it.
--
-- Content belongs to the course, not to a run: every session of a course
-- teaches the same sections and units.  An instructor-paced run releases a
-- section `release_days` after the run starts (self-paced runs ignore it),
-- so one outline serves runs with different dates.
--
-- Unit kinds are checked in code (content.c), not by a CHECK constraint, so
-- later kinds (quiz, discussion, live session, external MOOC) need no
-- migration of this table.

CREATE TABLE media (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    sha256 TEXT NOT NULL,           -- the file is DATA/media/ab/abcdef...
    size BIGINT NOT NULL,
    mime TEXT NOT NULL,             -- sniffed by libmagic
    filename TEXT NOT NULL,         -- as uploaded, for downloads
    created_by BIGINT REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, sha256)
);

CREATE TABLE section (
    id {{ID}},
    course_id BIGINT NOT NULL REFERENCES course(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    release_days BIGINT,            -- instructor-paced: days after the run starts
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX section_course ON section (course_id, position);

CREATE TABLE unit (
    id {{ID}},
    section_id BIGINT NOT NULL REFERENCES section(id),
    course_id BIGINT NOT NULL REFERENCES course(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,             -- text | video | resource | link | ...
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',  -- Markdown: the text, or an introduction
    url TEXT NOT NULL DEFAULT '',   -- link units
    media_id BIGINT REFERENCES media(id),   -- video and resource units
    minutes BIGINT NOT NULL DEFAULT 0,      -- estimated duration
    duration_s BIGINT NOT NULL DEFAULT 0,   -- video length, when known
    required INTEGER NOT NULL DEFAULT 1,    -- counts for course completion
    threshold BIGINT NOT NULL DEFAULT 0,    -- text: seconds; video: percent
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX unit_section ON unit (section_id, position);
CREATE INDEX unit_course ON unit (course_id);

-- Caption (WebVTT) and transcript files of a video unit, one per language.
CREATE TABLE unit_track (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL CHECK (kind IN ('captions', 'transcript')),
    lang TEXT NOT NULL,
    media_id BIGINT NOT NULL REFERENCES media(id),
    UNIQUE (unit_id, kind, lang)
);

-- One row per learner and unit of a run: first opened, completed.
CREATE TABLE unit_progress (
    id {{ID}},
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    first_at BIGINT NOT NULL,
    completed_at BIGINT,
    UNIQUE (run_id, user_id, unit_id)
);

-- Heartbeats from the unit player, every few seconds while a learner is
-- active, append-only (written by the batching writer).  Time-on-task and
-- connection sessions are derived from them; `segments` holds the stretches
-- of video actually played since the previous beat ("12.0-17.5,30-31").
CREATE TABLE heartbeat (
    id {{ID}},
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    at BIGINT NOT NULL,
    active_ms BIGINT NOT NULL,
    position_ms BIGINT,
    segments TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX heartbeat_learner ON heartbeat (run_id, user_id, unit_id, at);

ALTER TABLE enrolment ADD COLUMN last_unit_id BIGINT REFERENCES unit(id);
