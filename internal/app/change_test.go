package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
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

// TestOneClaimOneCollection is the double collection of issue 7: a request
// held inside its transaction for longer than the old 15-second claim (a
// row lock, a slow disk), and the same key and body retried meanwhile on
// another server. The retry waits for the first and replays its answer:
// one collection, the same answer to both callers, and cobro check clean.
func TestOneClaimOneCollection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first, clk, _ := world(t, db)
		second := app.New(db, app.WithClock(clk.now)) // another server on the same database
		claimed, hold := make(chan struct{}), make(chan struct{})
		var once sync.Once
		app.SetAfterClaim(first, func(context.Context) {
			once.Do(func() {
				close(claimed)
				<-hold
			})
		})
		req := app.CollectionRequest{CustomerID: "C1", Amount: eur(1000), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash},
			Allocations: []app.AllocationRequest{{DocumentID: "F1-0", Amount: eur(1000)}}}
		idem := idemOf("held", "POST /api/v1/collections", req)
		type result struct {
			v      app.CollectionView
			replay *app.Replay
			err    error
		}
		done1, done2 := make(chan result, 1), make(chan result, 1)
		go func() {
			v, r, err := first.RecordCollection(ctx, sys, idem, req)
			done1 <- result{v, r, err}
		}()
		<-claimed
		clk.add(20 * time.Second) // past the old claim's stale time
		go func() {
			v, r, err := second.RecordCollection(ctx, sys, idem, req)
			done2 <- result{v, r, err}
		}()
		select {
		case r := <-done2:
			close(hold)
			t.Fatalf("the retry answered while the first attempt held its claim: %+v", r)
		case <-time.After(300 * time.Millisecond):
		}
		close(hold)
		r1, r2 := <-done1, <-done2
		if r1.err != nil || r1.replay != nil {
			t.Fatalf("first attempt: replay %v, %v", r1.replay, r1.err)
		}
		if r2.err != nil || r2.replay == nil || r2.replay.Outcome != app.OutcomeCreated {
			t.Fatalf("retry: %+v, replay %+v, %v; want the first's answer replayed", r2.v, r2.replay, r2.err)
		}
		want, err := json.Marshal(r1.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(r2.replay.Body) != string(want) {
			t.Fatalf("the callers got different answers:\n%s\n%s", want, r2.replay.Body)
		}
		if n, err := countCollections(ctx, first); err != nil || n != 1 {
			t.Fatalf("%d collections for one key (%v)", n, err)
		}
		if d := document(t, first, "C1", "F1-0"); d.PendingAmount.Minor != 1000 {
			t.Fatalf("F1-0 pending %v", d.PendingAmount)
		}
		checkClean(t, first)
	})
}

// TestFailedChangeReleasesItsKey: a change refused by the rules stores
// nothing, not even its claim, so the corrected request under the same key
// runs; and a key used for another request is refused.
func TestFailedChangeReleasesItsKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _ := world(t, db)
		bad := app.CollectionRequest{CustomerID: "C1", Amount: eur(100000), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash},
			Allocations: []app.AllocationRequest{{DocumentID: "F1-0", Amount: eur(100000)}}} // F1-0 has 100.00 open
		idem := idemOf("k", "POST /api/v1/collections", bad)
		if _, _, err := a.RecordCollection(ctx, sys, idem, bad); !errors.Is(err, ledger.ErrOverAllocated) {
			t.Fatalf("over-allocation: %v", err)
		}
		if events := outbox(t, db, ""); len(events) != 0 {
			t.Fatalf("a refused collection left outbox events: %+v", events)
		}
		// The same key and body again: refused again, not replayed.
		if _, replay, err := a.RecordCollection(ctx, sys, idem, bad); !errors.Is(err, ledger.ErrOverAllocated) || replay != nil {
			t.Fatalf("retry of a refused request: replay %v, %v", replay, err)
		}
		good := bad
		good.Allocations = []app.AllocationRequest{{DocumentID: "F1-0", Amount: eur(10000)}}
		v, replay, err := a.RecordCollection(ctx, sys, idemOf("k", "POST /api/v1/collections", good), good)
		if err != nil || replay != nil || v.ID == "" {
			t.Fatalf("the corrected request: %+v, %v, %v", v, replay, err)
		}
		if _, _, err := a.RecordCollection(ctx, sys, idem, bad); !errors.Is(err, app.ErrKeyReused) {
			t.Fatalf("the key reused for the refused body after it recorded another: %v", err)
		}
		checkClean(t, a)
	})
}

