package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cobro/internal/civil"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

// TestAnyAlphabetPrints renders a customer whose name is not in
// Windows-1252 and reads it back from the PDF.
func TestAnyAlphabetPrints(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is required under CI")
		}
		t.Skip("pdftotext not installed")
	}
	d, _ := civil.Parse("2026-11-23")
	e := func(m int64) money.Amount { return money.New(m, "EUR") }
	st := Statement{Lang: i18n.Spanish, Company: ledger.Company{Name: "Levante S.L."}, CreatedAt: time.Unix(0, 0),
		Customer: ledger.Customer{ID: "C-1", Name: "Łódź Hurtownia Żółć"}, AsOf: d,
		Lines:     []StatementLine{{Number: "F-1", Kind: ledger.Invoice, IssueDate: d, DueDate: d, Amount: e(100), Open: e(100), SignedOpen: e(100)}},
		TotalOwed: e(100), Balance: e(100), TotalOverdue: e(0)}
	var buf bytes.Buffer
	if err := WriteStatement(&buf, st); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "s.pdf")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Łódź Hurtownia Żółć", "Extracto de facturas pendientes", "1,00 €"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("PDF lacks %q:\n%s", want, out)
		}
	}
}
