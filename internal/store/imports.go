package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ImportRun is one import of a file or API batch: the audit of a bulk
// change, its progress while it runs, and the history the import page
// lists.
type ImportRun struct {
	ID, Kind, File, Actor, Status string
	// Source is where it was started: "cli", "page", "api" ("" before
	// migration 21).
	Source string
	// UploadID is the file kept for the page (import_uploads); JobID the
	// background job applying it.
	UploadID, JobID       string
	StartedAt, FinishedAt time.Time
	// Total is the rows the file holds, once counted (0 before).
	Total                       int64
	Rows, Inserted, Updated     int64
	Unchanged, Rejected, Closed int64
	Skipped                     int64
	// ErrorCode and Error say why a run stopped ("" when it did not).
	ErrorCode, Error string
}

// SaveImportRun records an import run's progress (insert or update).
func (t *Tx) SaveImportRun(ctx context.Context, r ImportRun) error {
	_, err := t.exec(ctx, `INSERT INTO import_runs (id, kind, file, actor, started_at, finished_at, status, rows_read, inserted,
		updated, unchanged, rejected, closed, source, upload_id, job_id, total, skipped, error_code, error)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)
		ON CONFLICT (id) DO UPDATE SET finished_at = excluded.finished_at, status = excluded.status, rows_read = excluded.rows_read,
		inserted = excluded.inserted, updated = excluded.updated, unchanged = excluded.unchanged, rejected = excluded.rejected,
		closed = excluded.closed, total = excluded.total, skipped = excluded.skipped, error_code = excluded.error_code,
		error = excluded.error`,
		r.ID, r.Kind, r.File, r.Actor, Stamp(r.StartedAt), stampOrEmpty(r.FinishedAt), r.Status, r.Rows, r.Inserted, r.Updated,
		r.Unchanged, r.Rejected, r.Closed, r.Source, r.UploadID, r.JobID, r.Total, r.Skipped, r.ErrorCode, r.Error)
	if err != nil {
		return fmt.Errorf("store: import run: %w", err)
	}
	return nil
}

const importRunCols = `id, kind, file, actor, status, source, upload_id, job_id, started_at, finished_at, total, rows_read,
	inserted, updated, unchanged, rejected, closed, skipped, error_code, error`

func scanImportRun(scan func(...any) error) (ImportRun, error) {
	var r ImportRun
	var started, finished string
	err := scan(&r.ID, &r.Kind, &r.File, &r.Actor, &r.Status, &r.Source, &r.UploadID, &r.JobID, &started, &finished, &r.Total,
		&r.Rows, &r.Inserted, &r.Updated, &r.Unchanged, &r.Rejected, &r.Closed, &r.Skipped, &r.ErrorCode, &r.Error)
	if err != nil {
		return r, err
	}
	if r.StartedAt, err = ParseStamp(started); err != nil {
		return r, fmt.Errorf("store: import run %s: %w", r.ID, err)
	}
	if finished != "" {
		if r.FinishedAt, err = ParseStamp(finished); err != nil {
			return r, fmt.Errorf("store: import run %s: %w", r.ID, err)
		}
	}
	return r, nil
}

// ImportRun reads one run; ErrNotFound if there is none.
func (t *Tx) ImportRun(ctx context.Context, id string) (ImportRun, error) {
	r, err := scanImportRun(t.queryRow(ctx, `SELECT `+importRunCols+` FROM import_runs WHERE id = $1`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: import run %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: import run %q: %w", id, err)
	}
	return r, nil
}

// ImportRuns lists runs newest first: at most limit; of one job only
// when job is not empty.
func (t *Tx) ImportRuns(ctx context.Context, job string, limit int) ([]ImportRun, error) {
	rows, err := t.query(ctx, `SELECT `+importRunCols+` FROM import_runs WHERE ($1 = '' OR job_id = $1)
		ORDER BY started_at DESC, id DESC LIMIT $2`, job, limit)
	if err != nil {
		return nil, fmt.Errorf("store: import runs: %w", err)
	}
	defer rows.Close()
	var out []ImportRun
	for rows.Next() {
		r, err := scanImportRun(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("store: import runs: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: import runs: %w", err)
	}
	return out, nil
}

// InterruptImportRuns marks the runs of a job still queued or running as
// interrupted (their counts, saved with each batch, stand): a new attempt
// of the job starts a run of its own.
func (t *Tx) InterruptImportRuns(ctx context.Context, job string, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE import_runs SET status = 'interrupted', finished_at = $2
		WHERE job_id = $1 AND status IN ('queued', 'running')`, job, Stamp(now))
	if err != nil {
		return fmt.Errorf("store: interrupt import runs: %w", err)
	}
	return nil
}

// ImportError is one rejected cell of a run, as kept.
type ImportError struct {
	Seq                          int64
	Line                         int
	Column, Value, Code, Message string
	Params                       []string
}

// AddImportErrors appends a run's rejected cells; Seq numbers them in
// the order reported.
func (t *Tx) AddImportErrors(ctx context.Context, run string, errs []ImportError) error {
	for _, e := range errs {
		params, err := json.Marshal(e.Params)
		if err != nil {
			return err
		}
		if e.Params == nil {
			params = []byte("[]")
		}
		if _, err := t.exec(ctx, `INSERT INTO import_errors (run_id, seq, line, col, value, code, message, params)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, run, e.Seq, e.Line, e.Column, e.Value, e.Code, e.Message, string(params)); err != nil {
			return fmt.Errorf("store: import errors: %w", err)
		}
	}
	return nil
}

