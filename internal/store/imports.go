package store

import (
	"context"
	"fmt"
	"time"
)

// ImportRun is one import of a file or API batch: the audit of a bulk change.
type ImportRun struct {
	ID, Kind, File, Actor, Status string
	StartedAt, FinishedAt         time.Time
	Rows, Inserted, Updated       int64
	Unchanged, Rejected, Closed   int64
}

// SaveImportRun records an import run's progress (insert or update).
func (t *Tx) SaveImportRun(ctx context.Context, r ImportRun) error {
	_, err := t.exec(ctx, `INSERT INTO import_runs (id, kind, file, actor, started_at, finished_at, status, rows_read, inserted,
		updated, unchanged, rejected, closed) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
		ON CONFLICT (id) DO UPDATE SET finished_at = excluded.finished_at, status = excluded.status, rows_read = excluded.rows_read,
		inserted = excluded.inserted, updated = excluded.updated, unchanged = excluded.unchanged, rejected = excluded.rejected,
		closed = excluded.closed`,
		r.ID, r.Kind, r.File, r.Actor, Stamp(r.StartedAt), stampOrEmpty(r.FinishedAt), r.Status, r.Rows, r.Inserted, r.Updated,
		r.Unchanged, r.Rejected, r.Closed)
	if err != nil {
		return fmt.Errorf("store: import run: %w", err)
	}
	return nil
}
