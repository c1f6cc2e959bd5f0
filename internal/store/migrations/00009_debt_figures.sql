-- The debt list at scale. Each customer keeps the open amount of what it
-- owes (invoices and returned items, disputed included), beside its other
-- figures: the debt list's totals under customer filters are sums of
-- customer rows, never a count of every open document. The list itself
-- reads open owed documents in due-date order from a partial index.

-- +goose Up
ALTER TABLE customers ADD COLUMN owed_minor BIGINT NOT NULL DEFAULT 0 CHECK (owed_minor >= 0);
UPDATE customers SET owed_minor = COALESCE((SELECT SUM(d.open_minor) FROM documents d
    WHERE d.customer_id = customers.id AND d.open_minor > 0 AND d.kind <> 'credit_note'), 0);
-- It carries the columns the totals count, so that counting reads the
-- index alone.
CREATE INDEX documents_debts ON documents (due_date, id, kind, disputed, instrument, currency, open_minor, customer_id)
    WHERE open_minor > 0 AND kind <> 'credit_note';
-- The rare statuses (disputed, unpaid) have their own, so that counting
-- them never walks every open document.
CREATE INDEX documents_debts_disputed ON documents (due_date, id) WHERE open_minor > 0 AND kind <> 'credit_note' AND disputed = 1;
CREATE INDEX documents_debts_returned ON documents (due_date, id) WHERE open_minor > 0 AND kind = 'returned';
-- The customer-level totals read this index, not the customer rows.
CREATE INDEX customers_debt_totals ON customers (agent, zone, route, segment, currency, open_count, owed_minor, overdue_minor, disputed_minor)
    WHERE owed_minor > 0;
-- documents_open (open_minor, due_date) matched nearly every open document
-- and drew the planners away from the indexes above.
DROP INDEX documents_open;

-- +goose Down
CREATE INDEX documents_open ON documents (open_minor, due_date);
DROP INDEX customers_debt_totals;
DROP INDEX documents_debts_returned;
DROP INDEX documents_debts_disputed;
DROP INDEX documents_debts;
ALTER TABLE customers DROP COLUMN owed_minor;
