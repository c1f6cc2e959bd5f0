package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"cobro/internal/auth"
	"cobro/internal/erpimport"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// ImportReceipts reads the ERP's receipts of cobro's collections and
// acknowledges each collection they name (by id or receipt number): from
// then on the ERP's open amounts include it. Acknowledging twice changes
// nothing, so the same file can be imported again.
func (a *App) ImportReceipts(ctx context.Context, actor auth.Actor, src io.ReadSeeker, opt ImportOptions) (ImportReport, error) {
	if err := actor.Check(auth.AckCollection); err != nil {
		return ImportReport{}, err
	}
	im, err := a.newImporter(actor, "receipts", opt)
	if err != nil {
		return ImportReport{}, err
	}
	if _, err := a.Today(ctx); err != nil {
		return ImportReport{}, err
	}
	return im.frame(ctx, src, func() error {
		read := func(fn func(erpimport.ReceiptRow, []*erpimport.RowError) error) (erpimport.Summary, error) {
			return erpimport.ReadReceipts(src, im.readerOptions(), fn)
		}
		return batches(ctx, im, read, nil, func(tx *store.Tx, rows []erpimport.ReceiptRow, write bool) (batchResult, error) {
			return a.applyReceipts(ctx, tx, im, rows, write)
		})
	})
}

func (a *App) applyReceipts(ctx context.Context, tx *store.Tx, im *importer, rows []erpimport.ReceiptRow, write bool) (batchResult, error) {
	var res batchResult
	_, asOf, err := tx.Company(ctx, write)
	if err != nil {
		return res, err
	}
	for _, r := range rows {
		id, col := r.CollectionID, "collection_id"
		if id == "" {
			col = "receipt_number"
			if id, err = tx.CollectionIDByReceipt(ctx, r.ReceiptNumber); err != nil && !errors.Is(err, store.ErrNotFound) {
				return res, err
			}
		}
		var c ledger.Collection
		if id != "" {
			c, err = tx.Collection(ctx, id)
			if err == nil {
				// Lock the customer, then read the collection again under
				// the lock: another writer may have changed it.
				if _, err = tx.Account(ctx, c.CustomerID, write); err == nil {
					c, err = tx.Collection(ctx, id)
				}
			}
		}
		if id == "" || errors.Is(err, store.ErrNotFound) {
			v := r.CollectionID + r.ReceiptNumber
			res.errs = append(res.errs, []*erpimport.RowError{rowErr(im.opt.File, r.Line, col, v, "unknown_collection",
				fmt.Sprintf("no collection %q in cobro", v))})
			continue
		}
		if err != nil {
			return res, err
		}
		if c.Acked() {
			res.unchanged++
			continue
		}
		res.updated++
		if !write {
			continue
		}
		ch, err := a.decideAck(ctx, tx, c, asOf)
		if err != nil {
			return res, err
		}
		if err := a.writeCollection(ctx, tx, ch); err != nil {
			return res, err
		}
		for _, e := range ch.Effects.Audit {
			e.Detail["import"], e.Detail["file"], e.Detail["line"] = im.run.ID, im.opt.File, r.Line
		}
		if err := res.fx.Merge(ch.Effects); err != nil {
			return res, err
		}
	}
	return res, nil
}
