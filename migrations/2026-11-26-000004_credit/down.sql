DROP TABLE credit_checks;
DROP FUNCTION credit_checks_are_immutable();
DROP TABLE credit_reviews;
DROP TABLE credit_imports;
DROP TABLE credit_records;
