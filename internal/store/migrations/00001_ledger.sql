-- The open-items ledger. Portable SQL: it runs unchanged on SQLite and
-- PostgreSQL. Money is <name>_minor BIGINT beside a currency column, never
-- NUMERIC (SQLite would store it as REAL). Dates are TEXT 'YYYY-MM-DD' and
-- instants TEXT 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (UTC): both sort as text.
-- Flags are INTEGER 0/1.

-- +goose Up
CREATE TABLE company (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    name          TEXT NOT NULL,
    tax_id        TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    currency      TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    language      TEXT NOT NULL DEFAULT 'es',
    how_to_pay    TEXT NOT NULL DEFAULT '',
    -- the day the stored customer figures are computed for
    figures_as_of TEXT NOT NULL
);

CREATE TABLE agents (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE customers (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    -- name, id and tax id folded to lower case without accents, filled in Go
    search_key         TEXT NOT NULL,
    tax_id             TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    language           TEXT NOT NULL DEFAULT '',
    agent              TEXT NOT NULL DEFAULT '',
    segment            TEXT NOT NULL DEFAULT '',
    zone               TEXT NOT NULL DEFAULT '',
    route              TEXT NOT NULL DEFAULT '',
    credit_limit_minor BIGINT,
    currency           TEXT NOT NULL,
    -- stored figures, kept current in the transaction of every change
    balance_minor      BIGINT NOT NULL DEFAULT 0,
    overdue_minor      BIGINT NOT NULL DEFAULT 0 CHECK (overdue_minor >= 0),
    disputed_minor     BIGINT NOT NULL DEFAULT 0 CHECK (disputed_minor >= 0),
    in_hand_minor      BIGINT NOT NULL DEFAULT 0 CHECK (in_hand_minor >= 0),
    unallocated_minor  BIGINT NOT NULL DEFAULT 0 CHECK (unallocated_minor >= 0),
    risk_minor         BIGINT NOT NULL DEFAULT 0,
    conflict_minor     BIGINT NOT NULL DEFAULT 0 CHECK (conflict_minor >= 0),
    open_count         BIGINT NOT NULL DEFAULT 0 CHECK (open_count >= 0),
    overdue_count      BIGINT NOT NULL DEFAULT 0 CHECK (overdue_count >= 0),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX customers_agent ON customers (agent, id);
CREATE INDEX customers_overdue ON customers (overdue_minor, id);

CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customers (id),
    kind           TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note', 'returned')),
    number         TEXT NOT NULL,
    issue_date     TEXT NOT NULL,
    due_date       TEXT NOT NULL,
    currency       TEXT NOT NULL,
    amount_minor   BIGINT NOT NULL CHECK (amount_minor >= 0),
    erp_open_minor BIGINT NOT NULL CHECK (erp_open_minor >= 0 AND erp_open_minor <= amount_minor),
    -- cobro's allocations the ERP has not acknowledged yet
    pending_minor  BIGINT NOT NULL DEFAULT 0 CHECK (pending_minor >= 0),
    -- erp_open - pending, never below zero: what cobro shows as open
    open_minor     BIGINT NOT NULL CHECK (open_minor >= 0),
    instrument     TEXT NOT NULL,
    disputed       INTEGER NOT NULL DEFAULT 0,
    paid_on        TEXT NOT NULL DEFAULT '',
    closed_reason  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX documents_customer ON documents (customer_id, due_date);

CREATE TABLE collections (
    id                  TEXT PRIMARY KEY,
    customer_id         TEXT NOT NULL REFERENCES customers (id),
    amount_minor        BIGINT NOT NULL CHECK (amount_minor > 0),
    currency            TEXT NOT NULL,
    allocated_minor     BIGINT NOT NULL DEFAULT 0 CHECK (allocated_minor >= 0 AND allocated_minor <= amount_minor),
    instrument          TEXT NOT NULL,
    instrument_number   TEXT NOT NULL DEFAULT '',
    instrument_bank     TEXT NOT NULL DEFAULT '',
    instrument_due_date TEXT NOT NULL DEFAULT '',
    state               TEXT NOT NULL CHECK (state IN ('in_hand', 'cleared', 'returned', 'voided')),
    collected_at        TEXT NOT NULL,
    recorded_at         TEXT NOT NULL,
    collected_by        TEXT NOT NULL,
    device_id           TEXT NOT NULL DEFAULT '',
    receipt_number      TEXT UNIQUE,
    -- '' while pending in the ERP
    erp_acked_at        TEXT NOT NULL DEFAULT '',
    void_reason         TEXT NOT NULL DEFAULT '',
    returned_document   TEXT NOT NULL DEFAULT '',
    updated_at          TEXT NOT NULL
);
CREATE INDEX collections_customer ON collections (customer_id, recorded_at);
CREATE INDEX collections_recorded ON collections (recorded_at, id);

CREATE TABLE allocations (
    id            TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES collections (id),
    document_id   TEXT NOT NULL REFERENCES documents (id),
    amount_minor  BIGINT NOT NULL CHECK (amount_minor > 0),
    acked         INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);
CREATE INDEX allocations_collection ON allocations (collection_id);
CREATE INDEX allocations_document ON allocations (document_id);

-- Every change to money: who, when, from where, under which key.
CREATE TABLE audit_log (
    id              TEXT PRIMARY KEY,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    source          TEXT NOT NULL DEFAULT '',
    action          TEXT NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    customer_id     TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_at ON audit_log (at);

CREATE TABLE idempotency_keys (
    actor        TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('running', 'done')),
    status_code  INTEGER NOT NULL DEFAULT 0,
    response     TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (actor, idem_key)
);
CREATE INDEX idempotency_created ON idempotency_keys (created_at);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    user_name    TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE import_runs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    file        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    rows_read   BIGINT NOT NULL DEFAULT 0,
    inserted    BIGINT NOT NULL DEFAULT 0,
    updated     BIGINT NOT NULL DEFAULT 0,
    unchanged   BIGINT NOT NULL DEFAULT 0,
    rejected    BIGINT NOT NULL DEFAULT 0,
    closed      BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE import_runs;
DROP TABLE api_tokens;
DROP TABLE idempotency_keys;
DROP TABLE audit_log;
DROP TABLE allocations;
DROP TABLE collections;
DROP TABLE documents;
DROP TABLE customers;
DROP TABLE agents;
DROP TABLE company;
