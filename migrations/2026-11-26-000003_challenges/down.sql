DROP TABLE challenge_clarifications;
DROP TABLE challenge_events;
DROP TABLE challenges;
