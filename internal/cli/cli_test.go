package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "c.db")
	if code, out, errs := run(t, "", "company", "--db", db, "--name", "Levante S.L.", "--currency", "EUR"); code != 0 {
		t.Fatalf("company: %d %s %s", code, out, errs)
	}
	custs := write(t, dir, "customers.csv", "customer_id;name;currency;agent;credit_limit\nC-1;Ferretería Núñez;EUR;AG1;1.000,00\nC-2;Bar Sol;EUR;AG2;\n")
	code, out, errs := run(t, "", "import", "customers", custs, "--db", db)
	if code != 0 || !strings.Contains(out, "2 inserted") || !strings.Contains(out, "new agents: AG1, AG2") {
		t.Fatalf("import customers: %d\n%s\n%s", code, out, errs)
	}
	docs := write(t, dir, "docs.csv", "document_id;customer_id;kind;issue_date;due_date;currency;amount;open_amount\n"+
		"F-1;C-1;invoice;01/10/2026;01/11/2026;EUR;100,00;100,00\n"+
		"F-2;C-9;invoice;01/10/2026;31/02/2026;EUR;50,00;60,00\n")
	code, out, errs = run(t, "", "import", "documents", docs, "--db", db, "--dry-run")
	if code != 1 || !strings.Contains(out, "dry run") || !strings.Contains(errs, `row 3, column "due_date"`) {
		t.Fatalf("dry run: %d\n%s\n%s", code, out, errs)
	}
	t.Setenv("LANG", "es_ES.UTF-8")
	if _, _, errs = run(t, "", "import", "documents", docs, "--db", db, "--dry-run"); !strings.Contains(errs, `fila 3, columna "due_date"`) {
		t.Fatalf("Spanish report expected:\n%s", errs)
	}
	t.Setenv("LANG", "C")
	code, out, errs = run(t, "", "import", "documents", docs, "--db", db, "--atomic")
	if code != 1 || !strings.Contains(out, "NOT applied") {
		t.Fatalf("atomic: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = run(t, "", "import", "documents", docs, "--db", db)
	if code != 1 || !strings.Contains(out, "1 inserted") || !strings.Contains(errs, "open amount 60.00 is greater") {
		t.Fatalf("import documents: %d\n%s\n%s", code, out, errs)
	}
	code, tok, errs := run(t, "", "token", "create", "--db", db, "--name", "erp", "--role", "integration")
	if code != 0 || !strings.HasPrefix(tok, "cobro_") || strings.Count(tok, "\n") != 1 {
		t.Fatalf("token create must print the token alone: %d %q %s", code, tok, errs)
	}
	if code, _, errs = run(t, "", "token", "create", "--db", db, "--name", "x", "--role", "agent"); code == 0 {
		t.Fatalf("a token cannot have a user role: %s", errs)
	}
	if code, out, errs = run(t, "a long password here\n", "user", "add", "ana", "--db", db, "--role", "agent", "--agent", "AG1"); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, errs)
	}
	if code, _, _ = run(t, "short\n", "user", "add", "bob", "--db", db, "--role", "management"); code == 0 {
		t.Fatal("a short password was accepted")
	}
	if code, tok, errs = run(t, "", "token", "create", "--db", db, "--name", "ana-phone", "--user", "ana"); code != 0 || !strings.HasPrefix(tok, "cobro_") {
		t.Fatalf("user token: %d %s", code, errs)
	}

	// A collection, acknowledged by an import of the ERP's receipts.
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(s)
	v, _, err := a.RecordCollection(context.Background(), auth.System("t"), app.Idem{Key: "k", Hash: "h"}, app.CollectionRequest{
		CustomerID: "C-1", Amount: eur(5000), Instrument: instrument("cash"),
		Allocations: []app.AllocationRequest{{DocumentID: "F-1", Amount: eur(5000)}}})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	receipts := write(t, dir, "receipts.csv", "collection_id,erp_receipt_id\n"+v.ID+",R-1\nnot-a-collection,R-2\n")
	code, out, errs = run(t, "", "import", "receipts", receipts, "--db", db)
	if code != 1 || !strings.Contains(out, "1 updated") || !strings.Contains(errs, `no collection "not-a-collection"`) {
		t.Fatalf("receipts: %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs = run(t, "", "check", "--db", db); code != 0 || !strings.Contains(out, "every invariant holds") {
		t.Fatalf("check: %d %s %s", code, out, errs)
	}
	if code, _, _ = run(t, "", "nonsense"); code != 2 {
		t.Fatalf("unknown command: %d", code)
	}
}

func eur(m int64) money.Amount { return money.New(m, "EUR") }

func instrument(kind string) ledger.InstrumentDetail {
	return ledger.InstrumentDetail{Kind: ledger.Instrument(kind)}
}

// TestImportXLSXSheet reads the sheet named by --sheet of a workbook whose
// first sheet is something else, and names the sheets when it is missing.
func TestImportXLSXSheet(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "c.db")
	if code, out, errs := run(t, "", "company", "--db", db, "--name", "Levante S.L.", "--currency", "EUR"); code != 0 {
		t.Fatalf("company: %d %s %s", code, out, errs)
	}
	f := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"nota", "exportado del ERP"}))
	_, err := f.NewSheet("Clientes")
	must(err)
	must(f.SetSheetRow("Clientes", "A1", &[]any{"customer_id", "name", "currency", "agent"}))
	must(f.SetSheetRow("Clientes", "A2", &[]any{"C-1", "Ferretería Núñez", "EUR", "AG1"}))
	path := filepath.Join(dir, "erp.xlsx")
	must(f.SaveAs(path))
	code, out, errs := run(t, "", "import", "customers", path, "--db", db, "--sheet", "Clientes")
	if code != 0 || !strings.Contains(out, "1 inserted") {
		t.Fatalf("--sheet Clientes: %d\n%s\n%s", code, out, errs)
	}
	code, _, errs = run(t, "", "import", "customers", path, "--db", db, "--sheet", "Hoja9")
	if code == 0 || !strings.Contains(errs, "Hoja9") || !strings.Contains(errs, "Clientes") {
		t.Fatalf("missing sheet: %d\n%s", code, errs)
	}
}
