package app

import (
	"context"
	"fmt"
	"io"

	"cobro/internal/auth"
	"cobro/internal/erpimport"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// ImportDocuments upserts documents from an ERP file by their ERP id. A
// document keeps cobro's pending allocations whatever the ERP says of it,
// so a re-sync never loses a collection the ERP has not seen yet. With a
// snapshot, open documents absent from the file are closed afterwards.
func (a *App) ImportDocuments(ctx context.Context, actor auth.Actor, src io.ReadSeeker, opt ImportOptions) (ImportReport, error) {
	im, err := a.newImporter(actor, "documents", opt)
	if err != nil {
		return ImportReport{}, err
	}
	if _, err := a.Today(ctx); err != nil {
		return ImportReport{}, err
	}
	return im.frame(ctx, src, func() error {
		var seen map[string]bool      // document ids in the file, for a snapshot
		var customers map[string]bool // customers in the file, for a snapshot
		if opt.Snapshot != NoSnapshot {
			seen, customers = map[string]bool{}, map[string]bool{}
		}
		var seenRow func(erpimport.DocumentRow)
		if seen != nil {
			// A rejected row still names a document the ERP has: it must
			// not be closed for being "absent".
			seenRow = func(r erpimport.DocumentRow) { seen[r.ID], customers[r.CustomerID] = true, true }
		}
		read := func(fn func(erpimport.DocumentRow, []*erpimport.RowError) error) (erpimport.Summary, error) {
			return erpimport.ReadDocuments(src, im.readerOptions(), fn)
		}
		err := batches(ctx, im, read, seenRow, func(tx *store.Tx, rows []erpimport.DocumentRow, write bool) (batchResult, error) {
			return a.applyDocuments(ctx, tx, im, rows, write)
		})
		if err != nil {
			return err
		}
		if opt.Snapshot == NoSnapshot {
			return nil
		}
		return a.closeAbsent(ctx, im, seen, customers)
	})
}

func toDocument(r erpimport.DocumentRow) ledger.Document {
	return ledger.Document{ID: r.ID, CustomerID: r.CustomerID, Kind: ledger.Kind(r.Kind), Number: r.Number,
		IssueDate: r.IssueDate, DueDate: r.DueDate, Currency: r.Currency, Amount: r.Amount.Minor, ERPOpen: r.Open.Minor,
		Instrument: ledger.Instrument(r.Instrument), Disputed: r.Disputed, PaidOn: r.PaidOn}
}

// sameERP reports whether the ERP says the same of a document as before.
func sameERP(old, new ledger.Document) bool {
	new.Pending = old.Pending
	return old == new
}

func (a *App) applyDocuments(ctx context.Context, tx *store.Tx, im *importer, rows []erpimport.DocumentRow, write bool) (batchResult, error) {
	var res batchResult
	_, asOf, err := tx.Company(ctx, write)
	if err != nil {
		return res, err
	}
	// Currencies are read without locks: customers are never deleted and
	// their currency never changes. The customers whose figures this batch
	// moves are locked below, once it is known which they are.
	currencies, err := im.currencies(ctx, tx, rows)
	if err != nil {
		return res, err
	}
	if im.opt.NewCustomers {
		if currencies, err = a.newCustomers(ctx, tx, im, rows, currencies, write, &res); err != nil {
			return res, err
		}
	}
	file := im.opt.File
	// Check each row against its customer.
	valid := make([]ledger.Document, 0, len(rows))
	lines := make(map[string]int, len(rows))
	for _, r := range rows {
		cur, ok := currencies[r.CustomerID]
		if !ok {
			res.errs = append(res.errs, []*erpimport.RowError{rowErr(file, r.Line, "customer_id", r.CustomerID, "unknown_customer",
				fmt.Sprintf("no customer %q: import the customers first", r.CustomerID))})
			continue
		}
		d := toDocument(r)
		if err := ledger.CheckDocument(d, ledger.Customer{ID: r.CustomerID, Currency: cur}); err != nil {
			re := err.(*ledger.RuleError)
			res.errs = append(res.errs, []*erpimport.RowError{rowErr(file, r.Line, re.Field, re.Value, re.Code, re.Message)})
			continue
		}
		valid = append(valid, d)
		lines[d.ID] = r.Line
		if write {
			im.touch(r.CustomerID)
		}
	}
	// New documents go in with one insert that skips ids already stored;
	// only those are read back and compared. A first import reads nothing.
	now := a.now()
	var inserted map[string]bool
	if write {
		if inserted, err = tx.InsertNewDocuments(ctx, valid, now, im.allNew); err != nil {
			return res, err
		}
		// A file whose batch was all new (a first import) likely goes on so.
		im.allNew = len(inserted) == len(valid)
	}
	// Lock the customers whose figures may move: those of new documents
	// with something open (a paid one from the history adds nothing), and
	// those of stored documents the ERP now says something else of. Those
	// are read again under the lock, since a collection may have moved
	// their pending amount meanwhile; unchanged ones are left alone. A new
	// document's own contribution depends on nothing another writer can
	// change.
	var rest, lock, changed []string
	for _, d := range valid {
		switch {
		case !inserted[d.ID]:
			rest = append(rest, d.ID)
		case !ledger.OfDocument(d, asOf).IsZero():
			lock = append(lock, d.CustomerID)
		}
	}
	existing, err := tx.ExistingDocuments(ctx, rest)
	if err != nil {
		return res, err
	}
	// A document with a dispute open in cobro stays disputed whatever the
	// ERP says, until the dispute is resolved (app/disputes.go).
	held, err := tx.OpenDisputed(ctx, rest)
	if err != nil {
		return res, err
	}
	for i := range valid {
		if held[valid[i].ID] {
			valid[i].Disputed = true
		}
	}
	for _, d := range valid {
		if old, ok := existing[d.ID]; ok && old.CustomerID == d.CustomerID && !sameERP(old, d) {
			changed = append(changed, d.ID)
			lock = append(lock, d.CustomerID)
		}
	}
	if write && tx.RowLocks() && len(lock) > 0 {
		if _, err := tx.CustomerCurrencies(ctx, lock, true); err != nil {
			return res, err
		}
		again, err := tx.Documents(ctx, changed)
		if err != nil {
			return res, err
		}
		for id, d := range again {
			existing[id] = d
		}
	}
	var insertedIDs []string
	var updates []ledger.Document
	for _, d := range valid {
		old, exists := existing[d.ID]
		switch {
		case inserted[d.ID]:
			insertedIDs = append(insertedIDs, d.ID)
			res.inserted++
		case !exists:
			res.inserted++ // a dry run: it would be inserted
		case old.CustomerID != d.CustomerID:
			res.errs = append(res.errs, []*erpimport.RowError{rowErr(file, lines[d.ID], "customer_id", d.CustomerID, "customer_changed",
				fmt.Sprintf("document %s belongs to customer %s in cobro", d.ID, old.CustomerID))})
			continue
		default:
			d.Pending = old.Pending
			if sameERP(old, d) {
				res.unchanged++
				continue
			}
			updates = append(updates, d)
			res.updated++
		}
		if err := res.fx.MoveDocument(old, d, asOf); err != nil {
			return res, err
		}
	}
	if !write || len(insertedIDs)+len(updates) == 0 {
		res.fx = ledger.Effects{}
		return res, nil
	}
	for _, d := range updates {
		if err := tx.UpdateDocument(ctx, d, now); err != nil {
			return res, err
		}
	}
	res.fx.Audit = []ledger.Event{{Kind: "import.documents", Entity: "import", EntityID: im.run.ID, Detail: map[string]any{
		"file": file, "batch": im.batch, "inserted": insertedIDs, "updated": ids(updates)}}}
	// A new invoice that names the order it bills ends that order's
	// reservation: the invoice itself is in the risk now.
	for _, r := range rows {
		if r.OrderRef == "" || !inserted[r.ID] {
			continue
		}
		ev, ok, err := a.invoiceOrder(ctx, tx, r.CustomerID, r.OrderRef, "import:"+im.run.ID, now)
		if err != nil {
			return res, err
		}
		if ok {
			res.fx.Audit, res.fx.Outbox = append(res.fx.Audit, ev), append(res.fx.Outbox, ev)
		}
	}
	return res, nil
}

// currencies returns the currency of each customer of the rows that
// exists. A customer's currency never changes once set, so currencies
// seen in earlier batches are remembered; a large import, which may touch
// every customer, reads them all at once (one scan, rather than a lookup
// per customer spread over the batches).
func (im *importer) currencies(ctx context.Context, tx *store.Tx, rows []erpimport.DocumentRow) (map[string]money.Currency, error) {
	if im.known == nil {
		im.known = map[string]money.Currency{}
		if len(rows) >= 1000 {
			all, err := tx.AllCustomerCurrencies(ctx)
			if err != nil {
				return nil, err
			}
			im.known = all
		}
	}
	need := make([]string, 0, len(rows))
	for _, r := range rows {
		if _, ok := im.known[r.CustomerID]; !ok {
			need = append(need, r.CustomerID)
		}
	}
	if len(need) > 0 {
		found, err := tx.CustomerCurrencies(ctx, need, false)
		if err != nil {
			return nil, err
		}
		for id, c := range found {
			im.known[id] = c
		}
	}
	return im.known, nil
}

// closeAbsent closes the open documents that a snapshot file left out:
// settled in the ERP, for a reason cobro does not know.
func (a *App) closeAbsent(ctx context.Context, im *importer, seen, customers map[string]bool) error {
	var scope []string
	if im.opt.Snapshot == SnapshotAll {
		var err error
		if scope, err = a.allCustomerIDs(ctx); err != nil {
			return err
		}
	} else {
		scope = keys(customers)
	}
	for len(scope) > 0 {
		n := min(len(scope), 500)
		part := scope[:n]
		scope = scope[n:]
		err := im.apply(ctx, func(tx *store.Tx, write bool) (batchResult, error) {
			var res batchResult
			_, asOf, err := tx.Company(ctx, write)
			if err != nil {
				return res, err
			}
			if _, err := tx.Accounts(ctx, part, write); err != nil {
				return res, err
			}
			docs, err := tx.OpenDocumentsOf(ctx, part)
			if err != nil {
				return res, err
			}
			now := a.now()
			var closed []ledger.Document
			for _, d := range docs {
				if seen[d.ID] || d.ERPOpen == 0 {
					continue
				}
				nd := d
				nd.ERPOpen, nd.ClosedReason = 0, SnapshotReason
				if err := res.fx.MoveDocument(d, nd, asOf); err != nil {
					return res, err
				}
				closed = append(closed, nd)
			}
			res.closed = len(closed)
			if !write || len(closed) == 0 {
				res.fx = ledger.Effects{}
				return res, nil
			}
			for _, d := range closed {
				if err := tx.UpdateDocument(ctx, d, now); err != nil {
					return res, err
				}
			}
			res.fx.Audit = []ledger.Event{{Kind: "import.snapshot_close", Entity: "import", EntityID: im.run.ID,
				Detail: map[string]any{"file": im.opt.File, "reason": SnapshotReason, "closed": ids(closed)}}}
			return res, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *App) allCustomerIDs(ctx context.Context) ([]string, error) {
	var out []string
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.CustomerIDs(ctx)
		return err
	})
	return out, err
}

func ids(docs []ledger.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}
