-- 010: a programme's prerequisites (what a learner must know or have done
-- before entering), one of the facts a training plan must show.
ALTER TABLE programme ADD COLUMN prerequisites TEXT NOT NULL DEFAULT '';
