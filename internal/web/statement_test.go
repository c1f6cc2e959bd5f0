package web_test

import (
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// pdfText extracts a PDF's text with poppler's pdftotext (scripts/test.sh
// installs it; without it the test is skipped, or fails under CI).
func pdfText(t *testing.T, pdf string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is required under CI (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext not installed")
	}
	in := filepath.Join(t.TempDir(), "s.pdf")
	if err := os.WriteFile(in, []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestStatementPDFInBothLanguages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		b := newBrowser(t, base)
		b.signIn("ana", "correct horse battery")
		status, body, h := b.get("/customers/C-1/statement.pdf?lang=es", "")
		if status != 200 || h.Get("Content-Type") != "application/pdf" {
			t.Fatalf("statement: %d %v", status, h)
		}
		es := pdfText(t, body)
		for _, want := range []string{"Extracto de facturas pendientes", "Ferretería Núñez", "2026/0001", "01/10/2026",
			"1.234,56 €", "Del cual vencido", "53", "Cómo pagar", "Transferencia indicando la factura"} {
			if !strings.Contains(es, want) {
				t.Errorf("Spanish statement lacks %q:\n%s", want, es)
			}
		}
		_, body, _ = b.get("/customers/C-1/statement.pdf?lang=en", "")
		en := pdfText(t, body)
		for _, want := range []string{"Statement of pending invoices", "2026/0001", "1 Oct 2026", "€1,234.56", "Of which overdue",
			"How to pay", "Bank transfer quoting the invoice"} {
			if !strings.Contains(en, want) {
				t.Errorf("English statement lacks %q:\n%s", want, en)
			}
		}
		if strings.Contains(en, "Transferencia") || strings.Contains(es, "Bank transfer") {
			t.Errorf("a statement prints how to pay in the other language:\n%s\n%s", en, es)
		}
		if strings.Contains(en, "2026/0002") {
			t.Error("another agent's customer's document on the statement")
		}
		if status, _, _ := b.get("/customers/C-2/statement.pdf", ""); status != 404 {
			t.Errorf("statement of another agent's customer: %d", status)
		}
	})
}

func TestSharedStatementLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		b := newBrowser(t, base)
		b.signIn("ana", "correct horse battery")
		_, body, _ := b.get("/customers/C-1", "en")
		token := csrfRE.FindStringSubmatch(body)[1]
		res, err := b.c.PostForm(base+"/customers/C-1/share", url.Values{"csrf": {token}})
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := regexp.MustCompile(`value="(http://[^"]+/s/[^"]+)"`).FindStringSubmatch(string(page))
		if res.StatusCode != 200 || m == nil {
			t.Fatalf("share: %d\n%s", res.StatusCode, page)
		}
		// Anyone with the link gets the statement, without signing in.
		anon := newBrowser(t, base)
		status, pdf, h := anon.get(strings.TrimPrefix(m[1], base), "")
		if status != 200 || h.Get("Content-Type") != "application/pdf" || !strings.Contains(pdfText(t, pdf), "2026/0001") {
			t.Fatalf("shared link: %d %v", status, h)
		}
		// An agent cannot share another agent's customer.
		if status, _ := b.post("/customers/C-2/share", url.Values{"csrf": {token}}); status != 404 {
			t.Fatalf("sharing another agent's customer: %d", status)
		}
	})
}
