-- Operations and the first run.
-- readiness: one row that /readyz and cobro serve rewrite to prove the
-- database takes writes (a read-only file, a full disk or a read-only
-- PostgreSQL fail the write).
-- how_to_pay_en/_es: the company's payment instructions in each language
-- a statement prints in; the single text there was goes to the company's
-- own language.

-- +goose Up
CREATE TABLE readiness (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TEXT NOT NULL
);
ALTER TABLE company ADD COLUMN how_to_pay_en TEXT NOT NULL DEFAULT '';
ALTER TABLE company ADD COLUMN how_to_pay_es TEXT NOT NULL DEFAULT '';
UPDATE company SET how_to_pay_en = how_to_pay WHERE language = 'en';
UPDATE company SET how_to_pay_es = how_to_pay WHERE language <> 'en';
ALTER TABLE company DROP COLUMN how_to_pay;

-- +goose Down
ALTER TABLE company ADD COLUMN how_to_pay TEXT NOT NULL DEFAULT '';
UPDATE company SET how_to_pay = CASE WHEN language = 'en' THEN how_to_pay_en ELSE how_to_pay_es END;
ALTER TABLE company DROP COLUMN how_to_pay_es;
ALTER TABLE company DROP COLUMN how_to_pay_en;
DROP TABLE readiness;
