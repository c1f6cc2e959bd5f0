package cli

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/store"
)

// TestRevocationCommands: tokens and users listed, revoked, disabled,
// enabled and given a new password from the command line, each taking
// effect for the next request.
func TestRevocationCommands(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "c.db")
	if code, out, errs := run(t, "a long password here\n", "user", "add", "ana", "--db", db, "--role", "agent", "--agent", "AG1"); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, errs)
	}
	code, erp, errs := run(t, "", "token", "create", "--db", db, "--name", "erp", "--role", "integration")
	if code != 0 {
		t.Fatalf("token create: %s", errs)
	}
	_, phone, _ := run(t, "", "token", "create", "--db", db, "--name", "phone", "--user", "ana")
	_, phone2, _ := run(t, "", "token", "create", "--db", db, "--name", "phone", "--user", "ana")
	if code, _, errs := run(t, "", "token", "create", "--db", db, "--name", "x"); code == 0 || !strings.Contains(errs, "--user") {
		t.Errorf("token create without a role must name --user: %d %s", code, errs)
	}
	if code, _, errs := run(t, "", "token"); code == 0 || !strings.Contains(errs, "--user NAME") || !strings.Contains(errs, "revoke") {
		t.Errorf("token usage: %d %s", code, errs)
	}
	authenticate := func(secret string) error {
		a, done, err := openApp(context.Background(), &env{log: slog.New(slog.DiscardHandler)}, db)
		if err != nil {
			t.Fatal(err)
		}
		defer done()
		_, err = a.Authenticate(context.Background(), strings.TrimSpace(secret), "test")
		return err
	}
	if err := authenticate(phone); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "", "token", "list", "--db", db)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || !strings.Contains(lines[0], "LAST USED") || !strings.Contains(lines[1], "integration") ||
		!strings.Contains(lines[2], "ana") || !strings.Contains(lines[2], "live") || strings.Contains(out, "cobro_") ||
		strings.Count(lines[1], "Z ") != 1 || strings.Count(lines[2], "Z ") != 2 { // created, and last used when it was
		t.Fatalf("token list: %d\n%s", code, out)
	}
	if code, _, errs := run(t, "", "token", "revoke", "phone", "--db", db); code == 0 || !strings.Contains(errs, "revoke by id") {
		t.Errorf("two tokens named phone: %d %s", code, errs)
	}
	id := strings.Fields(lines[2])[0]
	if code, out, errs := run(t, "", "token", "revoke", id, "--db", db); code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke by id: %d %s %s", code, out, errs)
	}
	if err := authenticate(phone); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token: %v", err)
	}
	if code, _, errs := run(t, "", "token", "revoke", "--db", db, "erp"); code != 0 {
		t.Fatalf("revoke by name: %s", errs)
	}
	if err := authenticate(erp); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token: %v", err)
	}
	if _, out, _ := run(t, "", "token", "list", "--db", db); strings.Count(out, "revoked") != 2 {
		t.Errorf("token list after revoking:\n%s", out)
	}

	if code, out, errs := run(t, "", "user", "disable", "ana", "--db", db); code != 0 || !strings.Contains(out, "disabled") {
		t.Fatalf("user disable: %d %s %s", code, out, errs)
	}
	if err := authenticate(phone2); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("token of a disabled user: %v", err)
	}
	if _, out, _ := run(t, "", "user", "list", "--db", db); !strings.Contains(out, "LAST SIGN-IN") || !strings.Contains(out, "disabled") || !strings.Contains(out, "AG1") {
		t.Errorf("user list:\n%s", out)
	}
	if code, _, errs := run(t, "", "user", "enable", "ana", "--db", db); code != 0 {
		t.Fatalf("user enable: %s", errs)
	}
	if err := authenticate(phone2); err != nil {
		t.Errorf("token after enable: %v", err)
	}
	if code, _, errs := run(t, "another long password\n", "user", "passwd", "ana", "--db", db); code != 0 {
		t.Fatalf("user passwd: %s", errs)
	}
	a, done, err := openApp(context.Background(), &env{log: slog.New(slog.DiscardHandler)}, db)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	if _, err := a.SignIn(context.Background(), "ana", "a long password here", "x"); !errors.Is(err, app.ErrBadCredentials) {
		t.Errorf("old password after passwd: %v", err)
	}
	if _, err := a.SignIn(context.Background(), "ana", "another long password", "x"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if code, _, _ := run(t, "", "user", "disable", "nobody", "--db", db); code == 0 {
		t.Error("disabling an unknown user succeeded")
	}
}
