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
	var created string
	err := db.readRow(ctx, `SELECT id, name, role, user_name, created_at FROM api_tokens
		WHERE token_hash = $1 AND revoked_at = ''`, hash).Scan(&tok.ID, &tok.Name, &tok.Role, &tok.UserName, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return tok, ErrNotFound
	}
	if err != nil {
		return tok, fmt.Errorf("store: token: %w", err)
	}
	tok.CreatedAt, err = ParseStamp(created)
	return tok, err
}
