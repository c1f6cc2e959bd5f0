package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// race runs fn(0..n-1) in n goroutines released at the same instant, and
// returns their errors.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// document reads one document as the app shows it.
func document(t *testing.T, a *app.App, customer, id string) app.DocumentView {
	t.Helper()
	p, err := a.CustomerDocuments(context.Background(), sys, customer, false, "", 200)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Items {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no document %s", id)
	return app.DocumentView{}
}

// sortOut counts successes and over-allocations; any other error fails.
func sortOut(t *testing.T, errs []error) (ok, over int) {
	t.Helper()
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ledger.ErrOverAllocated):
			over++
		default:
			t.Errorf("writer %d: %v (want success or ledger.ErrOverAllocated)", i, err)
		}
	}
	return ok, over
}

// TestConcurrentCollectionsOnOneDocument: many agents record collections on
// the same invoice at the same instant. Exactly the ones that fit in its
// open amount succeed, the others are refused as over-allocated, and the
// invoice is never over-allocated.
func TestConcurrentCollectionsOnOneDocument(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _ := world(t, db)
		const open = 80000 // F1-7
		cases := []struct {
			doc     string
			amounts func(i int) int64
			fit     int
		}{
			// Each wants more than half: exactly one fits.
			{"F1-7", func(i int) int64 { return open/2 + 1 + int64(i)*100 }, 1},
			// 30,000 each on 80,000: exactly two fit.
			{"F2-7", func(int) int64 { return 30000 }, 2},
		}
		for _, c := range cases {
			const writers = 8
			amounts := map[int64]int{}
			errs := race(writers, func(i int) error {
				amt := c.amounts(i)
				req := app.CollectionRequest{CustomerID: "C" + c.doc[1:2], Amount: eur(amt), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash},
					Allocations: []app.AllocationRequest{{DocumentID: c.doc, Amount: eur(amt)}}}
				_, _, err := a.RecordCollection(ctx, sys, idemOf(fmt.Sprintf("%s-%d", c.doc, i), "POST", req), req)
				return err
			})
			var taken int64
			for i, err := range errs {
				if err == nil {
					taken += c.amounts(i)
					amounts[c.amounts(i)]++
				}
			}
			ok, over := sortOut(t, errs)
			if ok != c.fit || over != writers-c.fit {
				t.Fatalf("%s: %d recorded, %d refused as over-allocated; want %d and %d", c.doc, ok, over, c.fit, writers-c.fit)
			}
			d := document(t, a, "C"+c.doc[1:2], c.doc)
			if d.PendingAmount.Minor != taken || d.OpenAmount.Minor != open-taken || taken > open {
				t.Fatalf("%s: pending %v, open %v after %d was taken", c.doc, d.PendingAmount, d.OpenAmount, taken)
			}
		}
		checkClean(t, a)
	})
}

// TestConcurrentAllocationsOnOneDocument: advance payments allocated to the
// same invoice at the same instant: exactly one fits.
func TestConcurrentAllocationsOnOneDocument(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _ := world(t, db)
		const writers, open = 6, 70000 // F3-6
		var ids []string
		for i := range writers {
			req := app.CollectionRequest{CustomerID: "C3", Amount: eur(50000), Instrument: ledger.InstrumentDetail{Kind: ledger.Transfer}}
			v, _, err := a.RecordCollection(ctx, sys, idemOf(fmt.Sprintf("adv-%d", i), "POST", req), req)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, v.ID)
		}
		errs := race(writers, func(i int) error {
			reqs := []app.AllocationRequest{{DocumentID: "F3-6", Amount: eur(open/2 + 1)}}
			_, _, err := a.AllocateCollection(ctx, sys, idemOf(fmt.Sprintf("alloc-%d", i), "POST", reqs), ids[i], reqs)
			return err
		})
		if ok, over := sortOut(t, errs); ok != 1 || over != writers-1 {
			t.Fatalf("%d allocated, %d refused; want 1 and %d", ok, over, writers-1)
		}
		if d := document(t, a, "C3", "F3-6"); d.PendingAmount.Minor != open/2+1 {
			t.Fatalf("F3-6 pending %v", d.PendingAmount)
		}
		checkClean(t, a)
	})
}

