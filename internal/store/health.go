package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrUnavailable is a failure of the storage itself, not of the request:
// the disk is full, the database file or the PostgreSQL server is read-only,
// an I/O error, the connection to the server is lost. Retrying later (or on
// another server) may succeed; the faces answer 503. Errors of DB.Write,
// DB.Read and DB.Writable that the dialect classifies so wrap it, beside
// the driver's error.
var ErrUnavailable = errors.New("storage unavailable")

// unavailable wraps err with ErrUnavailable when the dialect says the
// storage failed.
func (db *DB) unavailable(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !db.dialect.unavailable(err) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// Writable proves the database takes writes by committing one tiny row
// (the readiness table's), the same way every change is committed: a
// read-only file or mount, a full disk or a read-only PostgreSQL fail it
// with ErrUnavailable. It waits for the writers ahead of it, so callers
// bound ctx. now is recorded in the row (the last successful probe).
func (db *DB) Writable(ctx context.Context, now time.Time) error {
	err := db.Write(ctx, func(t *Tx) error {
		_, err := t.tx.ExecContext(ctx, `INSERT INTO readiness (id, checked_at) VALUES (1, $1)
			ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`, Stamp(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: write probe: %w", err)
	}
	return nil
}
