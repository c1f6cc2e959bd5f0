package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// A dispute opened in cobro on D1's F1 makes it disputed (the customer's
// figure moves), the run leaves it out until the administration resolves
// the dispute, then takes it up again.
func TestDisputePausesUntilResolved(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, clk := dunWorld(t, db)
		a1 := auth.Actor{Name: "ana", Role: auth.Agent, Agent: "A1", Source: "test"}
		a2 := auth.Actor{Name: "bea", Role: auth.Agent, Agent: "A2", Source: "test"}
		if _, err := a.OpenDispute(ctx, a2, "D1", "F1", "price", ""); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("another agent's customer: %v", err)
		}
		if _, err := a.OpenDispute(ctx, a1, "D1", "F1", "colour", ""); err == nil {
			t.Fatal("an unknown reason was taken")
		}
		if _, err := a.OpenDispute(ctx, a1, "D1", "G1", "price", ""); err == nil {
			t.Fatal("a document of another customer was taken")
		}
		d, err := a.OpenDispute(ctx, a1, "D1", "F1", "price", "agreed 10% off")
		if err != nil || d.State != "open" || d.OpenedBy != "ana" {
			t.Fatalf("open: %+v %v", d, err)
		}
		if _, err := a.OpenDispute(ctx, a1, "D1", "F1", "quality", ""); app.Classify(err, "en").Kind != app.KindConflict {
			t.Fatalf("a second open dispute: %v", err)
		}
		c, err := a.Customer(ctx, sys, "D1")
		if err != nil || c.Disputed.Minor != 123456 {
			t.Fatalf("disputed figure %v %v", c.Disputed, err)
		}
		// The ERP, which knows nothing of it, sends F1 again: still disputed.
		f1 := "document_id,customer_id,kind,number,issue_date,due_date,currency,amount,open_amount,status\n" +
			"F1,D1,invoice,2026/F1,2026-09-01," + startDay.AddDays(-8).String() + ",EUR,1234.56,1234.56,\n"
		if rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(f1), app.ImportOptions{File: "d2.csv", Format: "csv"}); err != nil || rep.Rejected > 0 {
			t.Fatalf("re-import: %v %v", err, rep.Errors)
		}
		if c, _ := a.Customer(ctx, sys, "D1"); c.Disputed.Minor != 123456 {
			t.Fatalf("disputed figure after an ERP re-sync %v", c.Disputed)
		}
		rep, err := a.RunDunning(ctx, sys, app.DunningOptions{})
		if err != nil {
			t.Fatal(err)
		}
		it, ok := dunItem(rep, "D1")
		if !ok || it.Step.Key != "reminder-7" || len(it.Reminder.Documents) != 1 || it.Reminder.Documents[0].Number != "2026/F2" {
			t.Fatalf("D1 with F1 disputed: %+v", it)
		}
		if _, err := a.ResolveDispute(ctx, a1, d.ID, "rejected", ""); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("an agent resolved: %v", err)
		}
		r, err := a.ResolveDispute(ctx, sys, d.ID, "rejected", "the price was agreed")
		if err != nil || r.State != "rejected" || r.Resolution != "the price was agreed" || r.ResolvedBy != sys.Name {
			t.Fatalf("resolve: %+v %v", r, err)
		}
		if _, err := a.ResolveDispute(ctx, sys, d.ID, "paid", ""); app.Classify(err, "en").Kind != app.KindConflict {
			t.Fatalf("resolved twice: %v", err)
		}
		if c, _ := a.Customer(ctx, sys, "D1"); c.Disputed.Minor != 0 {
			t.Fatalf("disputed figure after the resolution %v", c.Disputed)
		}
		clk.add(5 * 24 * time.Hour)
		rep, err = a.RunDunning(ctx, sys, app.DunningOptions{})
		if err != nil {
			t.Fatal(err)
		}
		it, ok = dunItem(rep, "D1")
		if !ok || it.Step.Key != "reminder-7" || len(it.Reminder.Documents) != 1 || it.Reminder.Documents[0].Number != "2026/F1" {
			t.Fatalf("D1 after the resolution: %+v", it)
		}
		ds, err := a.Disputes(ctx, a1, "D1")
		if err != nil || len(ds) != 1 || ds[0].State != "rejected" {
			t.Fatalf("list: %+v %v", ds, err)
		}
		if _, err := a.Disputes(ctx, a2, "D1"); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("another agent lists: %v", err)
		}
	})
}
