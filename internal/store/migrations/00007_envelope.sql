-- The change envelope (internal/app/change.go): the outbox it writes in the
-- transaction of every change, and idempotency keys claimed in that same
-- transaction.

-- +goose Up
-- Events for the outside world (the ERP, webhooks), written only by the
-- change envelope in the transaction of the change they tell of, so an
-- event exists exactly when its change committed. A delivery worker (a
-- job) picks the due ones in id order (UUIDv7: creation order), records each
-- attempt, and after too many failures sets them dead for a person to see.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    topic           TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    customer_id     TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
CREATE INDEX outbox_aggregate ON outbox (aggregate_id, id);

-- A key's outcome is neutral ('created' or 'ok'): the faces say it as a
-- status. status_code stays for the keys stored before.
ALTER TABLE idempotency_keys ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
UPDATE idempotency_keys SET outcome = CASE WHEN status_code = 201 THEN 'created' ELSE 'ok' END WHERE state = 'done';
-- A claim is now inserted in the transaction of its work, so a committed
-- 'running' row can only be a claim of the old scheme whose work never
-- committed (servers are stopped to migrate): nothing to keep.
DELETE FROM idempotency_keys WHERE state = 'running';

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN outcome;
DROP INDEX outbox_aggregate;
DROP INDEX outbox_due;
DROP TABLE outbox;
