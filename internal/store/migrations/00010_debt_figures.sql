-- The debt list at scale. Each customer keeps the open amount of what it
-- owes (invoices and returned items, disputed included), beside its other
-- figures: the debt list's totals under customer filters are sums of
-- customer rows, never a count of every open document. The list itself
-- reads open owed documents in due-date order from a partial index.

-- +goose Up
ALTER TABLE customers ADD COLUMN owed_minor BIGINT NOT NULL DEFAULT 0 CHECK (owed_minor >= 0);
UPDATE customers SET owed_minor = COALESCE((SELECT SUM(d.open_minor) FROM documents d
    WHERE d.customer_id = customers.id AND d.open_minor > 0 AND d.kind <> 'credit_note'), 0);
CREATE INDEX customers_owed ON customers (owed_minor, id);
CREATE INDEX documents_debts ON documents (due_date, id) WHERE open_minor > 0 AND kind <> 'credit_note';

-- +goose Down
DROP INDEX documents_debts;
DROP INDEX customers_owed;
ALTER TABLE customers DROP COLUMN owed_minor;
