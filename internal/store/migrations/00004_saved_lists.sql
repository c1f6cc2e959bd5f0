-- Debt lists a user saved under a name, to reopen them.

-- +goose Up
CREATE TABLE saved_lists (
    id         TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users (name),
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (user_name, name)
);

-- +goose Down
DROP TABLE saved_lists;