// TestOutboxEventPerCollectionChange: every change of a collection writes
// one outbox event in its transaction, of its topic, naming the collection
// and its customer; a replay, a change that changes nothing and a refused
// change write none.
func TestOutboxEventPerCollectionChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _ := world(t, db)
		req := app.CollectionRequest{CustomerID: "C1", Amount: eur(50000), Instrument: ledger.InstrumentDetail{Kind: ledger.Cheque, Number: "77"},
			Allocations: []app.AllocationRequest{{DocumentID: "F1-0", Amount: eur(10000)}}}
		v, _, err := a.RecordCollection(ctx, sys, idemOf("r", "POST", req), req)
		if err != nil {
			t.Fatal(err)
		}
		if _, replay, err := a.RecordCollection(ctx, sys, idemOf("r", "POST", req), req); err != nil || replay == nil {
			t.Fatalf("replay: %v %v", replay, err)
		}
		more := []app.AllocationRequest{{DocumentID: "F1-1", Amount: eur(20000)}}
		steps := []struct {
			name string
			run  func(app.Idem) error
		}{
			{"allocate", func(k app.Idem) error { _, _, err := a.AllocateCollection(ctx, sys, k, v.ID, more); return err }},
			{"allocate past the open", func(k app.Idem) error {
				_, _, err := a.AllocateCollection(ctx, sys, k, v.ID, []app.AllocationRequest{{DocumentID: "F1-2", Amount: eur(90000)}})
				if !errors.Is(err, ledger.ErrOverAllocated) {
					t.Errorf("allocating past the open: %v", err)
				}
				return nil
			}},
			{"ack", func(k app.Idem) error { _, _, err := a.AckCollection(ctx, sys, k, v.ID); return err }},
			{"ack again", func(k app.Idem) error { _, _, err := a.AckCollection(ctx, sys, k, v.ID); return err }},
			{"clear", func(k app.Idem) error { _, _, err := a.ClearCollection(ctx, sys, k, v.ID); return err }},
			{"return", func(k app.Idem) error { _, _, err := a.ReturnCollection(ctx, sys, k, v.ID, "bounced"); return err }},
		}
		for _, s := range steps {
			if err := s.run(idemOf(s.name, s.name, nil)); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
		}
		adv := app.CollectionRequest{CustomerID: "C1", Amount: eur(3000), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash}}
		w, _, err := a.RecordCollection(ctx, sys, idemOf("adv", "POST", adv), adv)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"void", "void again"} {
			if _, _, err := a.VoidCollection(ctx, sys, idemOf(k, k, nil), w.ID, "typed twice"); err != nil {
				t.Fatal(err)
			}
		}
		// The ERP's receipts file acknowledges through the envelope too,
		// once however often it is imported.
		ackd, _, err := a.RecordCollection(ctx, sys, idemOf("erp", "POST", adv), adv)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			rep, err := a.ImportReceipts(ctx, sys, strings.NewReader("collection_id,erp_receipt_id\n"+ackd.ID+",R-1\n"),
				app.ImportOptions{File: "receipts.csv", Format: "csv"})
			if err != nil || rep.Rejected > 0 {
				t.Fatalf("receipts: %v %+v", err, rep)
			}
		}
		if got := outbox(t, db, ackd.ID); len(got) != 2 || got[1].Topic != ledger.TopicCollectionAcknowledged {
			t.Errorf("events of the collection acknowledged by a file: %+v", got)
		}
		var topics []string
		for _, e := range outbox(t, db, v.ID) {
			topics = append(topics, e.Topic)
			var p map[string]any
			if err := json.Unmarshal(e.Payload.(json.RawMessage), &p); err != nil || p["id"] != v.ID || e.CustomerID != "C1" ||
				e.State != store.OutboxPending || e.Attempts != 0 || !e.NextAttemptAt.Equal(e.CreatedAt) {
				t.Errorf("event %+v (payload %v, %v)", e, p, err)
			}
		}
		want := []string{ledger.TopicCollectionRecorded, ledger.TopicCollectionAllocated, ledger.TopicCollectionAcknowledged,
			ledger.TopicCollectionCleared, ledger.TopicCollectionReturned}
		if !slices.Equal(topics, want) {
			t.Errorf("events of %s: %v, want %v", v.ID, topics, want)
		}
		var voids []string
		for _, e := range outbox(t, db, w.ID) {
			voids = append(voids, e.Topic)
		}
		if !slices.Equal(voids, []string{ledger.TopicCollectionRecorded, ledger.TopicCollectionVoided}) {
			t.Errorf("events of %s: %v", w.ID, voids)
		}
		checkClean(t, a)
	})
}

func outbox(t *testing.T, db *store.DB, aggregate string) []store.OutboxEvent {
	t.Helper()
	var out []store.OutboxEvent
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = tx.Outbox(context.Background(), aggregate, "", 1000)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFiguresOverflowRefusesTheChange: a change whose figure delta would
// overflow the customer's stored figures is refused as a whole: no
// collection, no event, no claim (the same request runs once the figures
// have room), and the figures as they were.
func TestFiguresOverflowRefusesTheChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, clk, _ := world(t, db)
		var saved ledger.Figures
		setUnallocated := func(v int64) {
			t.Helper()
			err := db.Write(ctx, func(tx *store.Tx) error {
				acc, err := tx.Account(ctx, "C1", true)
				if err != nil {
					return err
				}
				saved = acc.Figures
				f := acc.Figures
				f.Unallocated = v
				return tx.SetFigures(ctx, "C1", f, clk.now())
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// The figure as high as the database lets it be (money.MaxTotal):
		// a change past it is refused by the checked sum in Go
		// (ErrOutOfRange, on a figure near int64's end) or by the
		// database's bound (ErrOutOfBounds), never stored.
		setUnallocated(money.MaxTotal - 10)
		adv := app.CollectionRequest{CustomerID: "C1", Amount: eur(100), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash}}
		idem := idemOf("big", "POST", adv)
		if _, _, err := a.RecordCollection(ctx, sys, idem, adv); !errors.Is(err, ledger.ErrOutOfRange) && !errors.Is(err, store.ErrOutOfBounds) {
			t.Fatalf("an overflowing advance: %v, want ErrOutOfRange or ErrOutOfBounds", err)
		}
		if n, err := countCollections(ctx, a); err != nil || n != 0 {
			t.Fatalf("%d collections after a refused one (%v)", n, err)
		}
		if events := outbox(t, db, ""); len(events) != 0 {
			t.Fatalf("events of a refused change: %+v", events)
		}
		setUnallocated(0)
		if saved.Unallocated != money.MaxTotal-10 {
			t.Fatalf("the refused change moved the figures: %+v", saved)
		}
		if _, replay, err := a.RecordCollection(ctx, sys, idem, adv); err != nil || replay != nil {
			t.Fatalf("the same request once there is room: replay %v, %v", replay, err)
		}
		checkClean(t, a)
	})
}