// TestSameKeyConcurrently sends one request under one key from many
// goroutines: exactly one collection is recorded; the others wait for it
// and get its replay; a later retry replays it.
func TestSameKeyConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _ := world(t, db)
		req := app.CollectionRequest{CustomerID: "C1", Amount: eur(1000), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash},
			Allocations: []app.AllocationRequest{{DocumentID: "F1-0", Amount: eur(1000)}}}
		idem := idemOf("same", "POST /api/v1/collections", req)
		const n = 12
		ids := make([]string, n)
		replayed := make([]bool, n)
		errs := race(n, func(i int) error {
			v, replay, err := a.RecordCollection(ctx, sys, idem, req)
			switch {
			case err != nil:
				return err
			case replay != nil:
				replayed[i] = true
				ids[i], err = replayedID(replay)
				return err
			}
			ids[i] = v.ID
			return nil
		})
		first := ""
		for i, err := range errs {
			switch {
			case err != nil:
				t.Errorf("request %d: %v", i, err)
			case !replayed[i] && first != "":
				t.Errorf("request %d recorded %s, and another recorded %s", i, ids[i], first)
			case !replayed[i]:
				first = ids[i]
			}
		}
		for i := range n {
			if errs[i] == nil && replayed[i] && ids[i] != first {
				t.Errorf("request %d replayed %q, the collection is %q", i, ids[i], first)
			}
		}
		if n, err := countCollections(ctx, a); err != nil || n != 1 || first == "" {
			t.Fatalf("%d collections stored (%v); recorded: %q", n, err, first)
		}
		if _, replay, err := a.RecordCollection(ctx, sys, idem, req); err != nil || replay == nil {
			t.Fatalf("a later retry: replay %v, %v", replay, err)
		}
		if d := document(t, a, "C1", "F1-0"); d.PendingAmount.Minor != 1000 {
			t.Fatalf("F1-0 pending %v: the collection counted %d times", d.PendingAmount, d.PendingAmount.Minor/1000)
		}
		checkClean(t, a)

		// The same for a change of a collection: one allocation, once.
		adv := app.CollectionRequest{CustomerID: "C1", Amount: eur(5000), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash}}
		v, _, err := a.RecordCollection(ctx, sys, idemOf("adv", "POST", adv), adv)
		if err != nil {
			t.Fatal(err)
		}
		reqs := []app.AllocationRequest{{DocumentID: "F1-1", Amount: eur(2000)}}
		errs = race(n, func(int) error {
			_, _, err := a.AllocateCollection(ctx, sys, idemOf("alloc", "POST", reqs), v.ID, reqs)
			return err
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("allocation %d: %v", i, err)
			}
		}
		got, err := a.Collection(ctx, sys, v.ID)
		if err != nil || len(got.Allocations) != 1 {
			t.Fatalf("%d allocations after %d identical requests: %v", len(got.Allocations), n, err)
		}
		checkClean(t, a)
	})
}

