package app_test

import (
	"context"
	"fmt"
	"testing"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// TestInstrumentLife: a cheque moves with the agent → handed in →
// deposited → cleared; a promissory note is returned, which re-opens what
// it paid, alerts the agent and the office, and keeps the customer's risk
// right all along; the queues count and total them.
func TestInstrumentLife(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, _, _ := world(t, db)
		ctx := context.Background()
		ana := auth.Actor{Name: "ana", Role: auth.Agent, Agent: "A1", Source: "test"}
		office := auth.Actor{Name: "alba", Role: auth.Administration, Source: "test"}
		key := 0
		k := func() app.Idem { key++; return app.Idem{Key: fmt.Sprint("i-", key), Hash: fmt.Sprint(key)} }
		record := func(kind ledger.Instrument, amount int64, due int) app.CollectionView {
			req := app.CollectionRequest{CustomerID: "C1", Amount: eur(amount), Instrument: ledger.InstrumentDetail{Kind: kind, Number: fmt.Sprint("N", amount), DueDate: startDay.AddDays(due)}}
			v, _, err := a.RecordCollection(ctx, ana, k(), req)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		before, err := a.Customer(ctx, sys, "C1")
		if err != nil {
			t.Fatal(err)
		}
		cheque, note := record(ledger.Cheque, 40000, 30), record(ledger.PromissoryNote, 15000, 10)
		cash := record(ledger.Cash, 500, 0)
		queue := func(q string) app.InstrumentBoard {
			t.Helper()
			b, err := a.Instruments(ctx, office, q)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		b := queue("")
		if len(b.Items) != 2 || b.Items[0].ID != note.ID || b.Items[1].ID != cheque.ID || b.Total.Minor != 55000 {
			t.Fatalf("in hand, by maturity: %+v", b.Items)
		}
		// An agent may not move them; cash is no instrument to deposit.
		if _, _, err := a.MoveInstrument(ctx, ana, k(), cheque.ID, ledger.HandedIn); err == nil {
			t.Fatal("an agent marked a cheque handed in")
		}
		if _, _, err := a.MoveInstrument(ctx, office, k(), cash.ID, ledger.Deposited); ruleCode(err) != "not_an_instrument" {
			t.Fatalf("depositing cash: %v", err)
		}
		v, _, err := a.MoveInstrument(ctx, office, k(), cheque.ID, ledger.HandedIn)
		if err != nil || v.Custody != ledger.HandedIn || v.CustodyAt == nil {
			t.Fatalf("hand in: %+v %v", v, err)
		}
		if b := queue("handed_in"); len(b.Items) != 1 || b.Items[0].ID != cheque.ID {
			t.Fatalf("handed in: %+v", b.Items)
		}
		if _, _, err := a.MoveInstrument(ctx, office, k(), cheque.ID, ledger.Deposited); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.MoveInstrument(ctx, office, k(), cheque.ID, ledger.HandedIn); ruleCode(err) != "already_deposited" {
			t.Fatalf("handed in after deposit: %v", err)
		}
		// Still in hand, it counts in the risk wherever it is.
		mid, err := a.Customer(ctx, sys, "C1")
		if err != nil {
			t.Fatal(err)
		}
		if mid.InHand.Minor != 55000 || mid.Risk.Minor != before.Risk.Minor-500 {
			t.Fatalf("in hand %v risk %v (before %v)", mid.InHand, mid.Risk, before.Risk)
		}
		if _, _, err := a.ClearCollection(ctx, office, k(), cheque.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.ReturnCollection(ctx, office, k(), note.ID, "insufficient funds"); err != nil {
			t.Fatal(err)
		}
		counts := map[string]int64{}
		for _, q := range queue("returned").Queues {
			counts[q.Queue] = q.Count
		}
		if counts["in_hand"] != 0 || counts["cleared"] != 1 || counts["returned"] != 1 || counts["deposited"] != 0 {
			t.Fatalf("queues %v", counts)
		}
		after, err := a.Customer(ctx, sys, "C1")
		if err != nil {
			t.Fatal(err)
		}
		// The note paid nothing (no allocation): returned, it owes nothing
		// again; the cheque cleared: the risk is the opening risk less the
		// cash and the cheque.
		if after.InHand.Minor != 0 || after.Risk.Minor != before.Risk.Minor-500-40000 {
			t.Fatalf("after: in hand %v risk %v (before %v)", after.InHand, after.Risk, before.Risk)
		}
		// The agent and the office are alerted.
		for _, who := range []auth.Actor{ana, office} {
			board, err := a.Alerts(ctx, who, false, 50)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, al := range board.Alerts {
				found = found || (al.Kind == ledger.TopicInstrumentReturned && al.EntityID == note.ID)
			}
			if !found {
				t.Errorf("%s has no alert of the returned note", who.Name)
			}
		}
		if _, err := a.Instruments(ctx, office, "lost"); ruleCode(err) != "bad_queue" {
			t.Fatalf("unknown queue: %v", err)
		}
	})
}
