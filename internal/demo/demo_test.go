package demo_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/dbtest"
	"cobro/internal/demo"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

var cheap = auth.NewHasher(auth.HashParams{Memory: 64, Time: 1, Threads: 1}, 4)

// now is a Monday noon in Valencia.
var now = time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)

func newApp(db *store.DB) *app.App {
	return app.New(db, app.WithClock(func() time.Time { return now }), app.WithHasher(cheap))
}

func size() int {
	if testing.Short() {
		return 120
	}
	return demo.DefaultCustomers
}

// allCustomers pages through every customer.
func allCustomers(t *testing.T, a *app.App) []app.CustomerView {
	t.Helper()
	var out []app.CustomerView
	for cursor := ""; ; {
		page, err := a.Customers(context.Background(), auth.System("t"), app.CustomerQuery{Limit: 500, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			return out
		}
	}
}

func allCollections(t *testing.T, a *app.App) []app.CollectionView {
	t.Helper()
	var out []app.CollectionView
	for cursor := ""; ; {
		page, err := a.Collections(context.Background(), auth.System("t"), app.CollectionQuery{Limit: 500, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			return out
		}
	}
}

// TestDemoShape builds the demo on both databases and checks it has what
// a demo must show, and that the ledger is consistent.
func TestDemoShape(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, sys, n := context.Background(), auth.System("t"), size()
		a := newApp(db)
		g, err := demo.Seed(ctx, a, demo.Options{Seed: 7, Customers: n, Today: civil.Of(now)})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d customers, %d documents (%d open), %d collections in %s",
			db.Kind(), g.Customers, g.Documents, g.OpenDocuments, g.Collections, g.Took.Round(time.Millisecond))
		if g.Customers != n || g.Documents < 10*n || g.OpenDocuments < n || g.Collections < n/4 {
			t.Errorf("generated %+v", g)
		}
		// The agents' past weeks are settled, last week's handed in, with one short count approved.
		sts, err := a.Settlements(ctx, sys, "", "")
		if err != nil {
			t.Fatal(err)
		}
		states := map[ledger.SettlementState]int{}
		approved := 0
		for _, s := range sts {
			states[s.State]++
			if s.ApprovedBy != "" {
				approved++
			}
		}
		if g.Settlements == 0 || states[ledger.SettlementVerified] == 0 || states[ledger.SettlementSubmitted] == 0 || approved != 1 {
			t.Errorf("settlements %d: %v, approved %d", g.Settlements, states, approved)
		}
		checkClean := func() {
			vs, err := a.Check(ctx)
			if err != nil || len(vs) > 0 {
				t.Errorf("check after the demo: %v %+v", err, vs)
			}
		}
		checkClean()
		if st, err := demo.Inspect(ctx, a); err != nil || st != demo.Ready {
			t.Errorf("inspect: %v %v", st, err)
		}

		// Customers: every agent, both languages, limits of every kind.
		custs := allCustomers(t, a)
		agents, langs := map[string]bool{}, map[string]int{}
		var spanishName, englishName, noLimit, over, inHand bool
		for _, c := range custs {
			agents[c.Agent] = true
			langs[c.Language]++
			spanishName = spanishName || strings.ContainsAny(c.Name, "áéíóúñ")
			englishName = englishName || strings.Contains(c.Name, "Ltd") || strings.Contains(c.Name, "'s ")
			noLimit = noLimit || c.CreditLimit == nil
			over = over || c.OverLimit
			inHand = inHand || c.InHand.Minor > 0 && c.Risk.Minor > c.Balance.Minor
			if c.TaxID == "" || !strings.HasSuffix(c.Email, "@example.com") || !strings.HasPrefix(c.Phone, "+34 ") {
				t.Errorf("customer without contacts: %+v", c)
			}
		}
		if len(custs) != n || len(agents) < 5 || langs["es"] <= langs["en"] || langs["en"] == 0 {
			t.Errorf("%d customers, agents %v, languages %v", len(custs), agents, langs)
		}
		if !spanishName || !englishName || !noLimit || !over || !inHand {
			t.Errorf("spanish %v, english %v, no limit %v, over limit %v, risk above balance %v",
				spanishName, englishName, noLimit, over, inHand)
		}

		// Debts of every age and status.
		sum, err := a.Summary(ctx, sys)
		if err != nil {
			t.Fatal(err)
		}
		aging := sum.Currencies[0].Aging
		for _, b := range aging {
			if b.Amount.Minor <= 0 {
				t.Errorf("aging bucket %s is empty", b.Bucket)
			}
		}
		if aging[0].Amount.Minor*2 < sum.Currencies[0].Open.Minor {
			t.Errorf("most of the open amount should not be due yet: %+v", aging)
		}
		for _, status := range []string{"unpaid", "disputed", "overdue", "pending"} {
			debts, err := a.Debts(ctx, sys, app.DebtQuery{Filter: app.DebtFilter{Status: status}, Limit: 1})
			if err != nil || len(debts.Items) == 0 {
				t.Errorf("no %s debts: %v", status, err)
			}
		}

		// A year of history: paid documents with their dates, late ones too.
		var paid, late, credit int
		for _, c := range custs[:20] {
			docs, err := a.CustomerDocuments(ctx, sys, c.ID, false, "", 500)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs.Items {
				if !d.PaidOn.IsZero() {
					paid++
					if d.PaidOn.After(d.DueDate.AddDays(5)) {
						late++
					}
				}
				if d.Kind == ledger.CreditNote {
					credit++
				}
			}
		}
		if paid < 100 || late == 0 || credit == 0 {
			t.Errorf("history of 20 customers: %d paid, %d late, %d credit notes", paid, late, credit)
		}

		// Collections in the field, and what became of them.
		seen := map[string]bool{}
		for _, c := range allCollections(t, a) {
			if !strings.HasPrefix(c.CollectedBy, "agent:AG0") || c.CollectedAt.After(now) || c.CollectedAt.Before(now.AddDate(0, 0, -30)) {
				t.Errorf("collection %s by %q at %s", c.ID, c.CollectedBy, c.CollectedAt)
			}
			seen[string(c.State)] = true
			seen[string(c.Instrument.Kind)] = true
			seen["voided with a reason"] = seen["voided with a reason"] || c.State == ledger.Voided && c.VoidReason != ""
			seen["returned item"] = seen["returned item"] || c.ReturnedDocument != ""
			seen["advance"] = seen["advance"] || len(c.Allocations) == 0 && c.Unallocated.Minor > 0
			seen["partial"] = seen["partial"] || len(c.Allocations) > 1
			seen["acknowledged"] = seen["acknowledged"] || !c.PendingInERP
			seen["pending in the ERP"] = seen["pending in the ERP"] || c.PendingInERP && c.State == ledger.Cleared
		}
		for _, want := range []string{"in_hand", "cleared", "cash", "cheque", "promissory_note", "transfer",
			"voided with a reason", "returned item", "advance", "partial", "acknowledged", "pending in the ERP"} {
			if !seen[want] {
				t.Errorf("no collection is %s", want)
			}
		}
		if vs, err := a.Check(ctx); err != nil || len(vs) > 0 {
			t.Fatalf("check: %v %v", err, vs)
		}
	})
}

