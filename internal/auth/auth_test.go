package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// moneyActions change money; management and agents may not do most of them.
var moneyActions = []Action{Import, RecordCollection, AckCollection, VoidCollection, SettleInstrument}

func TestGrants(t *testing.T) {
	for _, c := range []struct {
		role  Role
		may   []Action
		mayNt []Action
	}{
		{Admin, append([]Action{ReadLedger, ManageCompany, ManageUsers, ReadConflicts, ReadJobs, RetryJob, ResolveAlert, ReadOutbox, ResendOutbox, ConfigureOutbox}, moneyActions...), nil},
		{Integration, []Action{ReadLedger, Import, RecordCollection, AckCollection}, []Action{VoidCollection, SettleInstrument, ManageCompany, ManageUsers, ReadJobs, RetryJob, ResolveAlert, ReadOutbox, ResendOutbox, ConfigureOutbox}},
		{Agent, []Action{ReadLedger, RecordCollection}, []Action{Import, AckCollection, VoidCollection, SettleInstrument, ManageCompany, ManageUsers, ReadConflicts, ReadJobs, RetryJob, ResolveAlert, ReadOutbox, ResendOutbox, ConfigureOutbox}},
		{Supervisor, []Action{ReadLedger, RecordCollection, ReadConflicts, ResolveAlert}, []Action{Import, VoidCollection, ManageCompany, ManageUsers, ReadJobs, RetryJob, ReadOutbox, ResendOutbox, ConfigureOutbox}},
		{Administration, append([]Action{ReadLedger, ReadConflicts, ManageUsers, ReadJobs, RetryJob, ResolveAlert, ReadOutbox, ResendOutbox, ConfigureOutbox}, moneyActions...), []Action{ManageCompany}},
		{Management, []Action{ReadLedger, ReadConflicts}, append([]Action{ManageCompany, ManageUsers, ReadJobs, RetryJob, ResolveAlert, ReadOutbox, ResendOutbox, ConfigureOutbox}, moneyActions...)},
		{Role("nobody"), nil, append([]Action{ReadLedger}, moneyActions...)},
	} {
		a := Actor{Name: "x", Role: c.role}
		for _, act := range c.may {
			if err := a.Check(act); err != nil {
				t.Errorf("%s may %s: %v", c.role, act, err)
			}
		}
		for _, act := range c.mayNt {
			if err := a.Check(act); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s may not %s, got %v", c.role, act, err)
			}
		}
	}
}

func TestAgentScope(t *testing.T) {
	for _, c := range []struct {
		a        Actor
		sees     string
		seesNot  string
		allScope bool
	}{
		{Actor{Role: Agent, Agent: "AG1"}, "AG1", "AG2", false},
		{Actor{Role: Agent}, "", "", false}, // no code: sees nothing, not everything
		{Actor{Role: Supervisor}, "AG2", "", true},
		{Actor{Role: Management}, "AG2", "", true},
	} {
		if c.sees != "" && !c.a.Sees(c.sees) {
			t.Errorf("%+v should see %q", c.a, c.sees)
		}
		if !c.allScope && (c.a.Sees(c.seesNot) || c.a.Sees("AG3")) {
			t.Errorf("%+v sees %q or AG3", c.a, c.seesNot)
		}
		if (c.a.AgentScope() == "") != c.allScope {
			t.Errorf("%+v scope %q", c.a, c.a.AgentScope())
		}
	}
}

func TestTokens(t *testing.T) {
	s1, h1, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	s2, _, _ := NewToken()
	if s1 == s2 || !strings.HasPrefix(s1, "cobro_") || HashToken(s1) != h1 || strings.Contains(h1, s1) {
		t.Errorf("tokens %q %q hash %q", s1, s2, h1)
	}
}

var cheap = HashParams{Memory: 64, Time: 1, Threads: 1}

func TestPasswords(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(cheap, 2)
	phc, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := h.Hash(ctx, "correct horse")
	if phc == again || !strings.HasPrefix(phc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hashes %q %q: want argon2id with a fresh salt each", phc, again)
	}
	if err := h.Verify(ctx, phc, "correct horse"); err != nil {
		t.Errorf("right password: %v", err)
	}
	if err := h.Verify(ctx, phc, "correct horse "); !errors.Is(err, ErrBadPassword) {
		t.Errorf("wrong password: %v", err)
	}
	// A hash made with other parameters still verifies.
	if err := NewHasher(HashParams{Memory: 128, Time: 2, Threads: 1}, 1).Verify(ctx, phc, "correct horse"); err != nil {
		t.Errorf("other parameters: %v", err)
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",       // no threads: argon2 would panic
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", // 95 GiB
		"$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$"} {
		if err := h.Verify(ctx, bad, "x"); err == nil || errors.Is(err, ErrBadPassword) {
			t.Errorf("Verify(%q): %v, want a malformed-hash error", bad, err)
		}
	}
}

// TestHashConcurrencyCap: with every slot taken, a hash waits, and gives
// up when its request does.
func TestHashConcurrencyCap(t *testing.T) {
	h := NewHasher(cheap, 1)
	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "x"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hash past the cap: %v, want to wait and give up", err)
	}
	h.release()
	if _, err := h.Hash(context.Background(), "x"); err != nil {
		t.Errorf("after release: %v", err)
	}
}

// FuzzVerify: whatever the stored hash holds, parsing it and verifying a
// password against it answers and never panics.
func FuzzVerify(f *testing.F) {
	h := NewHasher(cheap, 2)
	phc, _ := h.Hash(context.Background(), "pw")
	f.Add(phc, "pw")
	f.Add("$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "x")
	f.Fuzz(func(t *testing.T, stored, pw string) {
		p, _, _, err := parsePHC(stored)
		if err != nil || p.Memory*p.Time > 1<<12 {
			return // malformed, or a real cost the fuzzer must not pay a million times
		}
		_ = h.Verify(context.Background(), stored, pw)
	})
}

func TestLogPath(t *testing.T) {
	for in, want := range map[string]string{
		"/s/abc":            "/s/{token}",
		"/s/abc/x":          "/s/{token}",
		"/s/":               "/s/",
		"/customers/C-1":    "/customers/C-1",
		"/statements/s/abc": "/statements/s/abc",
		"/api/v1/customers": "/api/v1/customers",
	} {
		if got := LogPath(in); got != want {
			t.Errorf("LogPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestVerifyNoneIsARealCheck: the check for a user who does not exist
// always fails, and takes a hashing slot like a real one, so it waits
// under the same cap (its cost is argon2id with the configured
// parameters; timing it here would be flaky on a loaded machine).
func TestVerifyNoneIsARealCheck(t *testing.T) {
	h := NewHasher(cheap, 1)
	if err := h.VerifyNone(context.Background(), "x"); !errors.Is(err, ErrBadPassword) {
		t.Fatalf("VerifyNone: %v", err)
	}
	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := h.VerifyNone(ctx, "x"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("VerifyNone past the cap: %v, want to wait and give up", err)
	}
	h.release()
}
