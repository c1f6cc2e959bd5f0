-- A collection paid by an instrument of kind "other" names it (a voucher,
-- a bank draft...): the label is printed on the receipt.

-- +goose Up
ALTER TABLE collections ADD COLUMN instrument_label TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE collections DROP COLUMN instrument_label;
