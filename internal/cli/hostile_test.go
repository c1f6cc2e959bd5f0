package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileFiles imports files an attacker or a broken ERP could send:
// each gives a clear error (or imports what is valid), never a panic, and
// the ledger stays consistent.
func TestHostileFiles(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "h.db")
	if code, _, errs := run(t, "", "company", "--db", db, "--name", "H", "--currency", "EUR"); code != 0 {
		t.Fatal(errs)
	}
	var huge bytes.Buffer
	huge.WriteString("customer_id,name,currency\n")
	huge.WriteString("C-1," + strings.Repeat("A", 5000) + ",EUR\n")
	cases := []struct {
		name, file, kind string
		data             []byte
		code             int
		want             string // in stderr or stdout
	}{
		{"formula cells are kept as text", "f.csv", "customers",
			[]byte("customer_id,name,currency,email\nC-9,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",EUR,@SUM(A1)\n"), 0, "1 inserted"},
		{"a field over the limit", "huge.csv", "customers", huge.Bytes(), 1, "longer than 1000 characters"},
		{"binary garbage", "bin.csv", "documents", []byte("\x00\x01\x02\xff\xfe\x00garbage\x00"), 1, "missing required columns"},
		{"not an XLSX", "x.xlsx", "documents", []byte("PK\x03\x04 not really a zip"), 1, "not a readable XLSX"},
		{"JSON nested too deep", "d.json", "documents", []byte(strings.Repeat("[", 20000)), 1, "exceeded max depth"},
		{"JSON that is not an array", "o.json", "documents", []byte(`{"document_id":"x"}`), 1, "expected a JSON array"},
		{"empty file", "e.csv", "customers", nil, 1, "empty"},
		{"header only", "h.csv", "customers", []byte("customer_id,name,currency\n"), 0, "0 rows"},
		{"unterminated quote", "q.csv", "customers", []byte("customer_id,name,currency\nC-2,\"Bar,EUR\n"), 1, "required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.file)
			if err := os.WriteFile(p, c.data, 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errs := run(t, "", "import", c.kind, p, "--db", db)
			if code != c.code || !strings.Contains(out+errs, c.want) {
				t.Fatalf("exit %d (want %d), want %q in:\n%s\n%s", code, c.code, c.want, out, errs)
			}
			if strings.Contains(errs, "panic") || strings.Contains(errs, "goroutine ") {
				t.Fatalf("panicked:\n%s", errs)
			}
		})
	}
	if code, out, _ := run(t, "", "check", "--db", db); code != 0 {
		t.Fatalf("check after hostile files: %s", out)
	}
}
