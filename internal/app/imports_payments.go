package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/erpimport"
	"cobro/internal/money"
	"cobro/internal/store"
)

// ImportPayments reads the ERP's payment history (document id or number,
// day, amount) into each document's payments, so that days late and
// ratings have data from the first day: partial payments on different
// days stay apart, and a document settled in the ERP with no paid date
// gets the day of its last payment. Importing the same file again adds
// nothing: equal payments of one document on one day are told apart by
// their order in the file.
func (a *App) ImportPayments(ctx context.Context, actor auth.Actor, src io.ReadSeeker, opt ImportOptions) (ImportReport, error) {
	im, err := a.newImporter(actor, "payments", opt)
	if err != nil {
		return ImportReport{}, err
	}
	seq := &paymentSeq{count: map[string]int{}, byLine: map[int]int{}}
	return im.frame(ctx, src, func() error {
		read := func(fn func(erpimport.PaymentRow, []*erpimport.RowError) error) (erpimport.Summary, error) {
			return erpimport.ReadPayments(src, im.readerOptions(), fn)
		}
		return batches(ctx, im, read, nil, func(tx *store.Tx, rows []erpimport.PaymentRow, write bool) (batchResult, error) {
			return a.applyPayments(ctx, tx, im, rows, seq, write)
		})
	})
}

// paymentSeq numbers equal payments (one document, day and amount) in
// file order, once per row, so that a batch tried again numbers them the
// same.
type paymentSeq struct {
	count  map[string]int
	byLine map[int]int
}

func (s *paymentSeq) of(line int, key string) int {
	if n, ok := s.byLine[line]; ok {
		return n
	}
	s.count[key]++
	s.byLine[line] = s.count[key]
	return s.count[key]
}

func (a *App) applyPayments(ctx context.Context, tx *store.Tx, im *importer, rows []erpimport.PaymentRow, seq *paymentSeq, write bool) (batchResult, error) {
	var res batchResult
	var numbers, ids []string
	for _, r := range rows {
		if r.DocumentID != "" {
			ids = append(ids, r.DocumentID)
		} else {
			numbers = append(numbers, r.Number)
		}
	}
	byNumber, err := tx.DocumentIDsByNumber(ctx, numbers)
	if err != nil {
		return res, err
	}
	for _, found := range byNumber {
		ids = append(ids, found...)
	}
	docs, err := tx.Documents(ctx, ids)
	if err != nil {
		return res, err
	}
	file := im.opt.File
	var payments []store.Payment
	var touched []string
	for _, r := range rows {
		id, column, value := r.DocumentID, "document_id", r.DocumentID
		if id == "" {
			column, value = "number", r.Number
			switch found := byNumber[r.Number]; len(found) {
			case 0:
			case 1:
				id = found[0]
			default:
				res.errs = append(res.errs, []*erpimport.RowError{rowErr(file, r.Line, column, value, "ambiguous_number",
					fmt.Sprintf("%q is the number of several documents (%s): give document_id", value, strings.Join(found, ", ")))})
				continue
			}
		}
		d, ok := docs[id]
		if !ok {
			res.errs = append(res.errs, []*erpimport.RowError{rowErr(file, r.Line, column, value, "unknown_document",
				fmt.Sprintf("there is no document %q in cobro: import the documents first", value))})
			continue
		}
		if d.Currency != r.Amount.Currency {
			res.errs = append(res.errs, []*erpimport.RowError{rowErr(file, r.Line, "amount", r.Amount.String(), "currency_mismatch",
				fmt.Sprintf("the payment is in %s and the document in %s", r.Amount.Currency, d.Currency))})
			continue
		}
		key := fmt.Sprintf("%s\x00%s\x00%d", id, r.PaidOn, r.Amount.Minor)
		payments = append(payments, store.Payment{DocumentID: id, PaidOn: r.PaidOn, Amount: r.Amount, Seq: seq.of(r.Line, key), PaymentID: r.PaymentID})
		touched = append(touched, id)
		if write {
			im.touch(d.CustomerID)
		}
	}
	if !write {
		res.inserted = len(payments) // what a dry run would add at most
		return res, nil
	}
	now := a.now()
	n, err := tx.InsertPayments(ctx, payments, im.run.ID, now)
	if err != nil {
		return res, err
	}
	res.inserted, res.unchanged = n, len(payments)-n
	slices.Sort(touched)
	touched = slices.Compact(touched)
	if err := tx.FillPaidOn(ctx, touched, now); err != nil {
		return res, err
	}
	if n == 0 {
		return res, nil
	}
	return res, tx.Audit(ctx, store.AuditEntry{At: now, Actor: im.actor.Name, Source: im.actor.Source, Action: "import.payments",
		Entity: "import", EntityID: im.run.ID, Detail: map[string]any{"file": file, "batch": im.batch, "inserted": n, "documents": len(touched)}})
}

// PaymentView is one payment of a document's history.
type PaymentView struct {
	PaidOn    civil.Date   `json:"paid_on"`
	Amount    money.Amount `json:"amount"`
	PaymentID string       `json:"payment_id,omitempty"`
}

// DocumentPayments is a document's payment history from the ERP, oldest
// first, for those who may see its customer.
func (a *App) DocumentPayments(ctx context.Context, actor auth.Actor, id string) ([]PaymentView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return nil, err
	}
	var out []PaymentView
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		docs, err := tx.Documents(ctx, []string{id})
		if err != nil {
			return err
		}
		d, ok := docs[id]
		if !ok {
			return store.ErrNotFound
		}
		if _, err := a.visibleAccount(ctx, tx, actor, d.CustomerID, false); err != nil {
			return err
		}
		ps, err := tx.DocumentPayments(ctx, id)
		for _, p := range ps {
			out = append(out, PaymentView{PaidOn: p.PaidOn, Amount: p.Amount, PaymentID: p.PaymentID})
		}
		return err
	})
	return out, err
}
