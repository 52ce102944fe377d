DROP TABLE bid_members;
DROP TABLE bids;

ALTER TABLE users DROP COLUMN membership_pending;
