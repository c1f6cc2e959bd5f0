-- Settlements (liquidaciones): what an agent hands the administration for
-- a period, counted per instrument. A collection is in at most one
-- settlement as itself, and at most once more as a correction (voided
-- after its settlement was verified). A verified settlement never changes.

-- +goose Up
ALTER TABLE company ADD COLUMN settlement_tolerance_minor BIGINT NOT NULL DEFAULT 0
    CHECK (settlement_tolerance_minor >= 0 AND settlement_tolerance_minor <= 10000000000000);

CREATE TABLE settlements (
    id             TEXT PRIMARY KEY,
    agent          TEXT NOT NULL,
    from_date      TEXT NOT NULL,
    to_date        TEXT NOT NULL,
    currency       TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'awaiting_approval', 'verified')),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    submitted_at   TEXT NOT NULL DEFAULT '',
    submitted_by   TEXT NOT NULL DEFAULT '',
    -- how many times it was sent back to the agent
    rejections     INTEGER NOT NULL DEFAULT 0,
    last_rejection TEXT NOT NULL DEFAULT '',
    -- the count: JSON [{instrument, expected, counted, diff, reason}]
    counted        TEXT NOT NULL DEFAULT '',
    difference_minor BIGINT NOT NULL DEFAULT 0,
    counted_at     TEXT NOT NULL DEFAULT '',
    counted_by     TEXT NOT NULL DEFAULT '',
    approved_by    TEXT NOT NULL DEFAULT '',
    approval_note  TEXT NOT NULL DEFAULT '',
    verified_at    TEXT NOT NULL DEFAULT '',
    exported_at    TEXT NOT NULL DEFAULT '',
    updated_at     TEXT NOT NULL
);
CREATE INDEX settlements_agent ON settlements (agent, created_at);
CREATE INDEX settlements_state ON settlements (state, created_at);

CREATE TABLE settlement_lines (
    settlement_id TEXT NOT NULL REFERENCES settlements (id),
    collection_id TEXT NOT NULL REFERENCES collections (id),
    correction    INTEGER NOT NULL DEFAULT 0 CHECK (correction IN (0, 1)),
    instrument    TEXT NOT NULL,
    amount_minor  BIGINT NOT NULL CHECK (amount_minor > 0),
    PRIMARY KEY (settlement_id, collection_id, correction)
);
CREATE UNIQUE INDEX settlement_lines_once ON settlement_lines (collection_id, correction);

-- +goose Down
DROP TABLE settlement_lines;
DROP TABLE settlements;
ALTER TABLE company DROP COLUMN settlement_tolerance_minor;
