package app_test

import (
	"context"
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// TestReceiptNumbering: whatever devices, blocks, offline and online
// collections, retries, refused requests, cancellations and retirements
// happen, no receipt number is used twice and none disappears unexplained
// (cobro check), and an accepted offline collection keeps the number it
// printed.
func TestReceiptNumbering(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, _, _ := world(t, db)
		ctx := context.Background()
		agents := map[string][]string{"A1": {"C1", "C3"}, "A2": {"C2"}}
		actor := func(agent string) auth.Actor {
			return auth.Actor{Name: "u-" + agent, Role: auth.Agent, Agent: agent, Source: "test"}
		}
		type dev struct {
			id, agent, series string
			blocks            []ledger.ReceiptBlock
			retired           bool
		}
		var devs []*dev
		used := map[string]string{} // receipt number → collection id
		cancelled := map[string]bool{}
		sent := map[string]string{} // idempotency key → collection id
		key := 0
		checks := 50
		if long() {
			checks = 300
		}
		withRapid(t, checks, 25, func() {
			rapid.Check(t, func(rt *rapid.T) {
				for range rapid.IntRange(1, 25).Draw(rt, "steps") {
					agent := rapid.SampledFrom([]string{"A1", "A2"}).Draw(rt, "agent")
					cust := rapid.SampledFrom(agents[agent]).Draw(rt, "customer")
					switch rapid.IntRange(0, 7).Draw(rt, "action") {
					case 0: // a new device
						d, err := a.RegisterDevice(ctx, actor(agent), app.DeviceRequest{Name: "phone"})
						if err != nil {
							rt.Fatal(err)
						}
						devs = append(devs, &dev{id: d.ID, agent: agent, series: d.Series})
					case 1: // a block for a device
						if len(devs) == 0 {
							continue
						}
						d := rapid.SampledFrom(devs).Draw(rt, "device")
						b, err := a.ReserveReceipts(ctx, actor(d.agent), d.id, int64(rapid.IntRange(1, 4).Draw(rt, "size")))
						if d.retired != (err != nil) {
							rt.Fatalf("reserve on retired=%v: %v", d.retired, err)
						}
						if err == nil {
							d.blocks = append(d.blocks, ledger.ReceiptBlock{First: b.First, Last: b.Last})
						}
					case 2, 3: // an online collection, sometimes refused (more than is open)
						amount := int64(100)
						if rapid.Bool().Draw(rt, "refused") {
							amount = 1 << 40
						}
						key++
						k := fmt.Sprintf("online-%d", key)
						req := app.CollectionRequest{CustomerID: cust, Amount: eur(amount), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash},
							Allocations: []app.AllocationRequest{{DocumentID: "F" + cust[1:] + "-7", Amount: eur(amount)}}}
						v, _, err := a.RecordCollection(ctx, actor(agent), idemOf(k, "c", req), req)
						if (err != nil) != (amount != 100) {
							rt.Fatalf("online collection of %d: %v", amount, err)
						}
						if err == nil {
							if _, dup := used[v.ReceiptNumber]; dup {
								rt.Fatalf("receipt %s used twice", v.ReceiptNumber)
							}
							used[v.ReceiptNumber], sent[k] = v.ID, v.ID
						}
					case 4, 5: // an offline collection with a number the device printed (or not)
						if len(devs) == 0 {
							continue
						}
						d := rapid.SampledFrom(devs).Draw(rt, "device")
						var number string
						if len(d.blocks) > 0 && rapid.IntRange(0, 4).Draw(rt, "honest") > 0 {
							b := rapid.SampledFrom(d.blocks).Draw(rt, "block")
							number = ledger.ReceiptNumber(d.series, rapid.Int64Range(b.First, b.Last).Draw(rt, "n"))
						} else {
							number = ledger.ReceiptNumber(d.series, rapid.Int64Range(1, 40).Draw(rt, "n"))
						}
						inBlock := false
						_, n, _ := ledger.ParseReceiptNumber(number)
						for _, b := range d.blocks {
							inBlock = inBlock || (n >= b.First && n <= b.Last)
						}
						key++
						k := fmt.Sprintf("offline-%d", key)
						req := app.CollectionRequest{CustomerID: agents[d.agent][0], Amount: eur(100), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash},
							DeviceID: d.id, ReceiptNumber: number}
						v, _, err := a.RecordCollection(ctx, actor(d.agent), idemOf(k, "c", req), req)
						_, isUsed := used[number]
						want := inBlock && !isUsed && !cancelled[number]
						if (err == nil) != want {
							rt.Fatalf("offline %s (in block %v, used %v, cancelled %v): %v", number, inBlock, isUsed, cancelled[number], err)
						}
						if err == nil {
							if v.ReceiptNumber != number {
								rt.Fatalf("printed %s, recorded %s", number, v.ReceiptNumber)
							}
							used[number], sent[k] = v.ID, v.ID
							// The sync retried: the same answer, nothing new.
							_, replay, err := a.RecordCollection(ctx, actor(d.agent), idemOf(k, "c", req), req)
							if err != nil || replay == nil {
								rt.Fatalf("retry: %v %v", replay, err)
							}
							if id, _ := replayedID(replay); id != v.ID {
								rt.Fatalf("retry answered %s, not %s", id, v.ID)
							}
						}
					case 6: // a spoiled paper receipt
						if len(devs) == 0 {
							continue
						}
						d := rapid.SampledFrom(devs).Draw(rt, "device")
						if len(d.blocks) == 0 {
							continue
						}
						b := rapid.SampledFrom(d.blocks).Draw(rt, "block")
						number := ledger.ReceiptNumber(d.series, rapid.Int64Range(b.First, b.Last).Draw(rt, "n"))
						err := a.CancelReceiptNumber(ctx, actor(d.agent), d.id, number, "torn")
						if _, isUsed := used[number]; isUsed != (err != nil) {
							rt.Fatalf("cancel %s (used %v): %v", number, isUsed, err)
						}
						if err == nil {
							cancelled[number] = true
						}
					case 7: // a device lost
						if len(devs) == 0 || rapid.IntRange(0, 3).Draw(rt, "rarely") > 0 {
							continue
						}
						d := rapid.SampledFrom(devs).Draw(rt, "device")
						if _, err := a.RetireDevice(ctx, actor(d.agent), d.id, "lost"); err != nil {
							rt.Fatal(err)
						}
						d.retired = true
						for _, b := range d.blocks {
							for n := b.First; n <= b.Last; n++ {
								if _, isUsed := used[ledger.ReceiptNumber(d.series, n)]; !isUsed {
									cancelled[ledger.ReceiptNumber(d.series, n)] = true
								}
							}
						}
					}
				}
				vs, err := a.Check(ctx)
				if err != nil {
					rt.Fatal(err)
				}
				for _, v := range vs {
					rt.Errorf("violation: %s %s: %s (%s)", v.Entity, v.ID, v.Rule, v.Detail)
				}
			})
		})
		// Every collection has its own number.
		cs, err := allCollections(ctx, a, app.CollectionQuery{})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range cs {
			if c.ReceiptNumber == "" || seen[c.ReceiptNumber] {
				t.Fatalf("collection %s has receipt %q (seen before: %v)", c.ID, c.ReceiptNumber, seen[c.ReceiptNumber])
			}
			seen[c.ReceiptNumber] = true
		}
		if len(cs) != len(used) {
			t.Fatalf("%d collections, %d accepted", len(cs), len(used))
		}
	})
}

