-- The ERP's payment history: each payment a document received, as the
-- ERP recorded it (cobro import payments). Partial payments on different
-- days are rows of their own; seq tells apart equal payments of one
-- document on one day (the second, third … of the file), so importing
-- the same file again adds nothing.

-- +goose Up
CREATE TABLE document_payments (
    document_id  TEXT NOT NULL REFERENCES documents (id),
    paid_on      TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    currency     TEXT NOT NULL,
    payment_id   TEXT NOT NULL DEFAULT '',
    import_run   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (document_id, paid_on, amount_minor, seq)
);

-- +goose Down
DROP TABLE document_payments;
