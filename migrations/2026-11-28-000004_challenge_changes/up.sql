-- The change feed of challenges, read by each instance's text index (src/search): every insert or
-- update stamps the row with the id of its transaction and notifies the listeners at commit.
-- A reader that remembers the oldest transaction still running at its last read (the snapshot's
-- xmin) and next reads the rows stamped at or after it misses no commit, whatever the order in
-- which transactions committed (docs/search.md).
ALTER TABLE challenges ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX challenges_changed_idx ON challenges (changed_xid, id);

CREATE FUNCTION challenges_mark_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_xid := pg_current_xact_id();
    PERFORM pg_notify('challenges_changed', '');
    RETURN NEW;
END
$$;

CREATE TRIGGER challenges_changed BEFORE INSERT OR UPDATE ON challenges
    FOR EACH ROW EXECUTE FUNCTION challenges_mark_changed();
