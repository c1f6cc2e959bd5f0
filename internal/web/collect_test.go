package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

var keyRE = regexp.MustCompile(`name="key" value="([^"]+)"`)

// collectForm opens the record-collection page and returns its CSRF token
// and idempotency key.
func collectForm(t *testing.T, b *browser, customer string) (csrf, key, body string) {
	t.Helper()
	status, body, _ := b.get("/customers/"+customer+"/collect", "")
	if status != http.StatusOK {
		t.Fatalf("collect form: %d %s", status, body)
	}
	c, k := csrfRE.FindStringSubmatch(body), keyRE.FindStringSubmatch(body)
	if c == nil || k == nil {
		t.Fatalf("no csrf or key on the form: %s", body)
	}
	return c[1], k[1], body
}

func postBody(t *testing.T, b *browser, path string, form url.Values) (int, string, http.Header) {
	t.Helper()
	res, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, norm(sb.String()), res.Header
}

// norm writes money's no-break spaces as plain ones, for comparisons.
func norm(s string) string { return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s) }

func TestCollectPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		ana := newBrowser(t, base)
		ana.signIn("ana", "correct horse battery")
		ana.get("/language?lang=es&next=/", "")

		// The sheet offers the action; the form lists the debt with its open amount prefilled.
		_, sheet, _ := ana.get("/customers/C-1", "")
		if !strings.Contains(sheet, `href="/customers/C-1/collect"`) {
			t.Fatal("no record-collection action on the sheet")
		}
		csrf, key, form := collectForm(t, ana, "C-1")
		if !strings.Contains(form, `name="amount.F-1" value="1234,56"`) {
			t.Fatalf("open amount not prefilled in Spanish: %s", form)
		}

		// More than is open: refused in plain words, with what was typed kept.
		status, body, _ := postBody(t, ana, "/customers/C-1/collect", url.Values{"csrf": {csrf}, "key": {key}, "step": {"check"},
			"pay": {"F-1"}, "amount.F-1": {"2.000,00"}, "instrument": {"cash"}})
		if status != http.StatusUnprocessableEntity || errorLine(body) != "2.000,00 € es más que los 1.234,56 € pendientes de 2026/0001." {
			t.Fatalf("over-allocation: %d %s", status, errorLine(body))
		}
		if !strings.Contains(body, `value="2.000,00"`) {
			t.Fatal("the typed amount was not kept")
		}
		// Not an amount.
		status, body, _ = postBody(t, ana, "/customers/C-1/collect", url.Values{"csrf": {csrf}, "key": {key}, "step": {"check"},
			"pay": {"F-1"}, "amount.F-1": {"12,3,4"}, "instrument": {"cash"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "«12,3,4» no es un importe (en 2026/0001)") {
			t.Fatalf("bad amount: %d %s", status, errorLine(body))
		}
		// A cheque needs its number.
		status, body, _ = postBody(t, ana, "/customers/C-1/collect", url.Values{"csrf": {csrf}, "key": {key}, "step": {"check"},
			"pay": {"F-1"}, "amount.F-1": {"400"}, "instrument": {"cheque"}})
		if status != http.StatusUnprocessableEntity || errorLine(body) == "" {
			t.Fatalf("cheque without number: %d %s", status, errorLine(body))
		}

		// A partial payment of 400,00 and an advance of 100,00, checked then confirmed twice (a double tap).
		pay := url.Values{"csrf": {csrf}, "key": {key}, "pay": {"F-1"}, "amount.F-1": {"400"}, "total": {"500,00"},
			"instrument": {"bizum"}}
		pay.Set("step", "check")
		status, body, _ = postBody(t, ana, "/customers/C-1/collect", pay)
		if status != http.StatusOK || !strings.Contains(body, `id="confirm-total">500,00 €`) || !strings.Contains(body, `id="confirm-advance">100,00 €`) {
			t.Fatalf("confirmation: %d %s", status, body)
		}
		pay.Set("step", "record")
		for i := 0; i < 2; i++ {
			status, h := ana.post("/customers/C-1/collect", pay)
			if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/collections/") || !strings.HasSuffix(h.Get("Location"), "/receipt") {
				t.Fatalf("record %d: %d %v", i, status, h)
			}
		}
		sheet = sheetOf(t, ana, "C-1")
		if !strings.Contains(sheet, `id="advance">100,00 €`) {
			t.Fatalf("no advance line on the sheet")
		}
		if n := strings.Count(sheet, "Bizum"); n != 1 {
			t.Fatalf("the double tap recorded %d collections", n)
		}
		// The same key with another request is refused, not replayed.
		pay.Set("amount.F-1", "300")
		if status, _, _ := postBody(t, ana, "/customers/C-1/collect", pay); status == http.StatusSeeOther || status == http.StatusOK {
			t.Fatalf("a changed request under a used key: %d", status)
		}

		// Another agent's customer does not exist for her; management may not record.
		if status, _, _ := ana.get("/customers/C-2/collect", ""); status != http.StatusNotFound {
			t.Fatalf("another agent's customer: %d", status)
		}
		marta := newBrowser(t, base)
		marta.signIn("marta", "correct horse battery")
		if status, _, _ := marta.get("/customers/C-1/collect", ""); status != http.StatusForbidden {
			t.Fatalf("management opened the form: %d", status)
		}
		m := csrfRE.FindStringSubmatch(sheetOf(t, marta, "C-1"))
		pay = url.Values{"csrf": {m[1]}, "key": {"0190f5c4-0000-7000-8000-000000000001"}, "total": {"10"}, "instrument": {"cash"}, "step": {"record"}}
		if status, _, _ := postBody(t, marta, "/customers/C-1/collect", pay); status != http.StatusForbidden {
			t.Fatalf("management recorded a collection: %d", status)
		}
	})
}

func sheetOf(t *testing.T, b *browser, id string) string {
	t.Helper()
	_, body, _ := b.get("/customers/"+id, "")
	return norm(body)
}

var errorLineRE = regexp.MustCompile(`(?s)<p class="error"[^>]*>(.*?)</p>`)

func errorLine(body string) string {
	if m := errorLineRE.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}
