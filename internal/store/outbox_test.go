package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

var errBoom = errors.New("boom")

// TestOutboxCommitsWithTheChange: an event appended in a transaction is
// there exactly when the transaction commits.
func TestOutboxCommitsWithTheChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		ev := store.OutboxEvent{Topic: "collection.recorded", AggregateID: "K-1", CustomerID: "C-1", Payload: map[string]any{"amount_minor": 5}}
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.AppendOutbox(ctx, []store.OutboxEvent{ev}, now); err != nil {
				return err
			}
			return errBoom // the change fails after its event was written
		})
		if !errors.Is(err, errBoom) {
			t.Fatal(err)
		}
		if got := readOutbox(t, db, ""); len(got) != 0 {
			t.Fatalf("a rolled-back change left events: %+v", got)
		}
		ev2 := ev
		ev2.AggregateID = "K-2"
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.AppendOutbox(ctx, []store.OutboxEvent{ev, ev2}, now) }); err != nil {
			t.Fatal(err)
		}
		got := readOutbox(t, db, "")
		if len(got) != 2 || got[0].AggregateID != "K-1" || got[1].AggregateID != "K-2" || got[0].ID >= got[1].ID {
			t.Fatalf("events %+v", got)
		}
		e := got[0]
		if e.Topic != ev.Topic || e.CustomerID != "C-1" || string(e.Payload.(json.RawMessage)) != `{"amount_minor":5}` ||
			e.State != store.OutboxPending || e.Attempts != 0 || !e.CreatedAt.Equal(now) || !e.NextAttemptAt.Equal(now) ||
			e.LastError != "" || !e.DeliveredAt.IsZero() {
			t.Errorf("event read back as %+v", e)
		}
		if only := readOutbox(t, db, "K-2"); len(only) != 1 || only[0].ID != got[1].ID {
			t.Errorf("events of K-2: %+v", only)
		}
		if after := readOutbox(t, db, ""); len(after) != 2 {
			t.Errorf("%d events", len(after))
		}
	})
}

func readOutbox(t *testing.T, db *store.DB, aggregate string) []store.OutboxEvent {
	t.Helper()
	var out []store.OutboxEvent
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = tx.Outbox(context.Background(), aggregate, "", 100)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestClaimKeyInTheWorkTransaction: a claim rolls back with its work; a
// finished key replays; another request under it is a mismatch; and a
// finish without this transaction's claim fails.
func TestClaimKeyInTheWorkTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		claim := func(hash string, then func(tx *store.Tx) error) (store.IdemResult, error) {
			var res store.IdemResult
			err := db.Write(ctx, func(tx *store.Tx) error {
				var err error
				if res, err = tx.ClaimKey(ctx, "ana", "k1", hash, now); err != nil {
					return err
				}
				return then(tx)
			})
			return res, err
		}
		if res, err := claim("h", func(*store.Tx) error { return errBoom }); !errors.Is(err, errBoom) || res.State != store.IdemNew {
			t.Fatalf("first claim: %+v %v", res, err)
		}
		res, err := claim("h", func(tx *store.Tx) error { return tx.FinishKey(ctx, "ana", "k1", "created", `{"id":"x"}`, now) })
		if err != nil || res.State != store.IdemNew {
			t.Fatalf("the claim of a rolled-back attempt was kept: %+v %v", res, err)
		}
		res, err = claim("h", func(*store.Tx) error { return nil })
		if err != nil || res.State != store.IdemDone || res.Outcome != "created" || res.Response != `{"id":"x"}` {
			t.Fatalf("replay: %+v %v", res, err)
		}
		if res, err = claim("other", func(*store.Tx) error { return nil }); err != nil || res.State != store.IdemMismatch {
			t.Fatalf("another request: %+v %v", res, err)
		}
		if res, err = claim("h", func(tx *store.Tx) error { return tx.FinishKey(ctx, "ana", "k1", "ok", "{}", now) }); err == nil {
			t.Fatalf("finished a key this transaction did not claim: %+v", res)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			return tx.FinishKey(ctx, "bea", "k1", "ok", "{}", now)
		}); err == nil {
			t.Fatal("finished a key nobody claimed")
		}
	})
}

