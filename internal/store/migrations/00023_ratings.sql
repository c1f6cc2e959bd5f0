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

-- credit.Policy.RatingAction: what a check does for a customer rated D or E.
ALTER TABLE credit_policies ADD COLUMN rating_action TEXT NOT NULL DEFAULT 'none'
    CHECK (rating_action IN ('none', 'approval', 'block'));

-- +goose Down
ALTER TABLE credit_policies DROP COLUMN rating_action;
DROP TABLE customer_ratings;
