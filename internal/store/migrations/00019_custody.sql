-- Where a cheque or promissory note in hand is between the visit and its
-- clearing (ledger.Custody): with the agent (''), handed in to the office,
-- deposited at the bank; and since when. The instruments page queues them.

-- +goose Up
ALTER TABLE collections ADD COLUMN custody TEXT NOT NULL DEFAULT '' CHECK (custody IN ('', 'handed_in', 'deposited'));
ALTER TABLE collections ADD COLUMN custody_at TEXT NOT NULL DEFAULT '';
CREATE INDEX collections_instruments ON collections (state, instrument_due_date) WHERE instrument IN ('cheque', 'promissory_note');

-- +goose Down
DROP INDEX collections_instruments;
ALTER TABLE collections DROP COLUMN custody_at;
ALTER TABLE collections DROP COLUMN custody;
