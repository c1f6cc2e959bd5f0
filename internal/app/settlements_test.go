package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// TestSettlementFlow: an agent's day settled: drafted, submitted, counted
// short (a reason, and a supervisor over the tolerance), verified and
// locked; a collection voided later is a correction on the next one.
func TestSettlementFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, _, _ := world(t, db)
		ctx := context.Background()
		ana := auth.Actor{Name: "ana", Role: auth.Agent, Agent: "A1", Source: "test"}
		key := 0
		k := func() app.Idem { key++; return app.Idem{Key: fmt.Sprint("s-", key), Hash: fmt.Sprint(key)} }
		record := func(kind ledger.Instrument, amount int64) app.CollectionView {
			req := app.CollectionRequest{CustomerID: "C1", Amount: eur(amount), Instrument: ledger.InstrumentDetail{Kind: kind, Number: "77", DueDate: startDay.AddDays(30)}}
			v, _, err := a.RecordCollection(ctx, ana, k(), req)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		cash1, _, cheque := record(ledger.Cash, 10000), record(ledger.Cash, 2550), record(ledger.Cheque, 40000)
		day := app.SettlementRequest{From: startDay, To: startDay}
		s, _, err := a.DraftSettlement(ctx, ana, k(), day)
		if err != nil {
			t.Fatal(err)
		}
		if s.Agent != "A1" || s.Total.Minor != 52550 || len(s.Totals) != 2 || s.Totals[0].Instrument != ledger.Cash ||
			s.Totals[0].Amount.Minor != 12550 || s.Totals[0].Count != 2 || s.Totals[1].Amount.Minor != 40000 {
			t.Fatalf("draft %+v", s)
		}
		// Nothing left to settle for that day; another agent's is not hers.
		if _, _, err := a.DraftSettlement(ctx, ana, k(), day); ruleCode(err) != "nothing_to_settle" {
			t.Fatalf("second draft: %v", err)
		}
		if _, _, err := a.DraftSettlement(ctx, ana, k(), app.SettlementRequest{Agent: "A2", From: startDay, To: startDay}); err == nil {
			t.Fatal("an agent drafted another agent's settlement")
		}
		if _, _, err := a.SubmitSettlement(ctx, ana, k(), s.ID); err != nil {
			t.Fatal(err)
		}
		// Counted short of cash: a reason is needed; over the tolerance (0) a supervisor must approve.
		short := app.VerifyRequest{Counted: []app.CountedInstrument{{Instrument: ledger.Cash, Amount: eur(12500)}, {Instrument: ledger.Cheque, Amount: eur(40000)}}}
		if _, _, err := a.VerifySettlement(ctx, sys, k(), s.ID, short); ruleCode(err) != "reason_required" {
			t.Fatalf("no reason: %v", err)
		}
		short.Reasons = map[ledger.Instrument]string{ledger.Cash: "50 cents short"}
		if _, _, err := a.VerifySettlement(ctx, ana, k(), s.ID, short); err == nil {
			t.Fatal("an agent verified her own settlement")
		}
		v, _, err := a.VerifySettlement(ctx, sys, k(), s.ID, short)
		if err != nil || v.State != ledger.SettlementApproval || v.Difference.Minor != -50 {
			t.Fatalf("verify: %+v %v", v, err)
		}
		sergio := auth.Actor{Name: "sergio", Role: auth.Supervisor, Source: "test"}
		if v, _, err = a.ApproveSettlement(ctx, sergio, k(), s.ID, "coins lost, fine"); err != nil || v.State != ledger.SettlementVerified || v.ApprovedBy != "sergio" {
			t.Fatalf("approve: %+v %v", v, err)
		}
		// Locked.
		for name, err := range map[string]error{
			"submit":  func() error { _, _, err := a.SubmitSettlement(ctx, ana, k(), s.ID); return err }(),
			"verify":  func() error { _, _, err := a.VerifySettlement(ctx, sys, k(), s.ID, short); return err }(),
			"reject":  func() error { _, _, err := a.RejectSettlement(ctx, sys, k(), s.ID, "x"); return err }(),
			"discard": a.DiscardSettlement(ctx, sys, s.ID),
		} {
			if err == nil {
				t.Errorf("%s changed a verified settlement", name)
			}
		}
		if v, _, err = a.ExportSettlement(ctx, sys, k(), s.ID); err != nil || v.ExportedAt == nil {
			t.Fatalf("export: %+v %v", v, err)
		}
		// A collection of it voided: a correction on the next settlement, with the new collections.
		if _, _, err := a.VoidCollection(ctx, sys, k(), cash1.ID, "typed twice"); err != nil {
			t.Fatal(err)
		}
		record(ledger.Bizum, 3000)
		next, _, err := a.DraftSettlement(ctx, ana, k(), day)
		if err != nil {
			t.Fatal(err)
		}
		if next.Total.Minor != 3000-10000 || len(next.Collections) != 2 {
			t.Fatalf("next settlement %+v", next)
		}
		// The cheque was counted as expected: the office has it now.
		if c, err := a.Collection(ctx, sys, cheque.ID); err != nil || c.Custody != ledger.HandedIn {
			t.Fatalf("the cheque of a verified settlement: %+v %v", c.Custody, err)
		}
		checkClean(t, a)
	})
}

