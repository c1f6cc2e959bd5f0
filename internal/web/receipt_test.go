package web_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestReceiptPDF: the receipt prints the company, the customer, each
// document paid, the total in figures and in words, the instrument and
// the agent; every print after the first says it is a copy.
func TestReceiptPDF(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is required under CI")
		}
		t.Skip("pdftotext not installed")
	}
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		ana := newBrowser(t, base)
		ana.signIn("ana", "correct horse battery")
		csrf, key, _ := collectForm(t, ana, "C-1")
		status, h := ana.post("/customers/C-1/collect", map[string][]string{"csrf": {csrf}, "key": {key}, "step": {"record"},
			"pay": {"F-1"}, "amount.F-1": {"1,234.56"}, "total": {"1,300.00"}, "instrument": {"cheque"}, "number": {"778899"},
			"bank": {"CaixaBank"}, "due_date": {"2026-12-15"}})
		if status != http.StatusSeeOther {
			t.Fatalf("record: %d", status)
		}
		receipt := strings.TrimSuffix(h.Get("Location"), "/receipt")
		read := func() string {
			t.Helper()
			req, _ := http.NewRequest("GET", base+receipt+"/receipt.pdf?lang=es", nil)
			res, err := ana.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("receipt.pdf: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			p := filepath.Join(t.TempDir(), "r.pdf")
			f, _ := os.Create(p)
			_, _ = f.ReadFrom(res.Body)
			f.Close()
			out, err := exec.Command(bin, p, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			return norm(string(out))
		}
		first := read()
		for _, want := range []string{"Test S.L.", "Recibo AG1-W-000001", "Ferretería Núñez", "2026/0001", "1.234,56 €", "1.300,00 €",
			"65,44 €", "mil trescientos euros", "cheque n.º 778899 · CaixaBank · vence 15/12/2026", "salvo buen fin", "Cobrado por AG1",
			"Firma del cliente"} {
			if !strings.Contains(first, want) {
				t.Errorf("receipt lacks %q:\n%s", want, first)
			}
		}
		if strings.Contains(first, "COPIA") {
			t.Error("the first print is marked as a copy")
		}
		if second := read(); !strings.Contains(second, "COPIA") {
			t.Errorf("a reprint is not marked as a copy:\n%s", second)
		}
	})
}
