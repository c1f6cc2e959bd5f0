-- Promises to pay and disputes (internal/app/promises.go, disputes.go).
--
-- A promise names the documents it covers (promise_documents, with what
-- each had open when promised, so "the promised amount collected" is what
-- their open amounts fell by). Dunning pauses for them until the promise's
-- date; the dunning run marks a promise kept, or broken once its date and
-- the grace have passed.
--
-- A dispute is on one document; opening it sets the document's disputed
-- flag (and moves the customer's disputed figure through the change
-- envelope); the administration resolves it. At most one open dispute per
-- document.

-- +goose Up
CREATE TABLE promises (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    -- 1: the whole overdue of the customer when promised (its documents listed)
    whole        INTEGER NOT NULL DEFAULT 0,
    promised_for TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency     TEXT NOT NULL,
    made_by      TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    -- the company's day it was recorded
    made_on      TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('open', 'kept', 'broken')),
    settled_on   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX promises_customer ON promises (customer_id, id);
CREATE INDEX promises_open ON promises (state, customer_id);

CREATE TABLE promise_documents (
    promise_id  TEXT NOT NULL REFERENCES promises (id),
    customer_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    open_minor  BIGINT NOT NULL,
    PRIMARY KEY (promise_id, document_id)
);
CREATE INDEX promise_documents_customer ON promise_documents (customer_id);

CREATE TABLE disputes (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    document_id  TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (reason IN ('price', 'quantity', 'quality', 'not_delivered', 'other')),
    note         TEXT NOT NULL DEFAULT '',
    opened_by    TEXT NOT NULL,
    opened_at    TEXT NOT NULL,
    -- 1: the ERP had it disputed already; resolving leaves its flag alone
    was_disputed INTEGER NOT NULL DEFAULT 0,
    state        TEXT NOT NULL CHECK (state IN ('open', 'credit_note', 'rejected', 'paid')),
    resolved_by  TEXT NOT NULL DEFAULT '',
    resolved_at  TEXT NOT NULL DEFAULT '',
    resolution   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX disputes_customer ON disputes (customer_id, id);
CREATE UNIQUE INDEX disputes_one_open ON disputes (document_id) WHERE state = 'open';

-- +goose Down
DROP INDEX disputes_one_open;
DROP INDEX disputes_customer;
DROP TABLE disputes;
DROP INDEX promise_documents_customer;
DROP TABLE promise_documents;
DROP INDEX promises_open;
DROP INDEX promises_customer;
DROP TABLE promises;
