package app_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

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
	for _, u := range []app.User{{Name: "ana", Role: "agent", Agent: "AG1"}, {Name: "alba", Role: "administration"}} {
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
		clk.add(16 * time.Minute) // the window (15 minutes) has passed
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

// TestDisableStopsSessionsAndTokensAtOnce: disabling a user ends their
// sessions and refuses their tokens from the next request; enabling lets
// them sign in again and brings back the tokens not revoked meanwhile.
func TestDisableStopsSessionsAndTokensAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, clk := userApp(t, db)
		sess, err := a.SignIn(ctx, "ana", goodPassword, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		tok, err := a.CreateToken(ctx, "ana-phone", "", "ana")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Authenticate(ctx, tok, "10.0.0.1"); err != nil {
			t.Fatalf("token before: %v", err)
		}
		if err := a.DisableUser(ctx, sys, "ana", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := a.SessionOf(ctx, sess.Secret, "10.0.0.1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session of a disabled user: %v", err)
		}
		clk.add(time.Hour)
		if _, err := a.Authenticate(ctx, tok, "10.0.0.1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token of a disabled user: %v", err)
		}
		if toks, _ := a.Tokens(ctx, sys); len(toks) != 1 || !toks[0].LastUsedAt.Before(clk.now()) {
			t.Errorf("a refused token counts as used: %+v", toks)
		}
		if _, err := a.SignIn(ctx, "ana", goodPassword, "10.0.0.1"); !errors.Is(err, app.ErrBadCredentials) {
			t.Errorf("a disabled user signs in: %v", err)
		}
		us, _ := a.Users(ctx, sys)
		if len(us) != 2 || us[1].Name != "ana" || !us[1].Disabled || us[1].LastSignInAt.IsZero() || len(us[1].Tokens) != 1 {
			t.Errorf("users: %+v", us)
		}
		if err := a.EnableUser(ctx, sys, "ana"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.SessionOf(ctx, sess.Secret, "10.0.0.1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an ended session came back with enable: %v", err)
		}
		if _, err := a.Authenticate(ctx, tok, "10.0.0.1"); err != nil {
			t.Errorf("token after enable: %v", err)
		}
		if _, err := a.SignIn(ctx, "ana", goodPassword, "10.0.0.1"); err != nil {
			t.Errorf("sign-in after enable: %v", err)
		}
		if err := a.DisableUser(ctx, sys, "nobody", ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("disable an unknown user: %v", err)
		}
		alba := app.UserActor(app.User{Name: "alba", Role: "administration"}, "x")
		if err := a.DisableUser(ctx, alba, "alba", "alba"); !errors.Is(err, app.ErrSelf) {
			t.Errorf("disable oneself: %v", err)
		}
		anaActor := app.UserActor(app.User{Name: "ana", Role: "agent", Agent: "AG1"}, "x")
		if err := a.DisableUser(ctx, anaActor, "alba", "ana"); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("an agent disables a user: %v", err)
		}
	})
}

// TestPasswordChangeEndsOtherSessions: a new password ends the user's
// sessions but the one making the change; the old password stops working.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := userApp(t, db)
		phone, _ := a.SignIn(ctx, "alba", goodPassword, "10.0.0.1")
		desk, _ := a.SignIn(ctx, "alba", goodPassword, "10.0.0.2")
		if err := a.SetPassword(ctx, sys, "alba", "short", desk.Secret); !errors.Is(err, app.ErrWeakPassword) {
			t.Fatalf("short password: %v", err)
		}
		if err := a.SetPassword(ctx, sys, "alba", "a brand new password", desk.Secret); err != nil {
			t.Fatal(err)
		}
		if _, err := a.SessionOf(ctx, phone.Secret, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other session after a password change: %v", err)
		}
		if _, err := a.SessionOf(ctx, desk.Secret, ""); err != nil {
			t.Errorf("the changing session: %v", err)
		}
		if _, err := a.SignIn(ctx, "alba", goodPassword, "10.0.0.3"); !errors.Is(err, app.ErrBadCredentials) {
			t.Errorf("old password: %v", err)
		}
		if _, err := a.SignIn(ctx, "alba", "a brand new password", "10.0.0.3"); err != nil {
			t.Errorf("new password: %v", err)
		}
		if err := a.SetPassword(ctx, sys, "alba", "another new password", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := a.SessionOf(ctx, desk.Secret, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("from the command line every session ends: %v", err)
		}
	})
}

