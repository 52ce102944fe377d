DROP TABLE objections;
DROP TABLE awards;
DROP TABLE calendar_days;
DROP TABLE calendar_years;
