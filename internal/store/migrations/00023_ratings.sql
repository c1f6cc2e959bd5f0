-- Customer ratings (credit.Rate), stored for the lists: recomputed after
-- every import of documents or payments and by the daily ratings job.
-- factors: the rating's factors as JSON ([{"code", "value", "points"}]);
-- as_of: the day it was computed for.

-- +goose Up
CREATE TABLE customer_ratings (
    customer_id TEXT PRIMARY KEY REFERENCES customers (id),
    grade       TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D', 'E')),
    points      INTEGER NOT NULL CHECK (points >= 0),
    factors     TEXT NOT NULL,
    paid        BIGINT NOT NULL DEFAULT 0,
    paid_late   BIGINT NOT NULL DEFAULT 0,
    days_late   BIGINT NOT NULL DEFAULT 0,
    as_of       TEXT NOT NULL,
    computed_at TEXT NOT NULL
);
CREATE INDEX customer_ratings_grade ON customer_ratings (grade, customer_id);

-- +goose Down
DROP TABLE customer_ratings;
