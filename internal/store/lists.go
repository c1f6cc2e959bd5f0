package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SavedList is a named debt list: the query string of its filters.
type SavedList struct {
	ID, UserName, Name, Query string
	CreatedAt                 time.Time
}

// SaveList stores a list, replacing the user's list of the same name.
func (t *Tx) SaveList(ctx context.Context, l SavedList) error {
	_, err := t.exec(ctx, `INSERT INTO saved_lists (id, user_name, name, query, created_at) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (user_name, name) DO UPDATE SET query = excluded.query, created_at = excluded.created_at`,
		l.ID, l.UserName, l.Name, l.Query, Stamp(l.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: save list: %w", err)
	}
	return nil
}

// DeleteList removes one of a user's lists (a view, not money: it may go).
func (t *Tx) DeleteList(ctx context.Context, user, id string) error {
	_, err := t.exec(ctx, `DELETE FROM saved_lists WHERE user_name = $1 AND id = $2`, user, id)
	return err
}

// Lists returns a user's saved lists by name.
func (t *Tx) Lists(ctx context.Context, user string) ([]SavedList, error) {
	rows, err := t.query(ctx, `SELECT id, user_name, name, query FROM saved_lists WHERE user_name = $1 ORDER BY name`, user)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SavedList
	for rows.Next() {
		var l SavedList
		if err := rows.Scan(&l.ID, &l.UserName, &l.Name, &l.Query); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// InsertShareLink stores a statement link's hash.
func (t *Tx) InsertShareLink(ctx context.Context, hash, customerID, by string, now, expires time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO share_links (token_hash, customer_id, created_by, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)`,
		hash, customerID, by, Stamp(now), Stamp(expires))
	return err
}

// SharedCustomer is the customer of a live statement link.
func (t *Tx) SharedCustomer(ctx context.Context, hash string, now time.Time) (string, error) {
	var id string
	err := t.queryRow(ctx, `SELECT customer_id FROM share_links WHERE token_hash = $1 AND expires_at > $2 AND revoked_at = ''`,
		hash, Stamp(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return id, err
}

// ShareLink is a shared statement link as stored. ID is the hash of its
// secret: it names the link in a revocation and cannot open it.
type ShareLink struct {
	ID, CustomerID, CreatedBy string
	CreatedAt, ExpiresAt      time.Time
}

// LiveShareLinks lists a customer's links that still work at now, newest
// first.
func (t *Tx) LiveShareLinks(ctx context.Context, customerID string, now time.Time) ([]ShareLink, error) {
	rows, err := t.query(ctx, `SELECT token_hash, customer_id, created_by, created_at, expires_at FROM share_links
		WHERE customer_id = $1 AND expires_at > $2 AND revoked_at = '' ORDER BY created_at DESC`, customerID, Stamp(now))
	if err != nil {
		return nil, fmt.Errorf("store: share links: %w", err)
	}
	defer rows.Close()
	var out []ShareLink
	for rows.Next() {
		var l ShareLink
		var created, expires string
		if err := rows.Scan(&l.ID, &l.CustomerID, &l.CreatedBy, &created, &expires); err != nil {
			return nil, fmt.Errorf("store: share links: %w", err)
		}
		l.CreatedAt, _ = ParseStamp(created)
		l.ExpiresAt, _ = ParseStamp(expires)
		out = append(out, l)
	}
	return out, rows.Err()
}

// RevokeShareLink revokes a customer's live link; ErrNotFound when the
// customer has no such live link.
func (t *Tx) RevokeShareLink(ctx context.Context, customerID, id, by string, now time.Time) error {
	res, err := t.exec(ctx, `UPDATE share_links SET revoked_at = $4, revoked_by = $3
		WHERE token_hash = $1 AND customer_id = $2 AND revoked_at = '' AND expires_at > $4`, id, customerID, by, Stamp(now))
	if err != nil {
		return fmt.Errorf("store: revoke share link: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("share link: %w", ErrNotFound)
	}
	return nil
}
