package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"cobro/internal/auth"
	"cobro/internal/erpimport"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// The states of an import run, as the history lists them.
const (
	RunQueued      = "queued"      // the page asked for it; its job has not started
	RunRunning     = "running"     // applying, batch after batch
	RunDone        = "done"        // every row read; the valid ones applied
	RunFailed      = "failed"      // stopped: what its batches committed stands (Error says why)
	RunInterrupted = "interrupted" // its server stopped; a later run of the same job went on
)

// Where an import was started.
const (
	SourceCLI  = "cli"
	SourceAPI  = "api"
	SourcePage = "page"
)

// JobImport is the background job that applies a file uploaded on the
// import page (package jobs runs it: RunImportJob).
const JobImport = "import.apply"

// ImportJobAttempts is how often the job is tried; each attempt after the
// first is a run of its own, going on where the file is (an import run
// again changes only what it had not applied).
const ImportJobAttempts = 3

// UploadRetention is how long a file uploaded on the import page is kept
// (the job jobs.KindPurgeUploads forgets older ones; their runs stay).
const UploadRetention = 7 * 24 * time.Hour

// ImportRunView is one import in the history: who, when, which file, what
// it holds, where it was started, its state and its counts. Total is the
// rows of the file (0 until counted); Rows those read so far.
type ImportRunView struct {
	ID, Kind, File, Actor, Source, State string
	StartedAt, FinishedAt                time.Time
	Total, Rows                          int64
	Inserted, Updated, Unchanged, Closed int64
	Rejected, Skipped                    int64
	// ErrorCode and Error say why it stopped.
	ErrorCode, Error string
}

// Applied is how many rows were taken in: new, changed, or already as the
// file has them.
func (v ImportRunView) Applied() int64 { return v.Inserted + v.Updated + v.Unchanged }

// Finished reports whether the run will change no more.
func (v ImportRunView) Finished() bool { return v.State != RunQueued && v.State != RunRunning }

// Percent is how far the run is, 0 to 100.
func (v ImportRunView) Percent() int {
	switch {
	case v.State == RunDone:
		return 100
	case v.Total <= 0:
		return 0
	}
	return int(min(100, v.Rows*100/v.Total))
}

func runView(r store.ImportRun) ImportRunView {
	return ImportRunView{ID: r.ID, Kind: r.Kind, File: r.File, Actor: r.Actor, Source: r.Source, State: r.Status,
		StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Total: r.Total, Rows: r.Rows, Inserted: r.Inserted, Updated: r.Updated,
		Unchanged: r.Unchanged, Closed: r.Closed, Rejected: r.Rejected, Skipped: r.Skipped, ErrorCode: r.ErrorCode, Error: r.Error}
}

// ImportHistory lists the latest imports, from the page, the command line
// and the API alike, newest first.
func (a *App) ImportHistory(ctx context.Context, actor auth.Actor, limit int) ([]ImportRunView, error) {
	if err := actor.Check(auth.Import); err != nil {
		return nil, err
	}
	var out []ImportRunView
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		runs, err := tx.ImportRuns(ctx, "", limit)
		for _, r := range runs {
			out = append(out, runView(r))
		}
		return err
	})
	return out, err
}

// ImportProgress is a run as it stands. When the run's job went on in a
// later run (after its server stopped), that run is returned: the page
// follows the job.
func (a *App) ImportProgress(ctx context.Context, actor auth.Actor, id string) (ImportRunView, error) {
	if err := actor.Check(auth.Import); err != nil {
		return ImportRunView{}, err
	}
	var v ImportRunView
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		r, err := tx.ImportRun(ctx, id)
		if err != nil {
			return err
		}
		if r.JobID != "" && r.Status == RunInterrupted {
			if later, err := tx.ImportRuns(ctx, r.JobID, 1); err != nil {
				return err
			} else if len(later) == 1 {
				r = later[0]
			}
		}
		v = runView(r)
		return nil
	})
	return v, err
}

// ImportRunErrors are a run's rejected cells in row order (at most
// limit), made again so that each reads in any language (Reason).
func (a *App) ImportRunErrors(ctx context.Context, actor auth.Actor, id string, limit int) ([]*erpimport.RowError, error) {
	if err := actor.Check(auth.Import); err != nil {
		return nil, err
	}
	var out []*erpimport.RowError
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		r, err := tx.ImportRun(ctx, id)
		if err != nil {
			return err
		}
		errs, err := tx.ImportErrors(ctx, id, limit)
		for _, e := range errs {
			out = append(out, erpimport.RestoreRowError(r.File, e.Line, e.Column, e.Value, e.Code, e.Message, e.Params))
		}
		return err
	})
	return out, err
}

