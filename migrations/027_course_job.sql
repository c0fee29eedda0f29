-- 027 course packages from the browser and the API (docs/course-format.md
-- "From the browser and the API"): an export to, or an import from, a
-- .tar.gz, made in the background by the tick of `lectern serve` (one
-- process at a time, claimed with locked_until), whose progress the page
-- shows.  The archive is DATA/tmp/course-export-ID.tar.gz or
-- course-import-ID.tar.gz; an import's is removed once the job ends.
CREATE TABLE course_job (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL CHECK (kind IN ('export', 'import')),
    course_id BIGINT REFERENCES course(id),     -- export: its course; import: the new course once done
    code TEXT,                                  -- import: the code to give instead of the package's
    created_by BIGINT NOT NULL REFERENCES app_user(id),
    step TEXT NOT NULL DEFAULT '',              -- what it is doing: unpacking, importing, exporting
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    error TEXT,                                 -- failed: what went wrong ("path:line: message")
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX course_job_status ON course_job (status, locked_until);
CREATE INDEX course_job_org ON course_job (org_id, id);
