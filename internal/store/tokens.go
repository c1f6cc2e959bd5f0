package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Token is an API token as stored: only the hash of its secret.
type Token struct {
	ID, Name, Role, UserName string
	CreatedAt                time.Time
	LastUsedAt, RevokedAt    time.Time // zero when never
}

// InsertToken stores a new token's hash.
func (t *Tx) InsertToken(ctx context.Context, tok Token, hash string) error {
	_, err := t.exec(ctx, `INSERT INTO api_tokens (id, name, role, user_name, token_hash, created_at) VALUES ($1,$2,$3,$4,$5,$6)`,
		tok.ID, tok.Name, tok.Role, tok.UserName, hash, Stamp(tok.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert token: %w", err)
	}
	return nil
}

// TokenByHash finds a live token by the hash of its secret.
func (db *DB) TokenByHash(ctx context.Context, hash string) (Token, error) {
	var tok Token
	var created, used string
	err := db.readRow(ctx, `SELECT id, name, role, user_name, created_at, last_used_at FROM api_tokens
		WHERE token_hash = $1 AND revoked_at = ''`, hash).Scan(&tok.ID, &tok.Name, &tok.Role, &tok.UserName, &created, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return tok, ErrNotFound
	}
	if err != nil {
		return tok, fmt.Errorf("store: token: %w", err)
	}
	if tok.LastUsedAt, err = ParseStamp(used); err != nil {
		return tok, fmt.Errorf("store: token: %w", err)
	}
	tok.CreatedAt, err = ParseStamp(created)
	return tok, err
}

// Tokens lists the tokens, revoked ones too, oldest first; only those
// acting as user when user is not "".
func (db *DB) Tokens(ctx context.Context, user string) ([]Token, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, role, user_name, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE $1 = '' OR user_name = $1 ORDER BY created_at, id`, user)
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var tok Token
		var created, used, revoked string
		if err := rows.Scan(&tok.ID, &tok.Name, &tok.Role, &tok.UserName, &created, &used, &revoked); err != nil {
			return nil, fmt.Errorf("store: tokens: %w", err)
		}
		tok.CreatedAt, _ = ParseStamp(created)
		tok.LastUsedAt, _ = ParseStamp(used)
		tok.RevokedAt, _ = ParseStamp(revoked)
		out = append(out, tok)
	}
	return out, rows.Err()
}

// RevokeToken revokes a live token by id; ErrNotFound when there is no
// such live token.
func (t *Tx) RevokeToken(ctx context.Context, id string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at = ''`, id, Stamp(at))
	if err != nil {
		return fmt.Errorf("store: revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("token %q: %w", id, ErrNotFound)
	}
	return nil
}

// TouchToken records that a token was used at now, if it was last used
// before stale (so a busy token writes at most once a while).
func (t *Tx) TouchToken(ctx context.Context, id string, now, stale time.Time) error {
	_, err := t.exec(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND last_used_at < $3`, id, Stamp(now), Stamp(stale))
	if err != nil {
		return fmt.Errorf("store: touch token: %w", err)
	}
	return nil
}