// ApplyRequest applies a file kept by the import page (PreviewImport's
// UploadID) in the background: what it holds, the mapping file to read it
// with (JSON; empty for none), the sheet of a workbook, and whether a
// documents file's unknown customers are created.
type ApplyRequest struct {
	UploadID, Kind string
	Mapping        []byte
	Sheet          string
	NewCustomers   bool
}

// importPayload is the job's: the run to record, the file, how to read
// it, and who asked.
type importPayload struct {
	Run          string    `json:"run"`
	Upload       string    `json:"upload"`
	Kind         string    `json:"kind"`
	Mapping      string    `json:"mapping,omitempty"`
	Sheet        string    `json:"sheet,omitempty"`
	NewCustomers bool      `json:"new_customers,omitempty"`
	Actor        string    `json:"actor"`
	Role         auth.Role `json:"role"`
	Agent        string    `json:"agent,omitempty"`
}

// ApplyImport queues the import of a kept file and returns its run, which
// the history lists at once (queued) and whose progress the page follows
// (ImportProgress). The mapping is checked now: a bad one is bad_mapping
// and nothing is queued.
func (a *App) ApplyImport(ctx context.Context, actor auth.Actor, req ApplyRequest) (string, error) {
	if err := actor.Check(auth.Import); err != nil {
		return "", err
	}
	if !slices.Contains(erpimport.Kinds, req.Kind) {
		return "", ruleInvalid("bad_kind", "kind", "unknown kind %q", req.Kind)
	}
	if len(bytes.TrimSpace(req.Mapping)) > 0 {
		if _, err := erpimport.LoadMapping(bytes.NewReader(req.Mapping)); err != nil {
			return "", mappingError(err)
		}
	}
	id, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	p := importPayload{Run: id.String(), Upload: req.UploadID, Kind: req.Kind, Mapping: string(req.Mapping), Sheet: req.Sheet,
		NewCustomers: req.NewCustomers && req.Kind == "documents", Actor: actor.Name, Role: actor.Role, Agent: actor.Agent}
	payload, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	now := a.now()
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		u, err := tx.Upload(ctx, req.UploadID)
		if errors.Is(err, store.ErrNotFound) {
			return ruleInvalid("upload_gone", "file", "the file is no longer kept: choose it again")
		}
		if err != nil {
			return err
		}
		job, _, err := tx.EnqueueJob(ctx, store.NewJob{Kind: JobImport, Payload: string(payload), RunAt: now,
			MaxAttempts: ImportJobAttempts}, now)
		if err != nil {
			return err
		}
		if err := tx.SaveImportRun(ctx, store.ImportRun{ID: p.Run, Kind: req.Kind, File: u.File, Actor: actor.Name,
			Status: RunQueued, Source: SourcePage, UploadID: u.ID, JobID: job, StartedAt: now}); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: actor.Source, Action: "import.queue",
			Entity: "import", EntityID: p.Run, Detail: map[string]any{"file": u.File, "kind": req.Kind, "job": job}})
	})
	if err != nil {
		return "", err
	}
	return p.Run, nil
}

// ImportJob is the job applying a kept file, as its runner hands it over.
type ImportJob struct {
	ID      string
	Payload string
}

