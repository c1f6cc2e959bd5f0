-- The import page (docs/import-format.md): a file uploaded is kept here
-- until applied in the background (app servers keep no files of their
-- own) and purged after app.UploadRetention; every import run, from the
-- page or the command line, records where it came from, its progress and
-- its rejected rows; mappings are saved under a name.

-- +goose Up
-- data: the file's bytes (BYTEA on PostgreSQL; on SQLite the type name
-- only sets an affinity, and a blob is stored as it is).
CREATE TABLE import_uploads (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    file       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    size       BIGINT NOT NULL CHECK (size >= 0),
    data       BYTEA NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX import_uploads_created ON import_uploads (created_at);

-- source: 'cli', 'page', 'api'; total: the rows the file holds (0 until
-- counted); job_id: the background job applying it ('' for others);
-- error: why a run stopped (a file error's code and message).
ALTER TABLE import_runs ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE import_runs ADD COLUMN upload_id TEXT NOT NULL DEFAULT '';
ALTER TABLE import_runs ADD COLUMN job_id TEXT NOT NULL DEFAULT '';
ALTER TABLE import_runs ADD COLUMN total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_runs ADD COLUMN skipped BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_runs ADD COLUMN error_code TEXT NOT NULL DEFAULT '';
ALTER TABLE import_runs ADD COLUMN error TEXT NOT NULL DEFAULT '';
CREATE INDEX import_runs_started ON import_runs (started_at);
CREATE INDEX import_runs_job ON import_runs (job_id) WHERE job_id <> '';

-- One row per rejected cell of a run, in the order reported; params fill
-- the code's message template in another language (JSON array).
CREATE TABLE import_errors (
    run_id  TEXT NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
    seq     BIGINT NOT NULL,
    line    BIGINT NOT NULL,
    col     TEXT NOT NULL DEFAULT '',
    value   TEXT NOT NULL DEFAULT '',
    code    TEXT NOT NULL,
    message TEXT NOT NULL,
    params  TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (run_id, seq)
);

-- Named mappings (a mapping file as docs/import-format.md), per kind.
CREATE TABLE import_mappings (
    name       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    mapping    TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE import_mappings;
DROP TABLE import_errors;
DROP INDEX import_runs_job;
DROP INDEX import_runs_started;
ALTER TABLE import_runs DROP COLUMN error;
ALTER TABLE import_runs DROP COLUMN error_code;
ALTER TABLE import_runs DROP COLUMN skipped;
ALTER TABLE import_runs DROP COLUMN total;
ALTER TABLE import_runs DROP COLUMN job_id;
ALTER TABLE import_runs DROP COLUMN upload_id;
ALTER TABLE import_runs DROP COLUMN source;
DROP INDEX import_uploads_created;
DROP TABLE import_uploads;
