package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestWriteSharedIsolatesEachChange: many changes at once, some failing
// and one panicking, on both databases. Every change that succeeded is
// there, each failed one left nothing, each caller hears only of its own
// error, and a change whose context ended before it ran did not run.
func TestWriteSharedIsolatesEachChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		write := func(tx *store.Tx, key string) error {
			if _, err := tx.ClaimKey(ctx, "shared-test", key, "h", time.Now()); err != nil {
				return err
			}
			return tx.FinishKey(ctx, "shared-test", key, "ok", "{}", time.Now())
		}
		const n = 200
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = db.WriteShared(ctx, func(tx *store.Tx) error {
					if err := write(tx, fmt.Sprint(i)); err != nil {
						return err
					}
					if i%7 == 3 {
						return fmt.Errorf("change %d: %w", i, errBoom) // after writing: must be rolled back
					}
					return nil
				})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if (i%7 == 3) != errors.Is(err, errBoom) {
				t.Fatalf("change %d: %v", i, err)
			}
			if err != nil && err.Error() != fmt.Sprintf("change %d: boom", i) {
				t.Fatalf("change %d heard of another's error: %v", i, err)
			}
		}
		for i := range n {
			claim := claimOf(t, db, fmt.Sprint(i))
			if (claim == store.IdemNew) != (i%7 == 3) {
				t.Fatalf("change %d: its key is %v after the shared commits", i, claim)
			}
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		ran := false
		if err := db.WriteShared(cancelled, func(tx *store.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
			t.Errorf("a change whose context had ended: ran %v, %v", ran, err)
		}
		// A panicking change fails (the whole shared transaction rolls
		// back), and the next changes run as before.
		if err := db.WriteShared(ctx, func(tx *store.Tx) error {
			_ = write(tx, "panic")
			panic("boom")
		}); err == nil {
			t.Error("a panicking change succeeded")
		}
		if claimOf(t, db, "panic") != store.IdemNew {
			t.Error("a panicking change left its write")
		}
		if err := db.WriteShared(ctx, func(tx *store.Tx) error { return write(tx, "after") }); err != nil || claimOf(t, db, "after") == store.IdemNew {
			t.Errorf("a change after the panic: %v", err)
		}
	})
}

// claimOf is the state a new claim of key would find.
func claimOf(t *testing.T, db *store.DB, key string) store.IdemState {
	t.Helper()
	var st store.IdemState
	errStop := errors.New("roll back")
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		c, err := tx.ClaimKey(context.Background(), "shared-test", key, "h", time.Now())
		st = c.State
		if err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatal(err)
	}
	return st
}
