-- What the award (SPEC §6) and the project (SPEC §7) share: the bid statuses of a confirmed award
-- and the moment the challenge was awarded (挂帅), from which milestone due dates are counted.
ALTER TABLE bids DROP CONSTRAINT bids_status_check;
ALTER TABLE bids ADD CONSTRAINT bids_status_check
    CHECK (status IN ('draft', 'submitted', 'withdrawn', 'eligible', 'ineligible', 'awarded', 'not_selected'));

ALTER TABLE challenges ADD COLUMN awarded_at timestamptz;
ALTER TABLE challenges ADD CONSTRAINT challenges_awarded_at
    CHECK (status NOT IN ('awarded', 'accepted') OR awarded_at IS NOT NULL);
-- At most one awarded bid per challenge.
CREATE UNIQUE INDEX bids_one_awarded ON bids (challenge_id) WHERE status = 'awarded';