// TestSessionIdleTimeout: a session unused for longer than the idle
// timeout ends, even though its absolute lifetime has not passed; use
// keeps it alive.
func TestSessionIdleTimeout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, clk := userApp(t, db)
		a := app.New(db, app.WithClock(clk.now), app.WithHasher(slowHasher), app.WithSessionLimits(0, 2*time.Hour))
		sess, err := a.SignIn(ctx, "ana", goodPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ { // 5 × 1.5 h of use: past the idle timeout in total, never idle that long
			clk.add(90 * time.Minute)
			if _, err := a.SessionOf(ctx, sess.Secret, ""); err != nil {
				t.Fatalf("used every 90 minutes, step %d: %v", i, err)
			}
		}
		clk.add(2*time.Hour + time.Second)
		if _, err := a.SessionOf(ctx, sess.Secret, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("idle for over 2 h: %v", err)
		}
		// The default: 12 hours idle, 7 days in all.
		d := app.New(db, app.WithClock(clk.now), app.WithHasher(slowHasher))
		sess, _ = d.SignIn(ctx, "ana", goodPassword, "")
		clk.add(11 * time.Hour)
		if _, err := d.SessionOf(ctx, sess.Secret, ""); err != nil {
			t.Fatalf("11 h idle with the default: %v", err)
		}
		clk.add(12*time.Hour + time.Minute)
		if _, err := d.SessionOf(ctx, sess.Secret, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("12 h idle with the default: %v", err)
		}
		sess, _ = d.SignIn(ctx, "ana", goodPassword, "")
		for i := 0; i < 7*24/10+1; i++ {
			clk.add(10 * time.Hour)
			if _, err := d.SessionOf(ctx, sess.Secret, ""); err != nil {
				break
			}
		}
		if _, err := d.SessionOf(ctx, sess.Secret, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("past 7 days: %v", err)
		}
	})
}

// TestRevokeTokens: by id or by name; a name two live tokens share is
// refused; a revoked token stops at once; last use is recorded; a user
// manager cannot revoke the company's tokens.
func TestRevokeTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, clk := userApp(t, db)
		erp, _ := a.CreateToken(ctx, "erp", auth.Integration, "")
		a1, _ := a.CreateToken(ctx, "phone", "", "ana")
		_, _ = a.CreateToken(ctx, "phone", "", "alba")
		if _, err := a.Authenticate(ctx, a1, "x"); err != nil {
			t.Fatal(err)
		}
		toks, err := a.Tokens(ctx, sys)
		if err != nil || len(toks) != 3 || toks[1].User != "ana" || toks[1].LastUsedAt.IsZero() || !toks[0].LastUsedAt.IsZero() {
			t.Fatalf("tokens: %+v %v", toks, err)
		}
		if _, err := a.RevokeToken(ctx, sys, "phone", ""); !errors.Is(err, app.ErrAmbiguousToken) {
			t.Fatalf("ambiguous name: %v", err)
		}
		alba := app.UserActor(app.User{Name: "alba", Role: "administration"}, "x")
		if _, err := a.RevokeToken(ctx, alba, "erp", ""); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("administration revokes the ERP's token: %v", err)
		}
		if _, err := a.RevokeToken(ctx, alba, toks[1].ID, "alba"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("ana's token among alba's: %v", err)
		}
		clk.add(time.Second)
		if tv, err := a.RevokeToken(ctx, alba, toks[1].ID, "ana"); err != nil || tv.Name != "phone" {
			t.Fatalf("revoke by id: %v", err)
		}
		if _, err := a.Authenticate(ctx, a1, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoked token: %v", err)
		}
		if _, err := a.RevokeToken(ctx, sys, "erp", ""); err != nil {
			t.Fatalf("revoke by name: %v", err)
		}
		if _, err := a.Authenticate(ctx, erp, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoked token: %v", err)
		}
		if _, err := a.RevokeToken(ctx, sys, "erp", ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoke twice: %v", err)
		}
		toks, _ = a.Tokens(ctx, sys)
		if !toks[0].Revoked() || !toks[1].Revoked() || toks[2].Revoked() {
			t.Fatalf("after revoking: %+v", toks)
		}
	})
}

