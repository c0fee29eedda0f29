-- 003 catalog: programmes, courses and their runs (issue 3, first slice).
-- A programme is a training plan (ordered courses, objectives, hours, the
-- assistance offered and its response delay: what a distance learner must be
-- told). A course is the content; a run is one session of it with dates, an
-- enrolment window and a visibility: mooc (public, open), spoc (private, by
-- invitation) or corporate (members of the organisation only).

CREATE TABLE programme (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    title TEXT NOT NULL,
    objectives TEXT NOT NULL DEFAULT '',
    estimated_minutes BIGINT NOT NULL DEFAULT 0,
    assistance TEXT NOT NULL DEFAULT '',
    response_hours BIGINT NOT NULL DEFAULT 48,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX programme_org ON programme (org_id);

CREATE TABLE course (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    programme_id BIGINT REFERENCES programme(id),
    position BIGINT NOT NULL DEFAULT 0,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    objectives TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'en',
    estimated_minutes BIGINT NOT NULL DEFAULT 0,
    published INTEGER NOT NULL DEFAULT 0,
    search_key TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (org_id, code)
);
CREATE INDEX course_org ON course (org_id, published);

CREATE TABLE course_run (
    id {{ID}},
    course_id BIGINT NOT NULL REFERENCES course(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    title TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('mooc', 'spoc', 'corporate')),
    pacing TEXT NOT NULL DEFAULT 'self' CHECK (pacing IN ('self', 'instructor')),
    starts_at BIGINT,
    ends_at BIGINT,
    enrol_from BIGINT,
    enrol_until BIGINT,
    capacity BIGINT,
    trainer_id BIGINT REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX course_run_course ON course_run (course_id);
CREATE INDEX course_run_org ON course_run (org_id, visibility);
