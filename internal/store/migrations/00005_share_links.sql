-- Links that let a customer open their statement without signing in,
-- shared by an agent during a visit. Only the hash of the link's secret
-- is stored.

-- +goose Up
CREATE TABLE share_links (
    token_hash  TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

-- +goose Down
DROP TABLE share_links;
