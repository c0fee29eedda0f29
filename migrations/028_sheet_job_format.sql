-- 028 all the sheets of a run as one PDF to print (docs/attendance.md "All
-- the sheets of a run"), beside the ZIP of one PDF per session.
ALTER TABLE sheet_job ADD COLUMN format TEXT NOT NULL DEFAULT 'zip' CHECK (format IN ('zip', 'pdf'));
