DROP TABLE review_fees;
DROP TABLE rankings;
DROP TABLE scores;
DROP TABLE assignments;
DROP TABLE panel_draws;
DROP TABLE experts;
