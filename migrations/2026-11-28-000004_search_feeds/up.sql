-- The change feeds the text indexes read (src/search, docs/search.md): every insert or update of a
-- searchable table stamps the row with the id of its transaction, and notifies the table's
-- channel at commit. A reader that remembers the oldest transaction still running at its last
-- read (the snapshot's xmin) and next reads the rows stamped at or after it misses no commit,
-- whatever the order in which transactions committed.
CREATE FUNCTION search_mark_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_xid := pg_current_xact_id();
    PERFORM pg_notify(TG_ARGV[0], '');
    RETURN NEW;
END
$$;

ALTER TABLE challenges ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX challenges_changed_idx ON challenges (changed_xid, id);
CREATE TRIGGER challenges_changed BEFORE INSERT OR UPDATE ON challenges
    FOR EACH ROW EXECUTE FUNCTION search_mark_changed('challenges_changed');

-- Credit records, searched by subject name.
ALTER TABLE credit_records ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX credit_records_changed_idx ON credit_records (changed_xid, id);
CREATE TRIGGER credit_records_changed BEFORE INSERT OR UPDATE ON credit_records
    FOR EACH ROW EXECUTE FUNCTION search_mark_changed('credit_records_changed');

-- Experts, searched by name, title and organisation: a change of the account's name or of the
-- organisation's name touches the expert's row too.
ALTER TABLE experts ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX experts_changed_idx ON experts (changed_xid, user_id);
CREATE TRIGGER experts_changed BEFORE INSERT OR UPDATE ON experts
    FOR EACH ROW EXECUTE FUNCTION search_mark_changed('experts_changed');

CREATE FUNCTION experts_touch_by_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE experts SET user_id = user_id WHERE user_id = NEW.id;
    RETURN NEW;
END
$$;
CREATE TRIGGER experts_user_renamed AFTER UPDATE OF display_name, organization_id ON users
    FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name
                       OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
    EXECUTE FUNCTION experts_touch_by_user();

CREATE FUNCTION experts_touch_by_organization() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE experts SET user_id = user_id
    WHERE user_id IN (SELECT id FROM users WHERE organization_id = NEW.id);
    RETURN NEW;
END
$$;
CREATE TRIGGER experts_organization_renamed AFTER UPDATE OF name ON organizations
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION experts_touch_by_organization();
