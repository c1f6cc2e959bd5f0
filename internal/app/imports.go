package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"cobro/internal/auth"
	"cobro/internal/erpimport"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// Snapshot says which open documents an import of documents closes when
// they are absent from the file.
type Snapshot string

const (
	NoSnapshot        Snapshot = ""
	SnapshotCustomers Snapshot = "customers" // open items of the customers in the file
	SnapshotAll       Snapshot = "all"       // open items of every customer
)

// SnapshotReason is written on documents closed by a snapshot import.
const SnapshotReason = "absent from ERP snapshot"

// ImportOptions says how to read and apply an ERP file.
type ImportOptions struct {
	File    string // name used in error messages
	Format  erpimport.Format
	Decimal money.DecimalMark
	Mapping *erpimport.Mapping
	Sheet   string // XLSX: the sheet to read (the first when empty)
	// DateFormat (--date-format) wins over the mapping's; "" detects it.
	DateFormat string
	// NewCustomers creates a customer for each unknown customer of a
	// documents file (imports_newcustomers.go).
	NewCustomers bool
	DryRun       bool // validate only
	Atomic       bool // one transaction: all rows or none
	Snapshot     Snapshot
	// BatchSize is how many rows go in one transaction (default 2000):
	// small enough that a large import never holds the customers it
	// touches for long, large enough to be fast.
	BatchSize int
	// Progress, when set, is called after each batch.
	Progress func(ImportReport)
	// RunID names the run (a new id when empty); Source says where it was
	// started ("cli", "api", "page"; from the actor when empty); UploadID,
	// JobID and Total are the page's: the file kept, the job applying it,
	// the rows it holds. They go in the run's record (the history).
	RunID, Source, UploadID, JobID string
	Total                          int
}

