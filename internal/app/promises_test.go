package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/dunning"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

func dunItem(rep app.DunningReport, customer string) (app.DunningItem, bool) {
	for _, it := range rep.Items {
		if it.CustomerID == customer {
			return it, true
		}
	}
	return app.DunningItem{}, false
}

// A promise of D1's whole overdue pauses its reminders until the date and
// the grace; not kept, the run marks it broken, alerts agent A1 and
// resumes at the step D1 was at (reminder-7), not the step due now.
func TestPromisePausesAndBreaks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, clk := dunWorld(t, db)
		a1 := auth.Actor{Name: "ana", Role: auth.Agent, Agent: "A1", Source: "test"}
		a2 := auth.Actor{Name: "bea", Role: auth.Agent, Agent: "A2", Source: "test"}
		in := app.PromiseInput{Documents: []string{"F1", "F2", "F3"}, Date: startDay.AddDays(20), Note: "pays on the 15th"}
		if _, err := a.RecordPromise(ctx, a2, "D1", in); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("another agent's customer: %v", err)
		}
		p, err := a.RecordPromise(ctx, a1, "D1", in)
		if err != nil {
			t.Fatal(err)
		}
		if p.Whole || len(p.Documents) != 3 || p.Amount.Minor != 183356 || p.State != dunning.PromiseOpen || p.MadeBy != "ana" {
			t.Fatalf("promise %+v", p)
		}
		// The whole overdue: D2's G1 only, and a smaller amount promised.
		w, err := a.RecordPromise(ctx, sys, "D2", app.PromiseInput{Date: startDay.AddDays(60), Amount: 10000})
		if err != nil || !w.Whole || len(w.Documents) != 1 || w.Documents[0] != "G1" || w.Amount.Minor != 10000 {
			t.Fatalf("whole: %+v %v", w, err)
		}
		if _, err := a.RecordPromise(ctx, a1, "D1", app.PromiseInput{Date: startDay.AddDays(-1)}); err == nil {
			t.Fatal("a promise for yesterday was taken")
		}
		rep, err := a.RunDunning(ctx, sys, app.DunningOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if it, ok := dunItem(rep, "D1"); ok {
			t.Fatalf("D1 dunned under a promise: %+v", it)
		}
		if _, ok := dunItem(rep, "D2"); ok {
			t.Fatalf("D2 dunned under a promise: %+v", rep.Items)
		}
		// The date and the grace pass, nothing paid: broken.
		clk.add(24 * 24 * time.Hour)
		rep, err = a.RunDunning(ctx, sys, app.DunningOptions{})
		if err != nil {
			t.Fatal(err)
		}
		it, ok := dunItem(rep, "D1")
		if !ok || it.Step.Key != "reminder-7" || it.State != store.SendQueued || len(it.Reminder.Documents) != 3 {
			t.Fatalf("D1 after the broken promise: %+v (%v)", it, ok)
		}
		ps, err := a.Promises(ctx, a1, "D1")
		if err != nil || len(ps) != 1 || ps[0].State != dunning.PromiseBroken || ps[0].Note != "pays on the 15th" || ps[0].SettledOn != startDay.AddDays(24) {
			t.Fatalf("promises %+v %v", ps, err)
		}
		if _, err := a.Promises(ctx, a2, "D1"); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("another agent lists D1's promises: %v", err)
		}
		al, err := a.Alerts(ctx, a1, false, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range al.Alerts {
			found = found || (x.Kind == app.TopicPromiseBroken && x.CustomerID == "D1" && x.EntityID == p.ID)
		}
		if !found {
			t.Fatalf("no broken-promise alert for A1: %+v", al.Alerts)
		}
		// A run repeated the same day breaks nothing twice and sends nothing new.
		again, err := a.RunDunning(ctx, sys, app.DunningOptions{})
		if err != nil || again.Queued != 0 {
			t.Fatalf("repeated: %+v %v", again, err)
		}
		al2, _ := a.Alerts(ctx, a1, false, 0)
		if len(al2.Alerts) != len(al.Alerts) {
			t.Fatalf("alerts %d then %d", len(al.Alerts), len(al2.Alerts))
		}
	})
}

// A promise of D2's G1 for a part of it is kept once that much is
// collected: the run marks it kept, raises no alert, and G1 is dunned
// again as before the promise.
func TestPromiseKept(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := dunWorld(t, db)
		p, err := a.RecordPromise(ctx, sys, "D2", app.PromiseInput{Documents: []string{"G1"}, Date: startDay.AddDays(10), Amount: 25000})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.RecordCollection(ctx, sys, app.Idem{Key: "kept", Hash: "kept"}, app.CollectionRequest{CustomerID: "D2",
			Amount: money.New(25000, "EUR"), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash},
			Allocations: []app.AllocationRequest{{DocumentID: "G1", Amount: money.New(25000, "EUR")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.RunDunning(ctx, sys, app.DunningOptions{}); err != nil {
			t.Fatal(err)
		}
		ps, err := a.Promises(ctx, sys, "D2")
		if err != nil || len(ps) != 1 || ps[0].ID != p.ID || ps[0].State != dunning.PromiseKept {
			t.Fatalf("promises %+v %v", ps, err)
		}
		al, _ := a.Alerts(ctx, sys, false, 0)
		for _, x := range al.Alerts {
			if x.Kind == app.TopicPromiseBroken {
				t.Fatalf("a kept promise raised %+v", x)
			}
		}
	})
}