// TestRevokeShareLink: a revoked link stops opening the statement at once
// and leaves the customer's list; an agent can neither list nor revoke
// the links of another agent's customer.
func TestRevokeShareLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _ := world(t, db)
		s1, err := a.ShareStatement(ctx, sys, "C1")
		if err != nil {
			t.Fatal(err)
		}
		s2, _ := a.ShareStatement(ctx, sys, "C1")
		links, err := a.ShareLinks(ctx, sys, "C1")
		if err != nil || len(links) != 2 {
			t.Fatalf("links: %+v %v", links, err)
		}
		other := auth.Actor{Name: "user:x", Role: auth.Agent, Agent: "nobody's"}
		if _, err := a.ShareLinks(ctx, other, "C1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another agent lists the links: %v", err)
		}
		if err := a.RevokeShareLink(ctx, other, "C1", links[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another agent revokes a link: %v", err)
		}
		if err := a.RevokeShareLink(ctx, sys, "C2", links[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a link revoked through another customer: %v", err)
		}
		for _, l := range links {
			if err := a.RevokeShareLink(ctx, sys, "C1", l.ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range []string{s1, s2} {
			if _, err := a.SharedStatement(ctx, s); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("revoked link still opens: %v", err)
			}
		}
		if links, _ := a.ShareLinks(ctx, sys, "C1"); len(links) != 0 {
			t.Errorf("revoked links listed: %+v", links)
		}
		if err := a.RevokeShareLink(ctx, sys, "C1", links[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoke twice: %v", err)
		}
	})
}

// pausingClock stops the second time it is read after being armed, until
// released: SignIn reads the clock once before checking the password and
// once after, so a test can change the user in between.
type pausingClock struct {
	mu       sync.Mutex
	t        time.Time
	calls    int
	armed    bool
	reached  chan struct{}
	released chan struct{}
}

func (c *pausingClock) now() time.Time {
	c.mu.Lock()
	pause := false
	if c.armed {
		c.calls++
		pause = c.calls == 2
	}
	t := c.t
	c.mu.Unlock()
	if pause {
		close(c.reached)
		<-c.released
	}
	return t
}

// TestSignInRacingAChangeOpensNothing: a sign-in whose password was
// checked just before the password changed or the user was disabled
// opens no session (it would outlive the change that was to end it).
func TestSignInRacingAChangeOpensNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		other, clk := userApp(t, db)
		for _, change := range []struct {
			name string
			do   func() error
			undo func() error
		}{
			{"password", func() error { return other.SetPassword(ctx, sys, "ana", "a brand new password", "") },
				func() error { return other.SetPassword(ctx, sys, "ana", goodPassword, "") }},
			{"disable", func() error { return other.DisableUser(ctx, sys, "ana", "") },
				func() error { return other.EnableUser(ctx, sys, "ana") }},
		} {
			pc := &pausingClock{t: clk.now(), armed: true, reached: make(chan struct{}), released: make(chan struct{})}
			a := app.New(db, app.WithClock(pc.now), app.WithHasher(slowHasher))
			errc := make(chan error, 1)
			go func() {
				_, err := a.SignIn(ctx, "ana", goodPassword, "10.0.0.1")
				errc <- err
			}()
			<-pc.reached // the old password is checked; the session is not stored yet
			if err := change.do(); err != nil {
				t.Fatal(err)
			}
			close(pc.released)
			if err := <-errc; !errors.Is(err, app.ErrBadCredentials) {
				t.Errorf("sign-in racing a %s change: %v, want refused", change.name, err)
			}
			if err := change.undo(); err != nil {
				t.Fatal(err)
			}
			if _, err := other.SignIn(ctx, "ana", goodPassword, "10.0.0.1"); err != nil {
				t.Errorf("after undoing the %s change: %v", change.name, err)
			}
		}
	})
}