// RunImportJob applies a kept file: the same import `cobro import` runs,
// in batches, its run recording the rows read of the total after each
// batch. The first attempt records the run queued by ApplyImport; a later
// one (the server stopped, the database failed) marks what came before
// interrupted and records a run of its own, which completes the import.
// An error FinalImportError reports is not worth retrying.
func (a *App) RunImportJob(ctx context.Context, j ImportJob) error {
	var p importPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return &finalError{fmt.Errorf("import job %s: payload: %w", j.ID, err)}
	}
	actor := auth.Actor{Name: p.Actor, Role: p.Role, Agent: p.Agent, Source: SourcePage}
	runID := p.Run
	var u store.Upload
	now := a.now()
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		r, err := tx.ImportRun(ctx, p.Run)
		if err != nil {
			return err
		}
		if r.Status != RunQueued {
			if err := tx.InterruptImportRuns(ctx, j.ID, now); err != nil {
				return err
			}
			id, err := uuid.NewV7()
			if err != nil {
				return err
			}
			runID = id.String()
		}
		u, err = tx.Upload(ctx, p.Upload)
		if errors.Is(err, store.ErrNotFound) {
			r.Status, r.FinishedAt, r.ErrorCode, r.Error = RunFailed, now, "upload_gone", "the file is no longer kept"
			if err := tx.SaveImportRun(ctx, r); err != nil {
				return err
			}
			return &finalError{fmt.Errorf("import job %s: upload %s: %w", j.ID, p.Upload, store.ErrNotFound)}
		}
		return err
	})
	if err != nil {
		return err
	}
	opt := ImportOptions{File: u.File, Sheet: p.Sheet, NewCustomers: p.NewCustomers, RunID: runID, Source: SourcePage,
		UploadID: u.ID, JobID: j.ID}
	if len(bytes.TrimSpace([]byte(p.Mapping))) > 0 {
		if opt.Mapping, err = erpimport.LoadMapping(bytes.NewReader([]byte(p.Mapping))); err != nil {
			return &finalError{err}
		}
	}
	opt.Total = a.countRows(ctx, p.Kind, u.Data, opt)
	src := bytes.NewReader(u.Data)
	switch p.Kind {
	case "customers":
		_, err = a.ImportCustomers(ctx, actor, src, opt)
	case "documents":
		_, err = a.ImportDocuments(ctx, actor, src, opt)
	case "payments":
		_, err = a.ImportPayments(ctx, actor, src, opt)
	case "receipts":
		_, err = a.ImportReceipts(ctx, actor, src, opt)
	default:
		err = ruleInvalid("bad_kind", "kind", "unknown kind %q", p.Kind)
	}
	var fe *erpimport.FileError
	var re *ledger.RuleError
	if errors.As(err, &fe) || errors.As(err, &re) || errors.Is(err, auth.ErrForbidden) || errors.Is(err, ErrNoCompany) {
		return &finalError{err}
	}
	return err
}

// finalError is an import job's failure that another attempt would meet
// again (a file that cannot be read, a kept file purged).
type finalError struct{ err error }

func (e *finalError) Error() string { return e.err.Error() }
func (e *finalError) Unwrap() error { return e.err }

// FinalImportError reports whether RunImportJob failed in a way another
// attempt would fail again: the run records why, and the job is dead.
func FinalImportError(err error) bool {
	var f *finalError
	return errors.As(err, &f)
}

// countRows is how many rows a file holds as the import reads them (0
// when it cannot be read: the import says why).
func (a *App) countRows(ctx context.Context, kind string, data []byte, opt ImportOptions) int {
	im := &importer{a: a, opt: opt}
	ro := im.readerOptions()
	src := bytes.NewReader(data)
	n := 0
	var err error
	count := func() error { n++; return ctx.Err() }
	switch kind {
	case "customers":
		_, err = erpimport.ReadCustomers(src, ro, func(erpimport.CustomerRow, []*erpimport.RowError) error { return count() })
	case "documents":
		_, err = erpimport.ReadDocuments(src, ro, func(erpimport.DocumentRow, []*erpimport.RowError) error { return count() })
	case "payments":
		_, err = erpimport.ReadPayments(src, ro, func(erpimport.PaymentRow, []*erpimport.RowError) error { return count() })
	case "receipts":
		_, err = erpimport.ReadReceipts(src, ro, func(erpimport.ReceiptRow, []*erpimport.RowError) error { return count() })
	}
	if err != nil {
		return 0
	}
	return n
}

// PurgeUploads forgets the files kept longer than UploadRetention.
func (a *App) PurgeUploads(ctx context.Context) (int64, error) {
	var n int64
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.PurgeUploads(ctx, a.now().Add(-UploadRetention))
		return err
	})
	return n, err
}

// keepUpload stores a file checked on the import page, so that it can be
// checked again and applied without sending it again.
func (a *App) keepUpload(ctx context.Context, actor auth.Actor, kind, file string, data []byte) (string, error) {
	file = storable(file)
	id, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		return tx.SaveUpload(ctx, store.Upload{ID: id.String(), Kind: kind, File: file, Actor: actor.Name, Data: data, CreatedAt: a.now()})
	})
	return id.String(), err
}

// upload reads a kept file.
func (a *App) upload(ctx context.Context, id string) (store.Upload, error) {
	var u store.Upload
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.Upload(ctx, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return u, ruleInvalid("upload_gone", "file", "the file is no longer kept: choose it again")
	}
	return u, err
}
