-- Background jobs: a row per job, taken with FOR UPDATE SKIP LOCKED by any number of runners.
-- Done jobs are deleted; a job that keeps failing is parked as 'failed' with its last error.
CREATE TABLE background_jobs (
    id            bigserial PRIMARY KEY,
    kind          text        NOT NULL,
    payload       jsonb       NOT NULL DEFAULT '{}',
    -- At most one pending job per key (e.g. one deadline job per challenge).
    dedupe_key    text,
    run_at        timestamptz NOT NULL DEFAULT now(),
    attempts      integer     NOT NULL DEFAULT 0,
    max_attempts  integer     NOT NULL DEFAULT 12 CHECK (max_attempts > 0),
    status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed')),
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX background_jobs_due_idx ON background_jobs (run_at, id) WHERE status = 'pending';
CREATE UNIQUE INDEX background_jobs_dedupe_key ON background_jobs (dedupe_key) WHERE status = 'pending';

-- In-app notifications, created alongside each email.
CREATE TABLE notifications (
    id          uuid PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        text        NOT NULL,
    title       text        NOT NULL,
    body        text        NOT NULL,
    data        jsonb       NOT NULL DEFAULT '{}',
    read_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_user_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- The audit log: append-only, each entry chained to the one before by an HMAC over its content and
-- the previous entry's hash, so that `jiebang audit verify` finds entries changed, removed or
-- inserted behind the application's back.
CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL,
    actor_id     uuid,
    action       text        NOT NULL,
    object_type  text        NOT NULL,
    object_id    text,
    summary      jsonb       NOT NULL DEFAULT '{}',
    client_addr  text,
    request_id   text,
    prev_hash    bytea       NOT NULL,
    hash         bytea       NOT NULL
);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- Nobody changes or removes audit entries through SQL, whatever their privileges on the table.
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
