-- People who sign in to the web app, their sessions, and sign-in throttling.

-- +goose Up
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'administration', 'management')),
    agent         TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT NOT NULL DEFAULT ''
);

-- A session is found by the hash of its cookie's secret; the secret
-- itself is never stored.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_name    TEXT NOT NULL REFERENCES users (name),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Failed sign-ins per key (a user name or a client address) in the
-- current window.
CREATE TABLE login_failures (
    throttle_key TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    failures     INTEGER NOT NULL
);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE users;