// TestSettlementProperty: whatever collections, voids and drafts, a
// settlement's totals by instrument add up to its collections, and no
// collection is in two settlements, also when drafts race (both databases).
func TestSettlementProperty(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, _, _ := world(t, db)
		ctx := context.Background()
		ana := auth.Actor{Name: "ana", Role: auth.Agent, Agent: "A1", Source: "test"}
		key := 0
		k := func() app.Idem { key++; return app.Idem{Key: fmt.Sprint("p-", key), Hash: fmt.Sprint(key)} }
		settled := map[string]string{}
		rapid.Check(t, func(rt *rapid.T) {
			for range rapid.IntRange(1, 8).Draw(rt, "collections") {
				kind := rapid.SampledFrom([]ledger.Instrument{ledger.Cash, ledger.Cheque, ledger.Bizum, ledger.Card}).Draw(rt, "kind")
				req := app.CollectionRequest{CustomerID: "C1", Amount: eur(rapid.Int64Range(1, 100000).Draw(rt, "amount")),
					Instrument: ledger.InstrumentDetail{Kind: kind, Number: "1"}}
				v, _, err := a.RecordCollection(ctx, ana, k(), req)
				if err != nil {
					rt.Fatal(err)
				}
				if rapid.IntRange(0, 5).Draw(rt, "void") == 0 {
					if _, _, err := a.VoidCollection(ctx, sys, k(), v.ID, "wrong"); err != nil {
						rt.Fatal(err)
					}
				}
			}
			// Two drafts at once: one wins, the other finds nothing or loses the race.
			var wg sync.WaitGroup
			res := make([]app.SettlementView, 2)
			errs := make([]error, 2)
			for i := range 2 {
				idem := k()
				wg.Go(func() {
					res[i], _, errs[i] = a.DraftSettlement(ctx, ana, idem, app.SettlementRequest{From: startDay, To: startDay})
				})
			}
			wg.Wait()
			for i := range 2 {
				if errs[i] != nil {
					if c := ruleCode(errs[i]); c != "nothing_to_settle" && c != "already_in_settlement" {
						rt.Fatalf("draft: %v", errs[i])
					}
					continue
				}
				s := res[i]
				var sum int64
				by := map[ledger.Instrument]int64{}
				for _, c := range s.Collections {
					sum += c.Amount.Minor
					by[c.Instrument.Kind] += c.Amount.Minor
					if !c.Correction {
						if prev, dup := settled[c.CollectionID]; dup {
							rt.Fatalf("collection %s in settlements %s and %s", c.CollectionID, prev, s.ID)
						}
						settled[c.CollectionID] = s.ID
						if c.State == ledger.Voided {
							rt.Fatalf("a voided collection is settled: %+v", c)
						}
					}
				}
				var tot int64
				for _, tt := range s.Totals {
					tot += tt.Amount.Minor
					if by[tt.Instrument] != tt.Amount.Minor {
						rt.Fatalf("total of %s %d, collections %d", tt.Instrument, tt.Amount.Minor, by[tt.Instrument])
					}
				}
				if tot != sum || s.Total.Minor != sum {
					rt.Fatalf("totals %d, total %d, collections %d", tot, s.Total.Minor, sum)
				}
			}
		})
	})
}
