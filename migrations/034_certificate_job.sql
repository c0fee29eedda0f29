-- 034 all the certificates of a run as one ZIP, made in the background for
-- the web (docs/certificates.md "All the certificates of a run"): with
-- issue = 1 (administrators) a certificate is first issued to every learner
-- of the run who has hours to certify and none yet.  The tick of `lectern
-- serve` claims a job with locked_until and counts done / total learners.
CREATE TABLE certificate_job (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    created_by BIGINT NOT NULL REFERENCES app_user(id),
    issue BIGINT NOT NULL DEFAULT 0,
    action_type TEXT NOT NULL DEFAULT 'training',
    lang TEXT NOT NULL DEFAULT 'en',
    total BIGINT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    issued BIGINT NOT NULL DEFAULT 0,           -- certificates issued by the job
    in_zip BIGINT NOT NULL DEFAULT 0,           -- certificates in the ZIP
    no_hours BIGINT NOT NULL DEFAULT 0,         -- learners left without one: no hours to certify
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX certificate_job_status ON certificate_job (status, locked_until);
