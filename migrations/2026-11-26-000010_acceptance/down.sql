DROP TABLE acceptance_verdicts;
DROP TABLE acceptance_assignments;
DROP TABLE acceptance_panels;