// ImportReport is what an import did.
type ImportReport struct {
	RunID     string `json:"run_id"`
	Kind      string `json:"kind"`
	File      string `json:"file"`
	DryRun    bool   `json:"dry_run"`
	Atomic    bool   `json:"atomic"`
	Rows      int    `json:"rows"`
	Inserted  int    `json:"inserted"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Rejected  int    `json:"rejected"`
	Closed    int    `json:"closed"`
	// Skipped are the rows the mapping's skip_when left out.
	Skipped   int      `json:"skipped"`
	NewAgents []string `json:"new_agents"`
	// NewCustomers are the customers created from their documents
	// (ImportOptions.NewCustomers).
	NewCustomers []string              `json:"new_customers"`
	Warnings     []string              `json:"warnings"`
	Errors       []*erpimport.RowError `json:"errors"`
	// Applied is false when nothing was written: a dry run, or an atomic
	// import with rejected rows.
	Applied bool `json:"applied"`
}

// ErrAtomicRejected is returned by an atomic import with rejected rows:
// nothing was applied.
var ErrAtomicRejected = errors.New("rows were rejected: nothing was applied (--atomic)")

const defaultBatch = 2000

// maxReportedErrors bounds the errors kept in a report; the count goes on.
const maxReportedErrors = MaxReportedErrors

// MaxReportedErrors bounds the rejected cells a report and a run keep.
const MaxReportedErrors = 10000

func (r *ImportReport) reject(errs ...*erpimport.RowError) {
	r.Rejected++
	for _, e := range errs {
		if len(r.Errors) < maxReportedErrors {
			r.Errors = append(r.Errors, e)
		}
	}
}

func (r *ImportReport) add(b batchResult) {
	r.Inserted += b.inserted
	r.Updated += b.updated
	r.Unchanged += b.unchanged
	r.Closed += b.closed
	r.NewAgents = append(r.NewAgents, b.newAgents...)
	r.NewCustomers = append(r.NewCustomers, b.newCustomers...)
	for _, e := range b.errs {
		r.reject(e...)
	}
}

// batchResult is what one batch did; it is merged into the report only
// once its transaction committed, so a retried transaction counts once.
type batchResult struct {
	inserted, updated, unchanged, closed int
	newAgents, newCustomers              []string
	errs                                 [][]*erpimport.RowError
	// fx are the batch's effects, which the change envelope applies in the
	// batch's transaction.
	fx ledger.Effects
}

// importer runs the shared frame of every import: the run record, batches
// in their own transactions or one atomic transaction, progress.
type importer struct {
	a      *App
	actor  auth.Actor
	opt    ImportOptions
	rep    ImportReport
	run    store.ImportRun
	batch  int
	single *store.Tx // the atomic import's transaction
	// known remembers customers' currencies across batches (they never
	// change once set).
	known map[string]money.Currency
	// allNew is whether the last batch of documents inserted every row.
	allNew bool
	// saved is how many of rep.Errors the run's record holds.
	saved int
	// rated are the customers to rate again once the import is done.
	rated touched
}

func (a *App) newImporter(actor auth.Actor, kind string, opt ImportOptions) (*importer, error) {
	if err := actor.Check(auth.Import); err != nil {
		return nil, err
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = defaultBatch
	}
	if opt.RunID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return nil, err
		}
		opt.RunID = id.String()
	}
	if opt.Source == "" {
		opt.Source = SourceAPI
		if actor.Source == "cli" {
			opt.Source = SourceCLI
		}
	}
	im := &importer{a: a, actor: actor, opt: opt}
	im.rep = ImportReport{RunID: opt.RunID, Kind: kind, File: opt.File, DryRun: opt.DryRun, Atomic: opt.Atomic,
		NewAgents: []string{}, NewCustomers: []string{}, Warnings: []string{}, Errors: []*erpimport.RowError{}}
	im.run = store.ImportRun{ID: opt.RunID, Kind: kind, File: opt.File, Actor: actor.Name, Status: RunRunning, StartedAt: a.now(),
		Source: opt.Source, UploadID: opt.UploadID, JobID: opt.JobID, Total: int64(opt.Total)}
	return im, nil
}

// apply runs fn on a batch: in its own write transaction, or inside the
// atomic import's transaction, or in a read transaction for a dry run.
func (im *importer) apply(ctx context.Context, fn func(tx *store.Tx, write bool) (batchResult, error)) error {
	im.batch++
	var res batchResult
	var err error
	switch {
	case im.single != nil:
		if res, err = fn(im.single, true); err == nil {
			err = im.a.apply(ctx, im.single, im.origin(), res.fx)
		}
	case im.opt.DryRun:
		err = im.a.db.Read(ctx, func(tx *store.Tx) error {
			res, err = fn(tx, false)
			return err
		})
	default:
		err = im.a.db.Write(ctx, func(tx *store.Tx) error {
			res, err = fn(tx, true)
			if err != nil {
				return err
			}
			if err := im.a.apply(ctx, tx, im.origin(), res.fx); err != nil {
				return err
			}
			im.runCounts(res)
			if err := im.saveErrors(ctx, tx, res.errs); err != nil {
				return err
			}
			return tx.SaveImportRun(ctx, im.run)
		})
	}
	if err != nil {
		return err
	}
	im.rep.add(res)
	im.saved = len(im.rep.Errors)
	if im.opt.Progress != nil {
		im.opt.Progress(im.rep)
	}
	return nil
}

// origin is the import's actor, as the audit log records it.
func (im *importer) origin() origin {
	return origin{actor: im.actor.Name, source: im.actor.Source}
}

func (im *importer) runCounts(res batchResult) {
	im.run.Rows = int64(im.rep.Rows)
	im.run.Inserted = int64(im.rep.Inserted + res.inserted)
	im.run.Updated = int64(im.rep.Updated + res.updated)
	im.run.Unchanged = int64(im.rep.Unchanged + res.unchanged)
	im.run.Closed = int64(im.rep.Closed + res.closed)
	im.run.Rejected = int64(im.rep.Rejected + len(res.errs))
	im.run.Skipped = int64(im.rep.Skipped)
}

// saveErrors adds to the run's record the errors reported since the last
// save, then batch's (not yet in the report: its transaction has not
// committed), numbered as the report will hold them.
func (im *importer) saveErrors(ctx context.Context, tx *store.Tx, batch [][]*erpimport.RowError) error {
	pending := slices.Clone(im.rep.Errors[im.saved:])
	for _, errs := range batch {
		pending = append(pending, errs...)
	}
	var out []store.ImportError
	for i, e := range pending {
		seq := im.saved + i
		if seq >= maxReportedErrors {
			break
		}
		params := make([]string, len(e.Params()))
		for i, p := range e.Params() {
			params[i] = storable(p)
		}
		out = append(out, store.ImportError{Seq: int64(seq), Line: e.Line, Column: storable(e.Column), Value: storable(e.Value),
			Code: e.Code, Message: storable(e.Message), Params: params})
	}
	return tx.AddImportErrors(ctx, im.run.ID, out)
}

// storable is a rejected value as a text column keeps it on both
// databases: bytes that are not UTF-8, and NUL, which PostgreSQL refuses
// in text, become U+FFFD.
func storable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// stopped records why a run stopped: a file error's code, else the
// error's text.
func (im *importer) stopped(err error) {
	var fe *erpimport.FileError
	switch {
	case errors.As(err, &fe):
		im.run.ErrorCode, im.run.Error = fe.Code, storable(fe.Message)
	case errors.Is(err, ErrAtomicRejected):
		im.run.ErrorCode, im.run.Error = "atomic_rejected", err.Error()
	default:
		im.run.ErrorCode, im.run.Error = "internal", storable(err.Error())
	}
}

// finish records how a run ended, even as ctx is cancelled: its counts
// (what the batches committed), its state and the errors not yet saved.
func (im *importer) finish(ctx context.Context, err error) error {
	a := im.a
	im.run.Status, im.run.FinishedAt = RunDone, a.now()
	if err != nil {
		im.run.Status = RunFailed
		im.stopped(err)
		if ctx.Err() != nil { // its server is stopping: a later attempt of its job goes on
			im.run.Status = RunInterrupted
		}
	}
	im.runCounts(batchResult{})
	ctx2, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return a.db.Write(ctx2, func(tx *store.Tx) error {
		if err := im.saveErrors(ctx2, tx, nil); err != nil {
			return err
		}
		return tx.SaveImportRun(ctx2, im.run)
	})
}

// frame runs body (which reads the file and calls apply) as the import's
// whole: atomically when asked, and records how the run ended.
func (im *importer) frame(ctx context.Context, src io.ReadSeeker, body func() error) (ImportReport, error) {
	a := im.a
	if !im.opt.DryRun && !im.opt.Atomic {
		if err := a.db.Write(ctx, func(tx *store.Tx) error { return tx.SaveImportRun(ctx, im.run) }); err != nil {
			return im.rep, err
		}
	}
	var err error
	if im.opt.Atomic && !im.opt.DryRun {
		err = a.db.Write(ctx, func(tx *store.Tx) error {
			// A retried transaction starts the file and the report again.
			if _, err := src.Seek(0, io.SeekStart); err != nil {
				return err
			}
			im.rep.Rows, im.rep.Inserted, im.rep.Updated, im.rep.Unchanged, im.rep.Rejected, im.rep.Closed = 0, 0, 0, 0, 0, 0
			im.rep.Errors, im.rep.NewAgents, im.rep.NewCustomers = im.rep.Errors[:0], im.rep.NewAgents[:0], im.rep.NewCustomers[:0]
			im.single = tx
			defer func() { im.single = nil }()
			if err := body(); err != nil {
				return err
			}
			if im.rep.Rejected > 0 {
				return ErrAtomicRejected
			}
			im.run.Status, im.run.FinishedAt = RunDone, a.now()
			im.runCounts(batchResult{})
			if err := im.saveErrors(ctx, tx, nil); err != nil {
				return err
			}
			return tx.SaveImportRun(ctx, im.run)
		})
		im.rep.Applied = err == nil
		if err == nil {
			return im.rep, errors.Join(im.gatherStats(ctx), im.rate(ctx))
		}
		// Nothing was applied: the run says so, with the rows rejected.
		kept := im.rep
		im.rep.Inserted, im.rep.Updated, im.rep.Unchanged, im.rep.Closed = 0, 0, 0, 0
		if serr := im.finish(ctx, err); serr != nil {
			err = errors.Join(err, serr)
		}
		kept.Applied = false
		return kept, err
	}
	err = body()
	if im.opt.DryRun {
		return im.rep, err
	}
	im.rep.Applied = true
	if serr := im.finish(ctx, err); serr != nil && err == nil {
		err = serr
	}
	if err == nil {
		err = im.gatherStats(ctx)
	}
	// What was applied is rated again, even when a later batch failed.
	return im.rep, errors.Join(err, im.rate(ctx))
}

// statsAfterRows is how many rows an import must write before the
// planner's statistics are gathered again.
const statsAfterRows = 1000

// gatherStats refreshes the planner's statistics after an import that
// wrote many rows (store.DB.Optimize): a plan chosen on an empty table is
// wrong on a full one.
func (im *importer) gatherStats(ctx context.Context) error {
	if im.rep.Inserted+im.rep.Updated+im.rep.Closed < statsAfterRows {
		return nil
	}
	return im.a.db.Optimize(ctx)
}

func (im *importer) readerOptions() erpimport.Options {
	opt := erpimport.Options{File: im.opt.File, Format: im.opt.Format, Decimal: im.opt.Decimal, Mapping: im.opt.Mapping, Sheet: im.opt.Sheet,
		DateFormat: im.opt.DateFormat}
	// The profile is cached; a company not set up reads dates without a
	// language, and the import stops later on ErrNoCompany.
	if c, err := im.a.Company(context.Background()); err == nil {
		opt.Language, opt.CompanyCurrency = c.Language, c.Currency
	}
	return opt
}

// batches reads rows with read and applies them in batches with apply.
// seen, when set, is told of every row read, valid or not.
//
// The file is read and checked in a goroutine of its own, one batch ahead
// of the one being written, so reading overlaps the database's work. The
// batches are applied in order, one at a time, exactly as read; a read
// error stops the import after the batches read before it, and a failed
// batch stops the reading.
func batches[R any](ctx context.Context, im *importer,
	read func(fn func(R, []*erpimport.RowError) error) (erpimport.Summary, error),
	seen func(R),
	apply func(tx *store.Tx, rows []R, write bool) (batchResult, error)) error {
	// chunk is a batch with what the reader counted on the way to it:
	// merged into the report here, so only this goroutine touches it.
	type chunk struct {
		rows     []R
		read     int
		rejected [][]*erpimport.RowError
	}
	chunks := make(chan chunk, 1)
	stop := make(chan struct{})
	// The reader stops when a batch fails, and also when applying one
	// panics: it must not wait forever to hand over its next batch.
	halt := sync.OnceFunc(func() { close(stop) })
	defer halt()
	var sum erpimport.Summary
	var readErr error
	go func() {
		defer close(chunks)
		defer func() {
			if r := recover(); r != nil {
				readErr = fmt.Errorf("import: reading %s: %v", im.opt.File, r)
			}
		}()
		var c chunk
		send := func() error {
			select {
			case chunks <- c:
				c = chunk{}
				return nil
			case <-stop:
				return errStopped
			}
		}
		sum, readErr = read(func(row R, errs []*erpimport.RowError) error {
			c.read++
			if seen != nil {
				seen(row)
			}
			if len(errs) > 0 {
				c.rejected = append(c.rejected, errs)
				return nil
			}
			c.rows = append(c.rows, row)
			if len(c.rows) >= im.opt.BatchSize {
				return send()
			}
			return nil
		})
		if c.read == 0 || errors.Is(readErr, errStopped) {
			return
		}
		if readErr != nil {
			c.rows = nil // a file that fails to read applies no partial batch; its rows still count
		}
		if err := send(); err != nil && readErr == nil {
			readErr = err
		}
	}()
	var err error
	for c := range chunks {
		if err != nil {
			continue // drained until the reader stops
		}
		im.rep.Rows += c.read
		for _, e := range c.rejected {
			im.rep.reject(e...)
		}
		if len(c.rows) > 0 {
			err = im.apply(ctx, func(tx *store.Tx, write bool) (batchResult, error) { return apply(tx, c.rows, write) })
		}
		if err != nil {
			halt()
		}
	}
	// The reader is done: its results are safe to read.
	im.rep.Warnings = append(im.rep.Warnings, sum.Warnings...)
	im.rep.Skipped += sum.Skipped
	if err != nil {
		return err
	}
	if errors.Is(readErr, errStopped) {
		return nil
	}
	return readErr
}

// errStopped stops the reader of a failed import.
var errStopped = errors.New("import stopped")

// ImportCustomers upserts customers from an ERP file by their ERP id.
// Agents seen for the first time are created and reported.
func (a *App) ImportCustomers(ctx context.Context, actor auth.Actor, src io.ReadSeeker, opt ImportOptions) (ImportReport, error) {
	im, err := a.newImporter(actor, "customers", opt)
	if err != nil {
		return ImportReport{}, err
	}
	return im.frame(ctx, src, func() error {
		read := func(fn func(erpimport.CustomerRow, []*erpimport.RowError) error) (erpimport.Summary, error) {
			return erpimport.ReadCustomers(src, im.readerOptions(), fn)
		}
		return batches(ctx, im, read, nil, func(tx *store.Tx, rows []erpimport.CustomerRow, write bool) (batchResult, error) {
			return a.applyCustomers(ctx, tx, im, rows, write)
		})
	})
}

func (a *App) applyCustomers(ctx context.Context, tx *store.Tx, im *importer, rows []erpimport.CustomerRow, write bool) (batchResult, error) {
	var res batchResult
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	existing, err := tx.Accounts(ctx, ids, write)
	if err != nil {
		return res, err
	}
	now := a.now()
	var agents, changed []string
	var inserts []ledger.Customer
	for _, r := range rows {
		c := ledger.Customer{ID: r.ID, Name: r.Name, TaxID: r.TaxID, Email: r.Email, Phone: r.Phone, Language: r.Language,
			Agent: r.Agent, Segment: r.Segment, Zone: r.Zone, Route: r.Route, Currency: r.Currency}
		if r.CreditLimit != nil {
			if r.CreditLimit.Currency != r.Currency {
				res.errs = append(res.errs, []*erpimport.RowError{rowErr(im.opt.File, r.Line, "credit_limit", "", "currency_mismatch",
					"the credit limit is not in the customer's currency")})
				continue
			}
			l := r.CreditLimit.Minor
			c.CreditLimit = &l
		}
		if err := ledger.CheckCustomer(c); err != nil {
			re := err.(*ledger.RuleError)
			res.errs = append(res.errs, []*erpimport.RowError{rowErr(im.opt.File, r.Line, re.Field, "", re.Code, re.Message)})
			continue
		}
		ex, ok := existing[c.ID]
		switch {
		case ok && ex.Currency != c.Currency:
			res.errs = append(res.errs, []*erpimport.RowError{rowErr(im.opt.File, r.Line, "currency", string(c.Currency), "currency_change",
				fmt.Sprintf("customer %s trades in %s in cobro; its currency cannot change", c.ID, ex.Currency))})
			continue
		case ok && sameCustomer(ex.Customer, c):
			res.unchanged++
			continue
		case ok:
			res.updated++
			if write {
				if err := tx.UpdateCustomer(ctx, c, now); err != nil {
					return res, err
				}
			}
		default:
			res.inserted++
			inserts = append(inserts, c)
			existing[c.ID] = store.Account{Customer: c}
		}
		changed = append(changed, c.ID)
		if c.Agent != "" {
			agents = append(agents, c.Agent)
		}
	}
	if !write {
		return res, nil
	}
	if err := tx.InsertCustomers(ctx, inserts, now); err != nil {
		return res, err
	}
	slices.Sort(agents)
	var err2 error
	if res.newAgents, err2 = tx.EnsureAgents(ctx, slices.Compact(agents), now); err2 != nil {
		return res, err2
	}
	if len(changed) == 0 {
		return res, nil
	}
	res.fx.Audit = []ledger.Event{{Kind: "import.customers", Entity: "import", EntityID: im.run.ID, Detail: map[string]any{
		"file": im.opt.File, "batch": im.batch, "inserted": res.inserted, "updated": res.updated, "customers": changed}}}
	return res, nil
}

func sameCustomer(a, b ledger.Customer) bool {
	limitEq := (a.CreditLimit == nil) == (b.CreditLimit == nil) && (a.CreditLimit == nil || *a.CreditLimit == *b.CreditLimit)
	a.CreditLimit, b.CreditLimit = nil, nil
	return limitEq && a == b
}

func rowErr(file string, line int, col, value, code, msg string) *erpimport.RowError {
	return &erpimport.RowError{File: file, Line: line, Column: col, Value: value, Code: code, Message: msg}
}
