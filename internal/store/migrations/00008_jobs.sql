-- Background work, claimed through the database so that several servers
-- share it (internal/jobs). A job is claimed with a lease (owner and
-- expiry) and a fence: the fence goes up at every claim, and finishing,
-- failing or extending a job requires the fence of the claim, so a runner
-- whose lease was taken over changes nothing. unique_key makes a periodic
-- job's run for one period a single row whichever server enqueues it
-- first ("kind@period"); a job with nothing to be unique about gets its id.

-- +goose Up
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    unique_key   TEXT NOT NULL UNIQUE,
    payload      TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'retry', 'done', 'dead')),
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
    run_at       TEXT NOT NULL,
    lease_owner  TEXT NOT NULL DEFAULT '',
    lease_until  TEXT NOT NULL DEFAULT '',
    fence        BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL DEFAULT ''
);
-- What a runner claims: jobs waiting (by run_at) and leases that ran out.
CREATE INDEX jobs_due ON jobs (state, run_at);
-- The page and the purge: newest first, by state.
CREATE INDEX jobs_updated ON jobs (updated_at);

-- +goose Down
DROP TABLE jobs;
