DROP TABLE bid_members;
DROP TABLE bids;
