package app

import (
	"context"
	"time"

	"cobro/internal/auth"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// checkDates checks a new collection's dates: when it was collected
// (ledger.CheckCollectedAt, against when the company was set up) and its
// instrument's maturity (ledger.CheckDueDate, against the company's
// today).
func (a *App) checkDates(ctx context.Context, collectedAt time.Time, in ledger.InstrumentDetail, now time.Time) error {
	setUp, err := a.db.CompanySetUp(ctx)
	if err != nil {
		return err
	}
	if err := ledger.CheckCollectedAt(collectedAt, now, setUp); err != nil {
		return err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return err
	}
	return ledger.CheckDueDate("instrument.due_date", in.DueDate, today)
}

// BackdateCompany records that the company was set up at at, before its
// profile was first saved in cobro: for a company whose recent history
// is entered after the fact (the demo, a move from another system), so
// that its collections may be dated since then. Collections are still
// bounded by ledger.MaxCollectedAge.
func (a *App) BackdateCompany(ctx context.Context, actor auth.Actor, at time.Time) error {
	if err := actor.Check(auth.ManageCompany); err != nil {
		return err
	}
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetCompanySetUp(ctx, at, false); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: a.now(), Actor: actor.Name, Source: actor.Source, Action: "company.backdate",
			Entity: "company", EntityID: "1", Detail: map[string]any{"set_up_at": at.UTC()}})
	})
}
