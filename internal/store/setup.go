package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// CompanySetUp is when the company was set up in cobro; zero when no
// company or no record of it (a database from before migration 10 without
// the audit record).
func (t *Tx) CompanySetUp(ctx context.Context) (time.Time, error) {
	return scanSetUp(t.queryRow(ctx, qCompanySetUp))
}

// CompanySetUp is Tx.CompanySetUp in one statement, outside a transaction
// (every new collection reads it).
func (db *DB) CompanySetUp(ctx context.Context) (time.Time, error) {
	return scanSetUp(db.readRow(ctx, qCompanySetUp))
}

const qCompanySetUp = `SELECT COALESCE(MAX(created_at), '') FROM company WHERE id = 1`

func scanSetUp(row *sql.Row) (time.Time, error) {
	var s string
	if err := row.Scan(&s); err != nil {
		return time.Time{}, fmt.Errorf("store: company set-up: %w", err)
	}
	at, err := ParseStamp(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: company set-up %q: %w", s, err)
	}
	return at, nil
}

// SetCompanySetUp records when the company was set up: with first, only
// when nothing is recorded yet (the first save of the profile).
func (t *Tx) SetCompanySetUp(ctx context.Context, at time.Time, first bool) error {
	q := `UPDATE company SET created_at = $1 WHERE id = 1`
	if first {
		q += ` AND created_at = ''`
	}
	if _, err := t.exec(ctx, q, Stamp(at)); err != nil {
		return fmt.Errorf("store: set company set-up: %w", err)
	}
	return nil
}
