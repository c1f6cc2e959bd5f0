-- Alerts: what a person must look at because of a change (a returned
-- cheque, an offline collection whose debt was paid meanwhile). Written by
-- the change envelope in the change's transaction, so an alert exists
-- exactly when its change committed; resolved by a person, never deleted.

-- +goose Up
CREATE TABLE alerts (
    id          TEXT PRIMARY KEY,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    customer_id TEXT NOT NULL DEFAULT '',
    -- the agent it concerns ('' when none): an agent sees only theirs
    agent       TEXT NOT NULL DEFAULT '',
    entity      TEXT NOT NULL DEFAULT '',
    entity_id   TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '{}',
    resolved_at TEXT NOT NULL DEFAULT '',
    resolved_by TEXT NOT NULL DEFAULT '',
    resolution  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alerts_open ON alerts (resolved_at, id);
CREATE INDEX alerts_agent ON alerts (agent, resolved_at, id);
CREATE INDEX alerts_customer ON alerts (customer_id, id);

-- +goose Down
DROP TABLE alerts;