// TestAddFiguresChecked: a delta that would take a stored figure out of
// int64 is ledger.ErrOutOfRange and moves nothing, on both databases.
func TestAddFiguresChecked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// Below migration 10, whose bounds refuse such figures long before
		// int64's end: the checks here are the Go side's own.
		if err := db.MigrateDownTo(ctx, 9); err != nil {
			t.Fatal(err)
		}
		// Today's code reads an account with its reservations (migration 20).
		if err := db.RawWrite(ctx, `CREATE TABLE credit_accounts (customer_id TEXT PRIMARY KEY, reserved_minor BIGINT NOT NULL DEFAULT 0)`); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		near := ledger.Figures{Balance: math.MaxInt64 - 10, Unallocated: math.MaxInt64 - 10, OpenCount: 3}
		err := db.Write(ctx, func(tx *store.Tx) error {
			for _, id := range []string{"C-1", "C-2"} {
				if err := tx.InsertCustomer(ctx, ledger.Customer{ID: id, Name: id, Currency: "EUR"}, now); err != nil {
					return err
				}
				if err := tx.SetFigures(ctx, id, near, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for name, add := range map[string]func(tx *store.Tx) error{
			"one": func(tx *store.Tx) error { return tx.AddFigures(ctx, "C-1", ledger.Figures{Unallocated: 11}, now) },
			"risk": func(tx *store.Tx) error {
				return tx.AddFigures(ctx, "C-1", ledger.Figures{InHand: 11}, now) // balance + in hand overflows
			},
			"many": func(tx *store.Tx) error {
				return tx.AddFiguresMany(ctx, map[string]ledger.Figures{"C-1": {OpenCount: 1}, "C-2": {Balance: 11}}, now)
			},
		} {
			if err := db.Write(ctx, add); !errors.Is(err, ledger.ErrOutOfRange) {
				t.Errorf("%s: %v, want ErrOutOfRange", name, err)
			}
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			return tx.AddFigures(ctx, "C-1", ledger.Figures{Balance: 10, OpenCount: -1}, now)
		}); err != nil {
			t.Fatalf("the largest sum: %v", err)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.AddFigures(ctx, "C-404", ledger.Figures{Balance: 1}, now) }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a missing customer: %v", err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			accs, err := tx.Accounts(ctx, []string{"C-1", "C-2"}, false)
			if err != nil {
				return err
			}
			want1 := near
			want1.Balance, want1.OpenCount = math.MaxInt64, 2
			if accs["C-1"].Figures != want1 || accs["C-2"].Figures != near {
				t.Errorf("figures moved by refused deltas: %+v, %+v", accs["C-1"].Figures, accs["C-2"].Figures)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestCheckFindsTwoCollectionsUnderOneKey: cobro check names a key that
// recorded more than one collection.
func TestCheckFindsTwoCollectionsUnderOneKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		err := db.Write(ctx, func(tx *store.Tx) error {
			for _, e := range []store.AuditEntry{
				{Actor: "ana", IdempotencyKey: "k1", EntityID: "K-1"}, {Actor: "ana", IdempotencyKey: "k1", EntityID: "K-2"},
				{Actor: "bea", IdempotencyKey: "k1", EntityID: "K-3"}, {Actor: "ana", EntityID: "K-4"}, {Actor: "ana", EntityID: "K-5"},
			} {
				e.At, e.Action, e.Entity = now, "collection.record", "collection"
				if err := tx.Audit(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		vs, err := db.CheckRows(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 1 || vs[0].ID != "ana k1" || vs[0].Detail != "2 collections" {
			t.Fatalf("violations %+v", vs)
		}
	})
}

// TestEnvelopeMigration: keys stored before migration 7 keep their replay,
// with the outcome their status meant; claims of the old scheme left
// running (their work never committed) are dropped, so a retry runs.
func TestEnvelopeMigration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.MigrateDownTo(ctx, 6); err != nil {
			t.Fatal(err)
		}
		err := db.RawExec(ctx, `INSERT INTO idempotency_keys (actor, idem_key, request_hash, state, status_code, response, created_at, updated_at)
			VALUES ('ana', 'made', 'h', 'done', 201, '{"id":"K-1"}', 'x', 'x'), ('ana', 'voided', 'h', 'done', 200, '{"id":"K-2"}', 'x', 'x'),
			('ana', 'left', 'h', 'running', 0, '', 'x', 'x')`)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		for key, want := range map[string]store.IdemResult{
			"made":   {State: store.IdemDone, Outcome: "created", Response: `{"id":"K-1"}`},
			"voided": {State: store.IdemDone, Outcome: "ok", Response: `{"id":"K-2"}`},
			"left":   {State: store.IdemNew},
		} {
			var got store.IdemResult
			err := db.Write(ctx, func(tx *store.Tx) error {
				var err error
				if got, err = tx.ClaimKey(ctx, "ana", key, "h", now); err != nil {
					return err
				}
				return errBoom // leave the database as it was
			})
			if !errors.Is(err, errBoom) || got != want {
				t.Errorf("%s: %+v (%v), want %+v", key, got, err, want)
			}
		}
		if got := readOutbox(t, db, ""); len(got) != 0 {
			t.Errorf("outbox %+v", got)
		}
	})
}