// TestDemoDeterministic: the same seed and day give the same customers
// with the same figures; another seed gives others.
func TestDemoDeterministic(t *testing.T) {
	build := func(seed uint64) []app.CustomerView {
		db := dbtest.Open(t, "sqlite")
		a := newApp(db)
		if _, err := demo.Seed(context.Background(), a, demo.Options{Seed: seed, Customers: 80, Today: civil.Of(now)}); err != nil {
			t.Fatal(err)
		}
		return allCustomers(t, a)
	}
	first, again, other := build(1), build(1), build(2)
	if !reflect.DeepEqual(first, again) {
		for i := range first {
			if !reflect.DeepEqual(first[i], again[i]) {
				t.Fatalf("same seed, different customer:\n%+v\n%+v", first[i], again[i])
			}
		}
	}
	if reflect.DeepEqual(first, other) {
		t.Fatal("another seed gave the same customers")
	}
}

// TestInspect tells an empty database, a finished demo, an interrupted
// one and another company's data apart.
func TestInspect(t *testing.T) {
	ctx := context.Background()
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, sys := newApp(db), auth.System("t")
		check := func(want demo.State) {
			t.Helper()
			if got, err := demo.Inspect(ctx, a); err != nil || got != want {
				t.Fatalf("Inspect = %v, %v; want %v", got, err, want)
			}
		}
		check(demo.Empty)
		if err := a.SaveCompany(ctx, sys, app.DefaultCompany()); err != nil {
			t.Fatal(err)
		}
		check(demo.Empty) // what `cobro serve` leaves on an empty database
		if err := a.SaveCompany(ctx, sys, demo.Company); err != nil {
			t.Fatal(err)
		}
		check(demo.Partial)
		other := demo.Company
		other.Name = "Ferreterías Unidas S.A."
		if err := a.SaveCompany(ctx, sys, other); err != nil {
			t.Fatal(err)
		}
		check(demo.Foreign)
	})
}
