package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestImportDateFormat: slashed dates that read both ways are refused for
// an English-speaking company, read day first for a Spanish-speaking
// one, and --date-format wins over the mapping's.
func TestImportDateFormat(t *testing.T) {
	dir := t.TempDir()
	for _, lang := range []string{"en", "es"} {
		db := "sqlite:" + filepath.Join(dir, lang+".db")
		if code, out, errs := run(t, "", "company", "--db", db, "--name", "Acme", "--currency", "USD", "--language", lang); code != 0 {
			t.Fatalf("company: %d %s %s", code, out, errs)
		}
		custs := write(t, dir, "c.csv", "customer_id,name,currency\nC1,Acme Corp,USD\n")
		if code, out, errs := run(t, "", "import", "customers", custs, "--db", db); code != 0 {
			t.Fatalf("customers: %d %s %s", code, out, errs)
		}
		docs := write(t, dir, "d.csv", "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\nF1,C1,invoice,9/6/2026,10/6/2026,USD,\"$1,234.56\",($0.00)\n")
		mapping := write(t, dir, "m.json", `{"date_format": "DD/MM/YYYY"}`)
		code, out, errs := run(t, "", "import", "documents", docs, "--db", db, "--dry-run")
		switch lang {
		case "en":
			if code == 0 || !strings.Contains(errs, "cannot tell whether the dates are day/month or month/day") {
				t.Fatalf("%s: %d\n%s\n%s", lang, code, out, errs)
			}
		case "es":
			if code != 0 || !strings.Contains(out, "1 rows") {
				t.Fatalf("%s: %d\n%s\n%s", lang, code, out, errs)
			}
		}
		if code, out, errs := run(t, "", "import", "documents", docs, "--db", db, "--map", mapping, "--date-format", "MM/DD/YYYY"); code != 0 || !strings.Contains(out, "1 inserted") {
			t.Fatalf("--date-format: %d\n%s\n%s", code, out, errs)
		}
		if code, _, errs := run(t, "", "import", "documents", docs, "--db", db, "--date-format", "D/M/Y"); code == 0 || !strings.Contains(errs, "--date-format must be one of") {
			t.Fatalf("a bad --date-format: %d %s", code, errs)
		}
	}
}
