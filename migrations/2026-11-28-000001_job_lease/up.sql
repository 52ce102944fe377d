-- A job is claimed with a lease: status 'running', who holds it and until when. The work runs
-- outside any transaction; a lease that runs out (its instance died) puts the job back.
ALTER TABLE background_jobs
    ADD COLUMN locked_by TEXT,
    ADD COLUMN locked_until TIMESTAMPTZ,
    DROP CONSTRAINT background_jobs_status_check,
    ADD CONSTRAINT background_jobs_status_check
        CHECK (status IN ('pending', 'running', 'failed')),
    ADD CONSTRAINT background_jobs_lease_check
        CHECK ((status = 'running') = (locked_by IS NOT NULL AND locked_until IS NOT NULL));

-- A running job still counts as queued: a second one with its key is not added.
DROP INDEX background_jobs_dedupe_key;
CREATE UNIQUE INDEX background_jobs_dedupe_key ON background_jobs (dedupe_key)
    WHERE status IN ('pending', 'running');

CREATE INDEX background_jobs_lease_idx ON background_jobs (locked_until) WHERE status = 'running';
