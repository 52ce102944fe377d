UPDATE background_jobs SET status = 'pending', locked_by = NULL, locked_until = NULL WHERE status = 'running';
DROP INDEX background_jobs_lease_idx;
DROP INDEX background_jobs_dedupe_key;
CREATE UNIQUE INDEX background_jobs_dedupe_key ON background_jobs (dedupe_key) WHERE status = 'pending';
ALTER TABLE background_jobs
    DROP CONSTRAINT background_jobs_lease_check,
    DROP CONSTRAINT background_jobs_status_check,
    ADD CONSTRAINT background_jobs_status_check CHECK (status IN ('pending', 'failed')),
    DROP COLUMN locked_until,
    DROP COLUMN locked_by;
