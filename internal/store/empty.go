package store

import (
	"context"
	"fmt"
)

// HoldsData reports whether any of cobro's tables holds a row, the
// migrations' bookkeeping and the readiness probe's row aside: whether a
// database is still as a fresh migration left it.
func (db *DB) HoldsData(ctx context.Context) (bool, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.dialect.name() == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return false, fmt.Errorf("store: tables: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return false, fmt.Errorf("store: tables: %w", err)
		}
		// Tables the migrations fill themselves (the default credit policy)
		// hold nothing a person wrote.
		if t != "goose_db_version" && t != "readiness" && t != "credit_policies" {
			tables = append(tables, t)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("store: tables: %w", err)
	}
	for _, t := range tables {
		var any bool
		if err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM "`+t+`")`).Scan(&any); err != nil {
			return false, fmt.Errorf("store: rows of %s: %w", t, err)
		}
		if any {
			return true, nil
		}
	}
	return false, nil
}
