-- Delivering the outbox (internal/jobs/outbox.go): where events go (a
-- signed webhook, a CSV drop folder, both or neither), the lease a worker
-- claims an event under, which destinations already have it, and every
-- attempt, so the outbox page shows what was sent, what failed and why.

-- +goose Up
-- The company's destinations: one row, set by the administration. The
-- secret signs webhooks (HMAC-SHA256); it is never shown back in full.
CREATE TABLE outbox_delivery (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    webhook_url    TEXT NOT NULL DEFAULT '',
    webhook_secret TEXT NOT NULL DEFAULT '',
    csv_dir        TEXT NOT NULL DEFAULT '',
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT ''
);

-- A worker claims due events under a lease (owner and expiry); the outcome
-- of an attempt is recorded only under the claim's owner. An event is
-- delivered when every destination configured has it: webhook_at and
-- csv_at say when each did, so a retry sends only where it failed.
ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN webhook_at TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN csv_at TEXT NOT NULL DEFAULT '';
-- The page lists events newest first, by state.
CREATE INDEX outbox_state ON outbox (state, id);

-- One row per attempt to one destination.
CREATE TABLE outbox_attempts (
    id          TEXT PRIMARY KEY,
    event_id    TEXT NOT NULL REFERENCES outbox (id),
    at          TEXT NOT NULL,
    destination TEXT NOT NULL CHECK (destination IN ('webhook', 'csv')),
    -- the webhook's URL (without credentials) or the file written
    target      TEXT NOT NULL DEFAULT '',
    ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
    -- the HTTP status of a webhook's answer (0: no answer)
    status      INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX outbox_attempts_event ON outbox_attempts (event_id, id);

-- +goose Down
DROP INDEX outbox_attempts_event;
DROP TABLE outbox_attempts;
DROP INDEX outbox_state;
ALTER TABLE outbox DROP COLUMN csv_at;
ALTER TABLE outbox DROP COLUMN webhook_at;
ALTER TABLE outbox DROP COLUMN lease_until;
ALTER TABLE outbox DROP COLUMN lease_owner;
DROP TABLE outbox_delivery;
