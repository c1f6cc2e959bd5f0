-- Revocation: when each user last signed in and each token was last
-- used (shown to whoever revokes them), shared statement links that can be
-- revoked before they expire, and the lookups disabling a user and
-- listing a customer's links need.

-- +goose Up
ALTER TABLE users ADD COLUMN last_sign_in_at TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT NOT NULL DEFAULT '';
ALTER TABLE share_links ADD COLUMN revoked_at TEXT NOT NULL DEFAULT '';
ALTER TABLE share_links ADD COLUMN revoked_by TEXT NOT NULL DEFAULT '';
CREATE INDEX api_tokens_user ON api_tokens (user_name);
CREATE INDEX share_links_customer ON share_links (customer_id, created_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

-- +goose Down
DROP INDEX sessions_last_seen;
DROP INDEX share_links_customer;
DROP INDEX api_tokens_user;
ALTER TABLE share_links DROP COLUMN revoked_by;
ALTER TABLE share_links DROP COLUMN revoked_at;
ALTER TABLE api_tokens DROP COLUMN last_used_at;
ALTER TABLE users DROP COLUMN last_sign_in_at;
