package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestOutboxDeliverySettings: the destinations read back as stored, and
// are empty before anyone sets them.
func TestOutboxDeliverySettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, err := db.OutboxDelivery(ctx)
		if err != nil || d.Configured() || d != (store.OutboxDelivery{}) {
			t.Fatalf("before: %+v %v", d, err)
		}
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		for _, want := range []store.OutboxDelivery{
			{WebhookURL: "https://erp.example.com/hook", WebhookSecret: "s3cret", UpdatedAt: now, UpdatedBy: "alba"},
			{CSVDir: "/var/drop", UpdatedAt: now.Add(time.Hour), UpdatedBy: "bea"},
		} {
			if err := db.Write(ctx, func(tx *store.Tx) error { return tx.SetOutboxDelivery(ctx, want) }); err != nil {
				t.Fatal(err)
			}
			got, err := db.OutboxDelivery(ctx)
			if err != nil || got != want || !got.Configured() {
				t.Errorf("got %+v %v, want %+v", got, err, want)
			}
		}
	})
}

// TestOutboxClaimRecordResend: due events are claimed oldest first under a
// lease that keeps other workers off until it runs out; an outcome is
// recorded only by the claim's owner, with its attempts; a delivered or
// dead event is sent again by a resend.
func TestOutboxClaimRecordResend(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		var evs []store.OutboxEvent
		for _, id := range []string{"K-1", "K-2", "K-3"} {
			evs = append(evs, store.OutboxEvent{Topic: "collection.recorded", AggregateID: id, Payload: map[string]any{"id": id}})
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.AppendOutbox(ctx, evs, now) }); err != nil {
			t.Fatal(err)
		}
		a, err := db.ClaimOutbox(ctx, "w1", 2, time.Minute, now)
		if err != nil || len(a) != 2 || a[0].AggregateID != "K-1" || a[1].AggregateID != "K-2" {
			t.Fatalf("first claim %+v %v", a, err)
		}
		b, err := db.ClaimOutbox(ctx, "w2", 5, time.Minute, now.Add(time.Second))
		if err != nil || len(b) != 1 || b[0].AggregateID != "K-3" {
			t.Fatalf("second claim took %+v %v", b, err)
		}
		// w2 may not record what w1 holds.
		if err := db.RecordOutbox(ctx, a[0].ID, "w2", store.OutboxOutcome{Delivered: true, Counted: true}, now); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("recorded under another's claim: %v", err)
		}
		// K-1 delivered to the webhook; K-2 failed and waits.
		ok := store.OutboxOutcome{Delivered: true, Counted: true, WebhookAt: now,
			Attempts: []store.OutboxAttempt{{At: now, Destination: store.DestWebhook, Target: "https://x/hook", OK: true, Status: 204, Duration: 35 * time.Millisecond}}}
		if err := db.RecordOutbox(ctx, a[0].ID, "w1", ok, now); err != nil {
			t.Fatal(err)
		}
		retry := now.Add(90 * time.Second)
		failed := store.OutboxOutcome{Counted: true, NextAttemptAt: retry, LastError: "webhook: 500 Internal Server Error: boom",
			Attempts: []store.OutboxAttempt{{At: now, Destination: store.DestWebhook, Target: "https://x/hook", Status: 500, Error: "500: boom"}}}
		if err := db.RecordOutbox(ctx, a[1].ID, "w1", failed, now); err != nil {
			t.Fatal(err)
		}
		// w2's claim on K-3 runs out; after it, another worker gets it,
		// and K-2 once its retry is due.
		if c, err := db.ClaimOutbox(ctx, "w3", 5, time.Minute, now.Add(30*time.Second)); err != nil || len(c) != 0 {
			t.Fatalf("claimed under a live lease or before the retry: %+v %v", c, err)
		}
		c, err := db.ClaimOutbox(ctx, "w3", 5, time.Minute, now.Add(2*time.Minute))
		if err != nil || len(c) != 2 || c[0].AggregateID != "K-2" || c[1].AggregateID != "K-3" || c[0].Attempts != 1 {
			t.Fatalf("after the lease: %+v %v", c, err)
		}
		if err := db.RecordOutbox(ctx, b[0].ID, "w2", ok, now); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("a taken-over claim recorded: %v", err)
		}
		if err := db.RecordOutbox(ctx, c[0].ID, "w3", store.OutboxOutcome{Dead: true, Counted: true, LastError: "gave up"}, now); err != nil {
			t.Fatal(err)
		}
		if err := db.ReleaseOutbox(ctx, "w3", []string{c[1].ID}); err != nil {
			t.Fatal(err)
		}
		var counts map[string]int64
		var list []store.OutboxEvent
		var attempts []store.OutboxAttempt
		read := func() {
			t.Helper()
			if err := db.Read(ctx, func(tx *store.Tx) error {
				var err error
				if counts, err = tx.OutboxCounts(ctx); err != nil {
					return err
				}
				if list, err = tx.OutboxNewest(ctx, store.OutboxFilter{}); err != nil {
					return err
				}
				attempts, err = tx.OutboxAttempts(ctx, a[1].ID, 10)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		read()
		if counts[store.OutboxDelivered] != 1 || counts[store.OutboxDead] != 1 || counts[store.OutboxPending] != 1 {
			t.Errorf("counts %v", counts)
		}
		if len(list) != 3 || list[0].AggregateID != "K-3" || list[2].State != store.OutboxDelivered || !list[2].DeliveredAt.Equal(now) ||
			list[1].State != store.OutboxDead || list[1].Attempts != 2 || list[1].LastError != "gave up" {
			t.Errorf("list %+v", list)
		}
		if len(attempts) != 1 || attempts[0].Status != 500 || attempts[0].OK || attempts[0].Error != "500: boom" {
			t.Errorf("attempts %+v", attempts)
		}
		// The released event is due again at once.
		if d, err := db.ClaimOutbox(ctx, "w4", 5, time.Minute, now.Add(2*time.Minute)); err != nil || len(d) != 1 || d[0].AggregateID != "K-3" {
			t.Fatalf("released event: %+v %v", d, err)
		}
		// Resend: the dead one and the delivered one; a pending one is not.
		resend := func(id string) error {
			return db.Write(ctx, func(tx *store.Tx) error { _, err := tx.ResendOutbox(ctx, id, now.Add(time.Hour)); return err })
		}
		if err := resend(b[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("resent a pending event: %v", err)
		}
		for _, id := range []string{a[0].ID, a[1].ID} {
			if err := resend(id); err != nil {
				t.Fatal(err)
			}
		}
		// (K-3's lease of w4 has run out by then: it comes too.)
		e, err := db.ClaimOutbox(ctx, "w5", 5, time.Minute, now.Add(time.Hour))
		if err != nil || len(e) != 3 || e[0].ID != a[0].ID || e[0].Attempts != 0 || !e[0].WebhookAt.IsZero() {
			t.Fatalf("resent: %+v %v", e, err)
		}
		read()
		if counts[store.OutboxPending] != 3 {
			t.Errorf("after resend %v", counts)
		}
	})
}

// TestOutboxClaimsRace: workers claiming at once never take the same
// event.
func TestOutboxClaimsRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		var evs []store.OutboxEvent
		for range 40 {
			evs = append(evs, store.OutboxEvent{Topic: "collection.recorded", AggregateID: "K", Payload: 1})
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.AppendOutbox(ctx, evs, now) }); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[string]string{}
		var wg sync.WaitGroup
		for w := range 4 {
			owner := string(rune('a' + w))
			wg.Go(func() {
				for {
					got, err := db.ClaimOutbox(ctx, owner, 3, time.Minute, now)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, e := range got {
						if prev, dup := seen[e.ID]; dup {
							t.Errorf("%s claimed by %s and %s", e.ID, prev, owner)
						}
						seen[e.ID] = owner
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != 40 {
			t.Errorf("%d claimed", len(seen))
		}
	})
}
