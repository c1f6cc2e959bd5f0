package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cobro/internal/dbtest"
)

// serveRefused runs cobro serve and wants it to refuse to start.
func serveRefused(t *testing.T, dsn string) string {
	t.Helper()
	type result struct {
		code      int
		out, errs string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := Main([]string{"serve", "--db", dsn, "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &errb)
		done <- result{code, out.String(), errb.String()}
	}()
	select {
	case r := <-done:
		if r.code != 1 || strings.Contains(r.errs, `"msg":"serving"`) {
			t.Fatalf("serve on a database it cannot write: want exit 1 before serving, got %d\n%s%s", r.code, r.out, r.errs)
		}
		return r.errs
	case <-time.After(30 * time.Second):
		t.Fatal("cobro serve started on a database it cannot write")
	}
	return ""
}

// TestServeRefusesReadOnly: cobro serve does not start on a SQLite
// database it cannot write (a file no one may write; a read-only mount),
// and says what to check, in the terminal's language.
func TestServeRefusesReadOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cobro.db")
	if code, out, errs := run(t, "", "company", "--db", "sqlite:"+path, "--name", "Levante S.L."); code != 0 {
		t.Fatalf("company: %d %s %s", code, out, errs)
	}
	t.Setenv("LANG", "C")
	t.Run("mount", func(t *testing.T) {
		errs := serveRefused(t, "sqlite:"+filepath.Join(dbtest.ReadOnly(t, dir), "cobro.db"))
		if !strings.Contains(errs, "The database does not take writes") {
			t.Errorf("no hint of what to check:\n%s", errs)
		}
	})
	t.Run("file", func(t *testing.T) {
		dbtest.Immutable(t, path)
		t.Setenv("LANG", "es_ES.UTF-8")
		errs := serveRefused(t, "sqlite:"+path)
		if !strings.Contains(errs, "does not take writes, so cobro will not serve it") || !strings.Contains(errs, "no admite escrituras") {
			t.Errorf("no clear message:\n%s", errs)
		}
	})
}