// TestConcurrentWritersOnOneCustomer mixes collections, voids, later
// allocations and re-imports on the same customer from several goroutines:
// the ledger stays consistent and no document is over-allocated.
func TestConcurrentWritersOnOneCustomer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := newApp(t, db)
		b := newBook("", startDay)
		b.load(t, a)
		rounds := 15
		if long() {
			rounds = 60
		}
		errs := race(6, func(g int) error {
			for i := range rounds {
				key := fmt.Sprintf("g%d-%d", g, i)
				req := app.CollectionRequest{CustomerID: "C1", Amount: eur(3000), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash},
					Allocations: []app.AllocationRequest{{DocumentID: fmt.Sprintf("F1-%d", i%3), Amount: eur(3000)}}}
				v, _, err := a.RecordCollection(ctx, sys, idemOf(key, "POST", req), req)
				if err != nil && !errors.Is(err, ledger.ErrOverAllocated) {
					return fmt.Errorf("record: %w", err)
				}
				if err == nil && i%4 == 0 {
					if _, _, err := a.VoidCollection(ctx, sys, idemOf(key+"v", "void", nil), v.ID, "race"); err != nil {
						return fmt.Errorf("void: %w", err)
					}
				}
				// An advance payment, allocated later to a contested document.
				adv := app.CollectionRequest{CustomerID: "C1", Amount: eur(2000), Instrument: ledger.InstrumentDetail{Kind: ledger.Cheque, Number: key}}
				av, _, err := a.RecordCollection(ctx, sys, idemOf(key+"a", "POST", adv), adv)
				if err != nil {
					return fmt.Errorf("advance: %w", err)
				}
				reqs := []app.AllocationRequest{{DocumentID: fmt.Sprintf("F1-%d", (i+1)%3), Amount: eur(2000)}}
				if _, _, err := a.AllocateCollection(ctx, sys, idemOf(key+"l", "POST", reqs), av.ID, reqs); err != nil && !errors.Is(err, ledger.ErrOverAllocated) {
					return fmt.Errorf("allocate: %w", err)
				}
				switch i % 5 {
				case 1:
					if _, _, err := a.ReturnCollection(ctx, sys, idemOf(key+"r", "return", nil), av.ID, "bounced"); err != nil {
						return fmt.Errorf("return: %w", err)
					}
				case 2:
					if _, _, err := a.AckCollection(ctx, sys, idemOf(key+"k", "ack", nil), av.ID); err != nil {
						return fmt.Errorf("ack: %w", err)
					}
				case 3:
					if g == 0 {
						// The ERP re-sends everything, still fully open.
						rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(b.documentsCSV(money.MarkComma)), app.ImportOptions{File: "d.csv", Format: "csv"})
						if err != nil || rep.Rejected > 0 {
							return fmt.Errorf("re-import: %v %v", err, rep.Errors)
						}
					}
				}
			}
			return nil
		})
		for g, err := range errs {
			if err != nil {
				t.Errorf("writer %d: %v", g, err)
			}
		}
		for i := range 3 {
			if d := document(t, a, "C1", fmt.Sprintf("F1-%d", i)); d.PendingAmount.Minor > d.ERPOpenAmount.Minor {
				t.Errorf("F1-%d over-allocated: pending %v of %v", i, d.PendingAmount, d.ERPOpenAmount)
			}
		}
		checkClean(t, a)
	})
}

// TestNewDayMovedOnceByManyServers: several apps (servers) on one database
// see the day change at once; the documents that fell due move the figures
// once, not twice.
func TestNewDayMovedOnceByManyServers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, clk, _ := world(t, db)
		b := app.New(db, app.WithClock(clk.now))
		before, err := a.Customer(ctx, sys, "C1")
		if err != nil {
			t.Fatal(err)
		}
		clk.add(5 * 24 * time.Hour)
		servers := []*app.App{a, b, a, b, app.New(db, app.WithClock(clk.now))}
		for i, err := range race(len(servers), func(i int) error {
			_, err := servers[i].Today(ctx)
			return err
		}) {
			if err != nil {
				t.Errorf("server %d: %v", i, err)
			}
		}
		after, err := b.Customer(ctx, sys, "C1")
		if err != nil {
			t.Fatal(err)
		}
		// Those due on the 20th to the 22nd were overdue already; the 23rd
		// to the 27th fall due by the 28th.
		if want := before.Overdue.Minor + 40000 + 50000 + 60000 + 70000 + 80000; after.Overdue.Minor != want || after.OverdueDocuments != before.OverdueDocuments+5 {
			t.Fatalf("overdue %v (%d documents), want %d (%d documents)", after.Overdue, after.OverdueDocuments, want, before.OverdueDocuments+5)
		}
		checkClean(t, a)
	})
}
