package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"cobro/internal/civil"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// TestRulesSQLMatchLedger shows that the SQL the store renders from the
// ledger's rules gives, for random documents, customers and days, the same
// status, aging bucket, overdue membership, summary figures and "over the
// credit limit" as the Go definitions, on both databases.
func TestRulesSQLMatchLedger(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		base := day("2026-06-01")
		if err := db.Write(ctx, func(tx *store.Tx) error {
			return tx.SaveCompany(ctx, ledger.Company{Name: "X", Currency: "EUR", TimeZone: "UTC", Language: "es"}, base)
		}); err != nil {
			t.Fatal(err)
		}
		rapid.Check(t, func(rt *rapid.T) {
			for _, q := range []string{`DELETE FROM documents`, `DELETE FROM customer_terms`, `DELETE FROM customers`} {
				if err := db.RawExec(ctx, q); err != nil {
					rt.Fatal(err)
				}
			}
			today := base.AddDays(rapid.IntRange(-10, 200).Draw(rt, "today"))
			var custs []ledger.Customer
			figs := map[string]ledger.Figures{}
			for i := range rapid.IntRange(1, 3).Draw(rt, "customers") {
				c := ledger.Customer{ID: fmt.Sprintf("C%d", i), Name: "n", Currency: "EUR"}
				if rapid.Bool().Draw(rt, "has_limit") {
					l := rapid.Int64Range(0, 1000).Draw(rt, "limit")
					c.CreditLimit = &l
				}
				custs = append(custs, c)
				figs[c.ID] = ledger.Figures{Balance: rapid.Int64Range(-500, 1500).Draw(rt, "balance"),
					InHand: rapid.Int64Range(0, 500).Draw(rt, "in_hand")}
			}
			var docs []ledger.Document
			for i := range rapid.IntRange(0, 25).Draw(rt, "documents") {
				amount := rapid.Int64Range(1, 1000).Draw(rt, "amount")
				erpOpen := rapid.Int64Range(0, amount).Draw(rt, "erp_open")
				due := base.AddDays(rapid.IntRange(-250, 250).Draw(rt, "due"))
				docs = append(docs, ledger.Document{ID: fmt.Sprintf("D%02d", i),
					CustomerID: custs[rapid.IntRange(0, len(custs)-1).Draw(rt, "customer")].ID,
					Kind:       rapid.SampledFrom([]ledger.Kind{ledger.Invoice, ledger.CreditNote, ledger.Returned}).Draw(rt, "kind"),
					Number:     "n", IssueDate: due.AddDays(-30), DueDate: due,
					Currency: rapid.SampledFrom([]money.Currency{"EUR", "USD"}).Draw(rt, "currency"),
					Amount:   amount, ERPOpen: erpOpen, Pending: rapid.Int64Range(0, erpOpen+1).Draw(rt, "pending"),
					Instrument: ledger.Transfer, Disputed: rapid.Bool().Draw(rt, "disputed")})
			}
			err := db.Write(ctx, func(tx *store.Tx) error {
				for _, c := range custs {
					if err := tx.InsertCustomer(ctx, c, now); err != nil {
						return err
					}
					if err := tx.SetFigures(ctx, c.ID, figs[c.ID], now); err != nil {
						return err
					}
				}
				return tx.InsertDocuments(ctx, docs, now)
			})
			if err != nil {
				rt.Fatal(err)
			}

			got, err := db.DocumentRules(ctx, today)
			if err != nil {
				rt.Fatal(err)
			}
			want := &store.CurrencySummary{}
			wantBy := map[money.Currency]*store.CurrencySummary{}
			for _, d := range docs {
				st := d.StateAsOf(today).Status
				pd := ""
				if st.PastDue() {
					pd = "past_due"
				}
				w := [3]string{string(st), string(d.BucketAsOf(today)), pd}
				if got[d.ID] != w {
					rt.Fatalf("%+v on %s: SQL %v, Go %v", d, today, got[d.ID], w)
				}
				if d.Open() == 0 {
					continue
				}
				if wantBy[d.Currency] == nil {
					wantBy[d.Currency] = &store.CurrencySummary{Currency: d.Currency, Aging: map[store.Bucket]int64{}, AgingDisputed: map[store.Bucket]int64{}}
				}
				want = wantBy[d.Currency]
				if !d.Kind.Owed() {
					want.CreditNotes += d.Open()
					want.Open -= d.Open()
					continue
				}
				b := d.BucketAsOf(today)
				want.Open += d.Open()
				want.Aging[b] += d.Open()
				f := ledger.OfDocument(d, today)
				want.Overdue += f.Overdue
				want.Disputed += f.Disputed
				want.AgingDisputed[b] += f.Disputed
			}

			// The debt list carries the same status and bucket.
			var debts []store.Debt
			var sum map[money.Currency]*store.CurrencySummary
			var oldest map[string]civil.Date
			err = db.Read(ctx, func(tx *store.Tx) error {
				var err error
				if debts, err = tx.Debts(ctx, today, store.DebtFilter{}, "", "", 1000); err != nil {
					return err
				}
				if sum, err = tx.Summary(ctx, today, today.AddDays(-89), ""); err != nil {
					return err
				}
				ids := make([]string, len(custs))
				for i, c := range custs {
					ids[i] = c.ID
				}
				oldest, err = tx.OldestOverdue(ctx, ids, today)
				return err
			})
			if err != nil {
				rt.Fatal(err)
			}
			n := 0
			for _, d := range docs {
				if d.Open() > 0 && d.Kind.Owed() {
					n++
				}
			}
			if len(debts) != n {
				rt.Fatalf("debts: %d listed, %d open owed", len(debts), n)
			}
			byID := map[string]ledger.Document{}
			for _, d := range docs {
				byID[d.ID] = d
			}
			for _, x := range debts {
				d := byID[x.Document.ID]
				if x.Status != string(d.StateAsOf(today).Status) || x.Bucket != d.BucketAsOf(today) {
					rt.Fatalf("debt %s: SQL %s %s, Go %s %s", d.ID, x.Status, x.Bucket, d.StateAsOf(today).Status, d.BucketAsOf(today))
				}
			}
			// Filtered by each status and each bucket, the list is what Go
			// says; so are its totals, counted from the documents, and with
			// no filter, summed from the customers' figures.
			err = db.Read(ctx, func(tx *store.Tx) error {
				check := func(f store.DebtFilter, keep func(ledger.Document) bool) error {
					got, err := tx.Debts(ctx, today, f, "", "", 1000)
					if err != nil {
						return err
					}
					var want []string
					wantOpen := map[money.Currency]int64{}
					for _, d := range docs {
						if d.Open() > 0 && d.Kind.Owed() && keep(d) {
							want = append(want, d.ID)
							wantOpen[d.Currency] += d.Open()
						}
					}
					var ids []string
					for _, x := range got {
						ids = append(ids, x.Document.ID)
					}
					slices.Sort(ids)
					if !slices.Equal(ids, want) {
						rt.Fatalf("debts %+v on %s: SQL %v, Go %v", f, today, ids, want)
					}
					totals, capped, err := tx.DebtGroups(ctx, today, f, "", 10)
					if err != nil || capped {
						return fmt.Errorf("totals %v capped %v", err, capped)
					}
					gotOpen := map[money.Currency]int64{}
					for _, g := range totals {
						gotOpen[g.Currency] += g.Open
					}
					if !maps.Equal(gotOpen, wantOpen) {
						rt.Fatalf("debt totals %+v: SQL %v, Go %v", f, gotOpen, wantOpen)
					}
					return nil
				}
				for _, st := range ledger.Statuses() {
					if err := check(store.DebtFilter{Status: string(st)}, func(d ledger.Document) bool { return d.StateAsOf(today).Status == st }); err != nil {
						return err
					}
				}
				for _, b := range store.Buckets {
					if err := check(store.DebtFilter{Bucket: b}, func(d ledger.Document) bool { return d.BucketAsOf(today) == b }); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				rt.Fatal(err)
			}
			for cur, w := range wantBy {
				g := sum[cur]
				if g == nil {
					rt.Fatalf("summary: no %s", cur)
				}
				g.CreditSales, g.Customers = 0, 0
				for _, b := range store.Buckets {
					if g.Aging[b] != w.Aging[b] || g.AgingDisputed[b] != w.AgingDisputed[b] {
						rt.Fatalf("summary %s bucket %s: SQL %d (%d disputed), Go %d (%d)", cur, b, g.Aging[b], g.AgingDisputed[b], w.Aging[b], w.AgingDisputed[b])
					}
				}
				if g.Open != w.Open || g.Overdue != w.Overdue || g.Disputed != w.Disputed || g.CreditNotes != w.CreditNotes {
					rt.Fatalf("summary %s: SQL %+v, Go %+v", cur, g, w)
				}
			}
			// How long a customer has been late: its oldest past-due document
			// with a due date before today.
			for _, c := range custs {
				var w civil.Date
				for _, d := range docs {
					if d.CustomerID == c.ID && d.DaysOverdue(today) > 0 && d.StateAsOf(today).Status.PastDue() && (w.IsZero() || d.DueDate.Before(w)) {
						w = d.DueDate
					}
				}
				if oldest[c.ID] != w {
					rt.Fatalf("oldest overdue of %s: SQL %s, Go %s", c.ID, oldest[c.ID], w)
				}
			}

			over, err := db.OverLimitIDs(ctx)
			if err != nil {
				rt.Fatal(err)
			}
			for _, c := range custs {
				if w := figs[c.ID].OverLimit(c.CreditLimit); over[c.ID] != w {
					rt.Fatalf("customer %s limit %v figures %+v: SQL over limit %v, Go %v", c.ID, c.CreditLimit, figs[c.ID], over[c.ID], w)
				}
			}
		})
	})
}

