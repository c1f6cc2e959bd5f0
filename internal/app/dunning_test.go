package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/dbtest"
	"cobro/internal/notify"
	"cobro/internal/store"
)

// dunWorld: D1 (Spanish, email) owes F1 and F2, 8 and 9 days overdue, and
// F3 falling due in 2 days; D2 (English) owes G1, 35 days overdue; D3 has
// no email and owes H1, 10 days overdue; D4's only debt is disputed.
func dunWorld(t *testing.T, db *store.DB) (*app.App, *clock) {
	t.Helper()
	ctx := context.Background()
	a, clk := newApp(t, db)
	customers := "customer_id,name,currency,agent,email,language\n" +
		"D1,Ferretería Núñez,EUR,A1,d1@example.com,es\n" +
		"D2,Harbour Supplies,EUR,A1,d2@example.com,en\n" +
		"D3,Bar Sol,EUR,A2,,es\n" +
		"D4,Disputas SL,EUR,A2,d4@example.com,es\n"
	if rep, err := a.ImportCustomers(ctx, sys, strings.NewReader(customers), app.ImportOptions{File: "c.csv", Format: "csv"}); err != nil || rep.Rejected > 0 {
		t.Fatalf("import customers: %v %v", err, rep.Errors)
	}
	d := func(n int) string { return startDay.AddDays(n).String() }
	docs := "document_id,customer_id,kind,number,issue_date,due_date,currency,amount,open_amount,status\n" +
		"F1,D1,invoice,2026/F1,2026-09-01," + d(-8) + ",EUR,1234.56,1234.56,\n" +
		"F2,D1,invoice,2026/F2,2026-09-01," + d(-9) + ",EUR,500.00,500.00,\n" +
		"F3,D1,invoice,2026/F3,2026-09-01," + d(2) + ",EUR,99.00,99.00,\n" +
		"G1,D2,invoice,2026/G1,2026-09-01," + d(-35) + ",EUR,2000.00,750.25,\n" +
		"H1,D3,invoice,2026/H1,2026-09-01," + d(-10) + ",EUR,300.00,300.00,\n" +
		"K1,D4,invoice,2026/K1,2026-09-01," + d(-10) + ",EUR,300.00,300.00,disputed\n"
	if rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(docs), app.ImportOptions{File: "d.csv", Format: "csv"}); err != nil || rep.Rejected > 0 {
		t.Fatalf("import documents: %v %v", err, rep.Errors)
	}
	return a, clk
}

func reminders(t *testing.T, db *store.DB) []notify.Reminder {
	t.Helper()
	var out []notify.Reminder
	if err := db.Read(context.Background(), func(tx *store.Tx) error {
		evs, err := tx.Outbox(context.Background(), "", "", 1000)
		for _, e := range evs {
			if e.Topic != store.TopicDunningEmail {
				continue
			}
			var r notify.Reminder
			if err := json.Unmarshal(e.Payload.(json.RawMessage), &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDunningRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, clk := dunWorld(t, db)
		dry, err := a.RunDunning(ctx, sys, app.DunningOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if dry.Queued != 1 || dry.Tasks != 1 || dry.Skipped != 1 || len(reminders(t, db)) != 0 {
			t.Fatalf("dry run: %+v, outbox %d", dry, len(reminders(t, db)))
		}
		rep, err := a.RunDunning(ctx, sys, app.DunningOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Customers != 4 || rep.Queued != 1 || rep.Tasks != 1 || rep.Skipped != 1 || rep.Done != 0 {
			t.Fatalf("run: %+v", rep)
		}
		rs := reminders(t, db)
		if len(rs) != 1 {
			t.Fatalf("%d reminders in the outbox, want 1", len(rs))
		}
		r := rs[0]
		if r.To != "d1@example.com" || r.Language != "es" || r.Step != "reminder-7" || len(r.Documents) != 2 ||
			r.Documents[0].Number != "2026/F2" || r.Documents[1].Number != "2026/F1" || len(r.Totals) != 1 || r.Totals[0] != eur(173456) {
			t.Fatalf("reminder %+v", r)
		}
		// The same day again, and a dry run: nothing new, nothing due.
		again, err := a.RunDunning(ctx, sys, app.DunningOptions{})
		if err != nil || again.Queued+again.Tasks+again.Skipped != 0 || len(reminders(t, db)) != 1 {
			t.Fatalf("second run: %+v %v", again, err)
		}
		sends, err := a.DunningSends(ctx, sys, "", 100)
		if err != nil || len(sends) != 3 {
			t.Fatalf("sends %+v %v", sends, err)
		}
		byCustomer := map[string]app.DunningSent{}
		for _, s := range sends {
			byCustomer[s.CustomerID] = s
		}
		if s := byCustomer["D3"]; s.State != store.SendSkipped || s.Reason != "no_email" {
			t.Errorf("D3: %+v, want skipped for no email", s)
		}
		if s := byCustomer["D2"]; s.State != store.SendTask || s.Step != "call-30" || s.Recipient != "A1" {
			t.Errorf("D2: %+v, want a call task for A1", s)
		}
		al, err := a.Alerts(ctx, sys, false, 0)
		if err != nil || len(al.Alerts) != 1 || al.Alerts[0].Kind != "dunning.call" || al.Alerts[0].Agent != "A1" {
			t.Fatalf("alerts %+v %v", al, err)
		}
		// Three days on: D1's F3 is 1 day from due, its courtesy step is
		// lower than the one sent, and the gap holds anyway; nothing. A
		// week on: F1 and F2 at +15, nothing new; G1 at +42: nothing.
		clk.add(3 * 24 * time.Hour)
		rep, err = a.RunDunning(ctx, sys, app.DunningOptions{})
		if err != nil || rep.Queued+rep.Tasks+rep.Skipped != 0 {
			t.Fatalf("three days on: %+v %v", rep, err)
		}
		// At +21 for F2 (startDay+12): the firm step for it alone (F1 is
		// at +20); G1 at +47: the final email; H1 at +22: firm, skipped.
		rep, err = a.RunDunning(ctx, sys, app.DunningOptions{AsOf: startDay.AddDays(12)})
		if err != nil || rep.Queued != 2 || rep.Skipped != 1 {
			t.Fatalf("+21: %+v %v", rep, err)
		}
		rs = reminders(t, db)
		if last := rs[1]; last.Step != "reminder-21" || len(last.Documents) != 1 || last.Documents[0].Number != "2026/F2" {
			t.Fatalf("+21 reminder %+v", last)
		}
		// The ERP's webhook worker never claims a reminder.
		claimed, err := db.ClaimOutbox(ctx, "erp", 100, time.Minute, clk.now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range claimed {
			if strings.HasPrefix(e.Topic, "dunning.") {
				t.Fatalf("the ERP's worker claimed %s", e.Topic)
			}
		}
	})
}

// TestDunningConcurrentRuns: runs at once (two servers' daily jobs on one
// database) record each step once and queue each email once.
func TestDunningConcurrentRuns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := dunWorld(t, db)
		b := app.New(db, app.WithClock(a.Now))
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x := a
				if i%2 == 1 {
					x = b
				}
				_, err := x.RunDunning(ctx, sys, app.DunningOptions{AsOf: startDay})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := len(reminders(t, db)); n != 1 {
			t.Fatalf("%d reminders queued, want 1", n)
		}
		if sends, err := a.DunningSends(ctx, sys, "", 100); err != nil || len(sends) != 3 {
			t.Fatalf("%d sends, want 3 (%v)", len(sends), err)
		}
	})
}
