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

// TestImportPresets: `cobro import presets` lists them, `cobro import
// presets NAME` prints one, and --preset reads a QuickBooks export into
// the ledger.
func TestImportPresets(t *testing.T) {
	code, out, errs := run(t, "", "import", "presets")
	if code != 0 || !strings.Contains(out, "quickbooks-ar-aging-detail") || !strings.Contains(out, "sage-cartera-efectos") {
		t.Fatalf("presets: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = run(t, "", "import", "presets", "holded")
	if code != 0 || !strings.Contains(out, `"Contacto": "customer_id"`) {
		t.Fatalf("presets holded: %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs = run(t, "", "import", "presets", "nope"); code == 0 || !strings.Contains(errs, `no preset "nope"`) {
		t.Fatalf("an unknown preset: %d %s", code, errs)
	}
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "c.db")
	if code, out, errs := run(t, "", "company", "--db", db, "--name", "Craig's Design", "--currency", "USD", "--language", "en"); code != 0 {
		t.Fatalf("company: %d %s %s", code, out, errs)
	}
	custs := write(t, dir, "c.csv", "customer_id,name,currency\nMark Cho,Mark Cho,USD\n")
	if code, out, errs := run(t, "", "import", "customers", custs, "--db", db); code != 0 {
		t.Fatalf("customers: %d %s %s", code, out, errs)
	}
	aging := write(t, dir, "aging.csv", "\"A/R Aging Detail\"\n\"Craig's Design\"\n\"As of November 30, 2026\"\n\n"+
		"\"Date\",\"Transaction Type\",\"Num\",\"Customer\",\"Due Date\",\"Amount\",\"Open Balance\"\n\"Current\"\n"+
		"\"10/21/2026\",\"Invoice\",\"1035\",\"Mark Cho\",\"11/20/2026\",\"314.28\",\"314.28\"\n\"Total for Current\",,,,,\"314.28\",\"314.28\"\n")
	code, out, errs = run(t, "", "import", "documents", aging, "--db", db, "--preset", "quickbooks-ar-aging-detail")
	if code != 0 || !strings.Contains(out, "1 rows, 1 inserted") || !strings.Contains(errs, "2 rows skipped (skip_when)") {
		t.Fatalf("--preset: %d\n%s\n%s", code, out, errs)
	}
	mapping := write(t, dir, "m.json", `{}`)
	if code, _, errs = run(t, "", "import", "documents", aging, "--db", db, "--preset", "holded", "--map", mapping); code == 0 || !strings.Contains(errs, "one or the other") {
		t.Fatalf("--map and --preset: %d %s", code, errs)
	}
}

// TestImportNewCustomersFlag: --new-customers creates and lists them, and
// applies to documents only.
func TestImportNewCustomersFlag(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "c.db")
	if code, out, errs := run(t, "", "company", "--db", db, "--name", "Acme", "--currency", "EUR"); code != 0 {
		t.Fatalf("company: %d %s %s", code, out, errs)
	}
	docs := write(t, dir, "d.csv", "Nº Factura;Cliente;Nombre;Tipo;Fecha factura;Vencimiento;Divisa;Importe;Pendiente\nF1;N1;Bar Núñez;Factura;01/11/2026;13/12/2026;EUR;100,00;100,00\n")
	code, out, errs := run(t, "", "import", "documents", docs, "--db", db, "--new-customers")
	if code != 0 || !strings.Contains(out, "1 inserted") || !strings.Contains(out, "new customers (1): N1") {
		t.Fatalf("--new-customers: %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := run(t, "", "import", "customers", docs, "--db", db, "--new-customers"); code == 0 || !strings.Contains(errs, "--new-customers applies to documents") {
		t.Fatalf("customers: %d %s", code, errs)
	}
	pays := write(t, dir, "p.csv", "Factura;Fecha cobro;Importe\nF1;20/11/2026;40,00\nF1;25/11/2026;60,00\n")
	if code, out, errs := run(t, "", "import", "payments", pays, "--db", db); code != 0 || !strings.Contains(out, "payments applied: 2 rows, 2 inserted") {
		t.Fatalf("payments: %d\n%s\n%s", code, out, errs)
	}
}
