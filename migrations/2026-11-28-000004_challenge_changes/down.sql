DROP TRIGGER challenges_changed ON challenges;
DROP FUNCTION challenges_mark_changed();
DROP INDEX challenges_changed_idx;
ALTER TABLE challenges DROP COLUMN changed_xid;
