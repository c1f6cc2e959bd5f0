-- Credit control (package credit): the company's credit policy and the
-- segments' overrides, each customer's reserved total and "do not sell"
-- flag, and the credit checks: the orders reserved against a limit or
-- waiting for a supervisor's approval.

-- +goose Up
-- How many days an order stays reserved when it is neither invoiced nor
-- cancelled.
ALTER TABLE company ADD COLUMN reservation_days INTEGER NOT NULL DEFAULT 7 CHECK (reservation_days BETWEEN 1 AND 365);

-- segment '' is the company's policy; any other row replaces it for the
-- customers of its segment.
CREATE TABLE credit_policies (
    segment           TEXT PRIMARY KEY,
    unpaid_action     TEXT NOT NULL CHECK (unpaid_action IN ('none', 'approval', 'block')),
    overdue_action    TEXT NOT NULL CHECK (overdue_action IN ('none', 'approval', 'block')),
    overdue_days      INTEGER NOT NULL CHECK (overdue_days BETWEEN 0 AND 3650),
    materiality_bp    BIGINT NOT NULL CHECK (materiality_bp BETWEEN 0 AND 100000),
    materiality_minor BIGINT NOT NULL CHECK (materiality_minor BETWEEN 0 AND 10000000000000),
    limit_action      TEXT NOT NULL CHECK (limit_action IN ('none', 'approval', 'block')),
    tolerance_bp      BIGINT NOT NULL CHECK (tolerance_bp BETWEEN 0 AND 100000),
    tolerance_minor   BIGINT NOT NULL CHECK (tolerance_minor BETWEEN 0 AND 10000000000000),
    count_disputed    INTEGER NOT NULL CHECK (count_disputed IN (0, 1)),
    paid_now_passes   INTEGER NOT NULL CHECK (paid_now_passes IN (0, 1)),
    updated_at        TEXT NOT NULL,
    updated_by        TEXT NOT NULL
);
-- credit.Default
INSERT INTO credit_policies (segment, unpaid_action, overdue_action, overdue_days, materiality_bp, materiality_minor,
    limit_action, tolerance_bp, tolerance_minor, count_disputed, paid_now_passes, updated_at, updated_by)
VALUES ('', 'none', 'approval', 60, 100, 0, 'approval', 0, 0, 0, 1, '', 'default');

-- A customer's credit figures beyond the ledger's: what its live
-- reservations hold (kept in the transaction of every reservation's
-- change; cobro check recomputes it) and its flag.
CREATE TABLE credit_accounts (
    customer_id    TEXT PRIMARY KEY REFERENCES customers (id),
    reserved_minor BIGINT NOT NULL DEFAULT 0 CHECK (reserved_minor BETWEEN 0 AND 1000000000000000),
    flagged        INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
    flag_reason    TEXT NOT NULL DEFAULT '',
    flagged_by     TEXT NOT NULL DEFAULT '',
    flagged_at     TEXT NOT NULL DEFAULT '',
    updated_at     TEXT NOT NULL
);

-- Every check that asked to reserve. state: reserved (holding
-- exposure_minor against the limit), pending (waiting for approval),
-- rejected, blocked, invoiced, cancelled, expired. approval: '' (none
-- needed), pending, approved, rejected.
CREATE TABLE credit_checks (
    id               TEXT PRIMARY KEY,
    customer_id      TEXT NOT NULL REFERENCES customers (id),
    agent            TEXT NOT NULL,
    order_ref        TEXT NOT NULL,
    currency         TEXT NOT NULL,
    amount_minor     BIGINT NOT NULL CHECK (amount_minor > 0),
    paid_now_minor   BIGINT NOT NULL CHECK (paid_now_minor >= 0),
    exposure_minor   BIGINT NOT NULL CHECK (exposure_minor >= 0),
    decision         TEXT NOT NULL CHECK (decision IN ('allow', 'approval_required', 'block')),
    reasons          TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('reserved', 'pending', 'rejected', 'blocked', 'invoiced', 'cancelled', 'expired')),
    approval         TEXT NOT NULL CHECK (approval IN ('', 'pending', 'approved', 'rejected')),
    requested_by     TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_at       TEXT NOT NULL DEFAULT '',
    decision_comment TEXT NOT NULL DEFAULT '',
    closed_by        TEXT NOT NULL DEFAULT '',
    closed_at        TEXT NOT NULL DEFAULT '',
    updated_at       TEXT NOT NULL
);
-- One live check per order: a new check of the same order replaces it.
CREATE UNIQUE INDEX credit_checks_live_order ON credit_checks (customer_id, order_ref) WHERE state IN ('reserved', 'pending');
CREATE INDEX credit_checks_customer ON credit_checks (customer_id, created_at);
CREATE INDEX credit_checks_expiry ON credit_checks (expires_at) WHERE state IN ('reserved', 'pending');
CREATE INDEX credit_checks_approval ON credit_checks (approval, created_at) WHERE approval <> '';

-- +goose Down
DROP TABLE credit_checks;
DROP TABLE credit_accounts;
DROP TABLE credit_policies;
ALTER TABLE company DROP COLUMN reservation_days;