// ImportErrors reads a run's rejected cells in order, at most limit.
func (t *Tx) ImportErrors(ctx context.Context, run string, limit int) ([]ImportError, error) {
	rows, err := t.query(ctx, `SELECT seq, line, col, value, code, message, params FROM import_errors WHERE run_id = $1
		ORDER BY seq LIMIT $2`, run, limit)
	if err != nil {
		return nil, fmt.Errorf("store: import errors: %w", err)
	}
	defer rows.Close()
	var out []ImportError
	for rows.Next() {
		var e ImportError
		var params string
		if err := rows.Scan(&e.Seq, &e.Line, &e.Column, &e.Value, &e.Code, &e.Message, &params); err != nil {
			return nil, fmt.Errorf("store: import errors: %w", err)
		}
		if err := json.Unmarshal([]byte(params), &e.Params); err != nil {
			return nil, fmt.Errorf("store: import errors: params: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: import errors: %w", err)
	}
	return out, nil
}

// Upload is a file kept for the import page until it is applied.
type Upload struct {
	ID, Kind, File, Actor string
	Data                  []byte
	CreatedAt             time.Time
}

// SaveUpload keeps an uploaded file.
func (t *Tx) SaveUpload(ctx context.Context, u Upload) error {
	if u.Data == nil {
		u.Data = []byte{}
	}
	_, err := t.exec(ctx, `INSERT INTO import_uploads (id, kind, file, actor, size, data, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		u.ID, u.Kind, u.File, u.Actor, len(u.Data), u.Data, Stamp(u.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: save upload: %w", err)
	}
	return nil
}

// Upload reads a kept file; ErrNotFound if there is none (never kept, or
// purged).
func (t *Tx) Upload(ctx context.Context, id string) (Upload, error) {
	var u Upload
	var at string
	err := t.queryRow(ctx, `SELECT id, kind, file, actor, data, created_at FROM import_uploads WHERE id = $1`, id).
		Scan(&u.ID, &u.Kind, &u.File, &u.Actor, &u.Data, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("store: upload %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("store: upload %q: %w", id, err)
	}
	if u.CreatedAt, err = ParseStamp(at); err != nil {
		return u, fmt.Errorf("store: upload %q: %w", id, err)
	}
	return u, nil
}

// PurgeUploads forgets the files kept before the instant given and
// reports how many. Their runs stay, with their counts and errors.
func (t *Tx) PurgeUploads(ctx context.Context, before time.Time) (int64, error) {
	res, err := t.exec(ctx, `DELETE FROM import_uploads WHERE created_at < $1`, Stamp(before))
	if err != nil {
		return 0, fmt.Errorf("store: purge uploads: %w", err)
	}
	return res.RowsAffected()
}

// SavedMapping is a mapping file saved under a name.
type SavedMapping struct {
	Name, Kind string
	Mapping    []byte
	UpdatedBy  string
	UpdatedAt  time.Time
}

// SaveMapping stores a mapping under its name, replacing one of the same
// name.
func (t *Tx) SaveMapping(ctx context.Context, m SavedMapping) error {
	_, err := t.exec(ctx, `INSERT INTO import_mappings (name, kind, mapping, updated_by, updated_at) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, mapping = excluded.mapping, updated_by = excluded.updated_by,
		updated_at = excluded.updated_at`, m.Name, m.Kind, string(m.Mapping), m.UpdatedBy, Stamp(m.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: save mapping: %w", err)
	}
	return nil
}

// SavedMappings lists the saved mappings by name.
func (t *Tx) SavedMappings(ctx context.Context) ([]SavedMapping, error) {
	rows, err := t.query(ctx, `SELECT name, kind, mapping, updated_by, updated_at FROM import_mappings ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: mappings: %w", err)
	}
	defer rows.Close()
	var out []SavedMapping
	for rows.Next() {
		var m SavedMapping
		var data, at string
		if err := rows.Scan(&m.Name, &m.Kind, &data, &m.UpdatedBy, &at); err != nil {
			return nil, fmt.Errorf("store: mappings: %w", err)
		}
		m.Mapping = []byte(data)
		if m.UpdatedAt, err = ParseStamp(at); err != nil {
			return nil, fmt.Errorf("store: mappings: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: mappings: %w", err)
	}
	return out, nil
}
