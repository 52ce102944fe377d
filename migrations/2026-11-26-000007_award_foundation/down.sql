DROP INDEX bids_one_awarded;
ALTER TABLE challenges DROP CONSTRAINT challenges_awarded_at;
ALTER TABLE challenges DROP COLUMN awarded_at;
ALTER TABLE bids DROP CONSTRAINT bids_status_check;
ALTER TABLE bids ADD CONSTRAINT bids_status_check
    CHECK (status IN ('draft', 'submitted', 'withdrawn', 'eligible', 'ineligible'));
