-- Numbered receipts. Every collection gets a receipt number from a series:
-- a device's (numbers reserved in blocks, so a phone offline prints final
-- numbers) or an agent's server series (a collection recorded online). A
-- number is written SERIES-NNNNNN. No number is used twice (the unique
-- receipt_number of collections) and none disappears unexplained: each
-- number handed out is a receipt, a cancellation (who, when, why), or an
-- unused number of a live device's block.

-- +goose Up
ALTER TABLE collections ADD COLUMN agent TEXT NOT NULL DEFAULT '';
-- when the receipt was first rendered: later renderings are copies
ALTER TABLE collections ADD COLUMN receipt_issued_at TEXT NOT NULL DEFAULT '';
CREATE INDEX collections_agent ON collections (agent, collected_at);

CREATE TABLE devices (
    id         TEXT PRIMARY KEY,
    agent      TEXT NOT NULL,
    name       TEXT NOT NULL CHECK (length(name) <= 200),
    series     TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    -- a retired device's unused numbers are cancelled; it gets no more
    retired_at TEXT NOT NULL DEFAULT '',
    retired_by TEXT NOT NULL DEFAULT '',
    retire_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX devices_agent ON devices (agent);

-- next_number: the next number the series hands out (online, one at a time; to a
-- device, a block at a time).
CREATE TABLE receipt_series (
    series     TEXT PRIMARY KEY,
    agent      TEXT NOT NULL,
    device_id  TEXT NOT NULL DEFAULT '',
    next_number BIGINT NOT NULL DEFAULT 1 CHECK (next_number >= 1)
);

CREATE TABLE receipt_blocks (
    series     TEXT NOT NULL REFERENCES receipt_series (series),
    first_number BIGINT NOT NULL CHECK (first_number >= 1),
    last_number  BIGINT NOT NULL,
    device_id  TEXT NOT NULL REFERENCES devices (id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (series, first_number),
    CHECK (last_number >= first_number)
);

CREATE TABLE receipt_cancellations (
    series     TEXT NOT NULL,
    number     BIGINT NOT NULL,
    at         TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (length(reason) <= 500),
    PRIMARY KEY (series, number)
);

-- +goose Down
DROP TABLE receipt_cancellations;
DROP TABLE receipt_blocks;
DROP TABLE receipt_series;
DROP TABLE devices;
DROP INDEX collections_agent;
ALTER TABLE collections DROP COLUMN receipt_issued_at;
ALTER TABLE collections DROP COLUMN agent;
