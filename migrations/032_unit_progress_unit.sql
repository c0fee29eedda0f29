-- 032 the learners who opened one unit, found by unit (peer assessment's
-- reminders, src/assess/peer.c peer_reminders_due, every tick): the table's
-- key starts with the run and the learner, so without this index the tick
-- read every progress row.
CREATE INDEX unit_progress_unit ON unit_progress (unit_id, run_id);
