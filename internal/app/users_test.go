package app_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// slowHasher makes a password check take long enough for parallel
// attempts to overlap, as they do against a real server.
var slowHasher = auth.NewHasher(auth.HashParams{Memory: 1024, Time: 1, Threads: 1}, 32)

const goodPassword = "correct horse battery"

func userApp(t *testing.T, db *store.DB) (*app.App, *clock) {
	t.Helper()
	_, clk := newApp(t, db)
	a := app.New(db, app.WithClock(clk.now), app.WithHasher(slowHasher))
	for _, u := range []store.User{{Name: "ana", Role: "agent", Agent: "AG1"}, {Name: "alba", Role: "administration"}} {
		if err := a.AddUser(context.Background(), sys, u, goodPassword); err != nil {
			t.Fatal(err)
		}
	}
	return a, clk
}

// signInAll runs n sign-ins at once and counts the answers.
func signInAll(t *testing.T, a *app.App, n int, name, password, addr string) (bad, throttled, ok int) {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := a.SignIn(context.Background(), name, password, addr)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, app.ErrBadCredentials):
				bad++
			case errors.Is(err, app.ErrThrottled):
				throttled++
			default:
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	return bad, throttled, ok
}

// TestSignInThrottleHoldsUnderParallelAttempts: 20 wrong passwords for one
// user at once; only the limit (5) are checked, the rest are refused
// before their password is looked at, and then the right one waits too.
func TestSignInThrottleHoldsUnderParallelAttempts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, clk := userApp(t, db)
		bad, throttled, ok := signInAll(t, a, 20, "ana", "wrong password!", "10.0.0.1")
		if bad != 5 || throttled != 15 || ok != 0 {
			t.Fatalf("20 parallel wrong passwords: %d checked, %d throttled, %d signed in; want 5, 15, 0", bad, throttled, ok)
		}
		if _, err := a.SignIn(context.Background(), "ANA ", goodPassword, "10.0.0.2"); !errors.Is(err, app.ErrThrottled) {
			t.Fatalf("right password within the window: %v, want throttled", err)
		}
		// Another user from the same address is not held back by ana's count.
		if _, err := a.SignIn(context.Background(), "alba", goodPassword, "10.0.0.1"); err != nil {
			t.Fatalf("another user: %v", err)
		}
		clk.add(16 * 60e9) // the window (15 minutes) has passed
		if _, err := a.SignIn(context.Background(), "ana", goodPassword, "10.0.0.1"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		// A success clears the user's count: 5 more failures are checked.
		if bad, throttled, _ := signInAll(t, a, 6, "ana", "wrong password!", "10.0.0.3"); bad != 5 || throttled != 1 {
			t.Fatalf("after a success: %d checked, %d throttled; want 5, 1", bad, throttled)
		}
	})
}

// TestSignInThrottlePerAddress: one address trying many user names is
// held at its own limit (30), also in parallel; successes give their
// attempt back.
func TestSignInThrottlePerAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, _ := userApp(t, db)
		for i := 0; i < 3; i++ {
			if _, err := a.SignIn(context.Background(), "alba", goodPassword, "10.9.9.9"); err != nil {
				t.Fatalf("success %d: %v", i, err)
			}
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		checked := 0
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := a.SignIn(context.Background(), "nobody"+string(rune('a'+i)), "x", "10.9.9.9")
				if errors.Is(err, app.ErrBadCredentials) {
					mu.Lock()
					checked++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if checked != 30 {
			t.Fatalf("40 parallel attempts from one address: %d checked, want 30", checked)
		}
	})
}