// TestMigrationOwedBackfill: migration 9 fills each customer's owed
// figure from its open owed documents, credit notes and closed documents
// left out.
func TestMigrationOwedBackfill(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		if err := db.MigrateDownTo(ctx, 6); err != nil {
			t.Fatal(err)
		}
		d := func(id string, kind ledger.Kind, open int64) ledger.Document {
			return ledger.Document{ID: id, CustomerID: "C1", Kind: kind, Number: id, IssueDate: day("2026-10-01"), DueDate: day("2026-11-01"),
				Currency: "EUR", Amount: 1000, ERPOpen: open, Instrument: ledger.Transfer}
		}
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.InsertCustomer(ctx, ledger.Customer{ID: "C1", Name: "n", Currency: "EUR"}, now); err != nil {
				return err
			}
			if err := tx.InsertCustomer(ctx, ledger.Customer{ID: "C2", Name: "n", Currency: "EUR"}, now); err != nil {
				return err
			}
			return tx.InsertDocuments(ctx, []ledger.Document{d("F1", ledger.Invoice, 300), d("F2", ledger.Invoice, 0),
				d("R1", ledger.Returned, 40), d("A1", ledger.CreditNote, 500)}, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.Optimize(ctx); err != nil {
			t.Fatal(err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			accs, err := tx.Accounts(ctx, []string{"C1", "C2"}, false)
			if err != nil {
				return err
			}
			if accs["C1"].Figures.Owed != 340 || accs["C2"].Figures.Owed != 0 {
				t.Errorf("owed after migration: C1 %d, C2 %d", accs["C1"].Figures.Owed, accs["C2"].Figures.Owed)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestRequestReadsAreBounded: a request's read that runs past its deadline
// is stopped in the database and reported as ErrTimeout, on both databases.
func TestRequestReadsAreBounded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithTimeout(store.Bounded(context.Background()), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := db.SlowRead(ctx)
		if !errors.Is(err, store.ErrTimeout) || time.Since(start) > 3*time.Second {
			t.Fatalf("slow read: %v after %s", err, time.Since(start))
		}
		// The database is free again at once.
		if err := db.Read(store.Bounded(context.Background()), func(tx *store.Tx) error {
			_, err := tx.Lists(context.Background(), "nobody")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestDebtTotalsBounded: a filter on the documents totals at most
// DebtTotalsCap of them and says so past it; customer filters alone sum
// the customers' figures, uncapped.
func TestDebtTotalsBounded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		today := day("2026-11-23")
		var docs []ledger.Document
		for i := range store.DebtTotalsCap + 1 {
			docs = append(docs, ledger.Document{ID: fmt.Sprintf("F%05d", i), CustomerID: "C1", Kind: ledger.Invoice, Number: "n",
				IssueDate: day("2026-09-01"), DueDate: day("2026-10-01"), Currency: "EUR", Amount: 100, ERPOpen: 100, Instrument: ledger.Cheque})
		}
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.InsertCustomer(ctx, ledger.Customer{ID: "C1", Name: "n", Agent: "A1", Currency: "EUR"}, now); err != nil {
				return err
			}
			if err := tx.InsertDocuments(ctx, docs, now); err != nil {
				return err
			}
			f, err := ledger.Compute(docs, nil, today)
			if err != nil {
				return err
			}
			return tx.SetFigures(ctx, "C1", f, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			for _, f := range []store.DebtFilter{{Status: "overdue"}, {Instrument: "cheque"}, {Agent: "A1", Bucket: "31-60"}} {
				if gs, capped, err := tx.DebtGroups(ctx, today, f, "", 10); err != nil || !capped || gs != nil {
					t.Errorf("%+v: %v capped %v %v", f, gs, capped, err)
				}
			}
			if _, capped, err := tx.DebtGroups(ctx, today, store.DebtFilter{}, "status", 10); err != nil || !capped {
				t.Errorf("grouped by status: capped %v %v", capped, err)
			}
			gs, capped, err := tx.DebtGroups(ctx, today, store.DebtFilter{Agent: "A1"}, "agent", 10)
			if err != nil || capped || len(gs) != 1 || gs[0].Count != int64(len(docs)) || gs[0].Open != int64(100*len(docs)) || gs[0].PastDue != gs[0].Open {
				t.Errorf("customer filter: %+v capped %v %v", gs, capped, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
