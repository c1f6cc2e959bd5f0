-- Dunning (internal/dunning, internal/app/dunning.go): every reminder a run
-- decides is a send intent, written in the transaction that decides it,
-- under a unique key (customer, scenario, step, cycle), so a step is sent
-- to a customer once however many runs, retries or servers decide it. An
-- email's delivery is an outbox event of topic dunning.email in the same
-- transaction.

-- +goose Up
CREATE TABLE dunning_sends (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    scenario    TEXT NOT NULL,
    step        TEXT NOT NULL,
    -- the dunning cycle of the message: that of its first document (id@due date)
    cycle       TEXT NOT NULL,
    channel     TEXT NOT NULL CHECK (channel IN ('email', 'letter', 'call', 'visit')),
    template    TEXT NOT NULL,
    -- the company's day the run decided it for
    as_of       TEXT NOT NULL,
    -- queued: an email in the outbox; sent: delivered to the SMTP server;
    -- task: a call or visit task for the agent; skipped: not sent, reason says why
    state       TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'task', 'skipped', 'failed')),
    reason      TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL DEFAULT '',
    recipient   TEXT NOT NULL DEFAULT '',
    message_id  TEXT NOT NULL DEFAULT '',
    outbox_id   TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    sent_at     TEXT NOT NULL DEFAULT '',
    UNIQUE (customer_id, scenario, step, cycle)
);
CREATE INDEX dunning_sends_customer ON dunning_sends (customer_id, as_of);
CREATE INDEX dunning_sends_created ON dunning_sends (created_at, id);

-- The documents a send names, each at most once per step of its cycle.
CREATE TABLE dunning_send_documents (
    send_id     TEXT NOT NULL REFERENCES dunning_sends (id),
    customer_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    step        TEXT NOT NULL,
    open_minor  BIGINT NOT NULL,
    currency    TEXT NOT NULL,
    PRIMARY KEY (document_id, due_date, step)
);
CREATE INDEX dunning_send_documents_customer ON dunning_send_documents (customer_id);

-- +goose Down
DROP INDEX dunning_send_documents_customer;
DROP TABLE dunning_send_documents;
DROP INDEX dunning_sends_created;
DROP INDEX dunning_sends_customer;
DROP TABLE dunning_sends;