// TestReceiptNumberErrors: the answers an offline sync can get.
func TestReceiptNumberErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, _, _ := world(t, db)
		ctx := context.Background()
		ana := auth.Actor{Name: "ana", Role: auth.Agent, Agent: "A1", Source: "test"}
		bea := auth.Actor{Name: "bea", Role: auth.Agent, Agent: "A2", Source: "test"}
		d, err := a.RegisterDevice(ctx, ana, app.DeviceRequest{Name: "Ana's phone"})
		if err != nil || d.Series != "A1-D1" {
			t.Fatalf("device %+v %v", d, err)
		}
		b, err := a.ReserveReceipts(ctx, ana, d.ID, 5)
		if err != nil || b.First != 1 || b.Last != 5 {
			t.Fatalf("block %+v %v", b, err)
		}
		rec := func(who auth.Actor, key, device, number string) (app.CollectionView, error) {
			req := app.CollectionRequest{CustomerID: "C1", Amount: eur(100), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash},
				DeviceID: device, ReceiptNumber: number}
			v, _, err := a.RecordCollection(ctx, who, idemOf(key, "c", req), req)
			return v, err
		}
		for _, c := range []struct {
			who                 auth.Actor
			key, device, number string
			code                string
		}{
			{ana, "k1", d.ID, "A1-D1-000003", ""},
			{ana, "k2", d.ID, "A1-D1-000003", "receipt_used"},
			{ana, "k3", d.ID, "A1-D1-000006", "receipt_not_reserved"},
			{ana, "k4", d.ID, "A1-D2-000001", "receipt_not_reserved"},
			{ana, "k5", d.ID, "A1-D1-3", "bad_receipt_number"},
			{ana, "k6", "", "A1-D1-000004", "required"},
			{ana, "k7", "no-such-device", "A1-D1-000004", "unknown_device"},
			{ana, "k8", d.ID, "", ""}, // a device without a printed number: the online series
		} {
			v, err := rec(c.who, c.key, c.device, c.number)
			if ruleCode(err) != c.code {
				t.Errorf("%s %s: %v, want %q", c.key, c.number, err, c.code)
			}
			if c.key == "k8" && v.ReceiptNumber != "A1-W-000001" {
				t.Errorf("online number %q", v.ReceiptNumber)
			}
		}
		// Another agent's device is not hers (and bea's customer is not either).
		if _, err := a.ReserveReceipts(ctx, bea, d.ID, 5); err == nil {
			t.Error("an agent reserved numbers on another agent's device")
		}
		// Naming another agent.
		req := app.CollectionRequest{CustomerID: "C1", Amount: eur(100), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash}, Agent: "A2"}
		if _, _, err := a.RecordCollection(ctx, ana, idemOf("k9", "c", req), req); err == nil {
			t.Error("an agent recorded a collection as another agent")
		}
		// The office keys in a paper receipt for A2; an unknown agent is refused.
		v, _, err := a.RecordCollection(ctx, sys, idemOf("k10", "c", req), req)
		if err != nil || v.Agent != "A2" || v.ReceiptNumber != "A2-W-000001" {
			t.Fatalf("office for A2: %+v %v", v, err)
		}
		req.Agent = "ZZ"
		if _, _, err := a.RecordCollection(ctx, sys, idemOf("k11", "c", req), req); ruleCode(err) != "unknown_agent" {
			t.Fatalf("unknown agent: %v", err)
		}
		// A cancelled number is refused; retiring cancels the rest, and the check is clean.
		if err := a.CancelReceiptNumber(ctx, ana, d.ID, "A1-D1-000001", "torn"); err != nil {
			t.Fatal(err)
		}
		if _, err := rec(ana, "k12", d.ID, "A1-D1-000001"); ruleCode(err) != "receipt_cancelled" {
			t.Fatalf("cancelled: %v", err)
		}
		if err := a.CancelReceiptNumber(ctx, ana, d.ID, "A1-D1-000003", "torn"); ruleCode(err) != "receipt_used" {
			t.Fatalf("cancelling a used number: %v", err)
		}
		if _, err := a.RetireDevice(ctx, ana, d.ID, "phone lost"); err != nil {
			t.Fatal(err)
		}
		if _, err := rec(ana, "k13", d.ID, "A1-D1-000002"); ruleCode(err) != "receipt_cancelled" {
			t.Fatalf("after retiring: %v", err)
		}
		checkClean(t, a)
		// A number taken out of the record is named by the check.
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.NextServerReceipt(ctx, "A1-W", "A1")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		vs, err := a.Check(ctx)
		if err != nil || len(vs) != 1 || vs[0].ID != "A1-W-000002" || vs[0].Detail != "missing" {
			t.Fatalf("a lost number: %+v %v", vs, err)
		}
	})
}
