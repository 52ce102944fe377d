DROP TABLE commitment_signatures;
DROP TABLE commitment_versions;
