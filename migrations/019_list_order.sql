-- 019 list order: a learner's enrolments and join requests are listed newest
-- first on every signed-in home page; with the date in the index, both
-- backends read them in order instead of sorting them per request.
DROP INDEX enrolment_user;
CREATE INDEX enrolment_user ON enrolment (user_id, status, enrolled_at);
DROP INDEX enrolment_request_user;
CREATE INDEX enrolment_request_user ON enrolment_request (user_id, status, created_at);
