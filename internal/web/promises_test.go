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

var disputeIDRE = regexp.MustCompile(`data-dispute="([^"]+)"`)

// The sheet's promises and disputes: an agent records a promise and opens
// a dispute for their own customer only; the administration resolves it.
func TestPromisePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		ana, alba, marta := newBrowser(t, base), newBrowser(t, base), newBrowser(t, base)
		ana.signIn("ana", "correct horse battery")
		alba.signIn("alba", "correct horse battery")
		marta.signIn("marta", "correct horse battery")
		get := func(b *browser, path, lang string, contains ...string) string {
			t.Helper()
			status, body, _ := b.get(path, lang)
			if status != 200 {
				t.Fatalf("GET %s: %d", path, status)
			}
			for _, c := range contains {
				if !strings.Contains(body, c) {
					t.Errorf("GET %s lacks %q", path, c)
				}
			}
			return body
		}
		post := func(b *browser, path string, f url.Values, want int) {
			t.Helper()
			if status, _ := b.post(path, f); status != want {
				t.Fatalf("POST %s: %d, want %d", path, status, want)
			}
		}
		sheet := get(ana, "/customers/C-1", "en", "Promises to pay", `id="promise-form"`, `id="dispute-form"`, "No promises.", "No disputes.")
		csrf := csrfRE.FindStringSubmatch(sheet)[1]
		get(ana, "/customers/C-1", "es", "Promesas de pago", "Disputas", "Abrir una disputa")
		promise := url.Values{"csrf": {csrf}, "document": {"F-1"}, "date": {"2026-12-01"}, "amount": {"500"}, "note": {"pays friday"}}
		post(ana, "/customers/C-2/promises", promise, http.StatusNotFound)
		post(ana, "/customers/C-1/promises", url.Values{"csrf": {csrf}, "date": {"soon"}}, http.StatusBadRequest)
		post(ana, "/customers/C-1/promises", promise, http.StatusSeeOther)
		get(ana, "/customers/C-1", "en", "pays friday", "€500.00", "F-1", "promise-open")
		if body := get(marta, "/customers/C-1", "en", "pays friday"); strings.Contains(body, `id="promise-form"`) {
			t.Error("management gets the promise form")
		}
		post(marta, "/customers/C-1/promises", promise, http.StatusForbidden)

		dispute := url.Values{"csrf": {csrf}, "document": {"F-1"}, "reason": {"quality"}, "note": {"broken taps"}}
		post(ana, "/customers/C-2/disputes", url.Values{"csrf": {csrf}, "document": {"F-2"}, "reason": {"price"}}, http.StatusNotFound)
		post(ana, "/customers/C-1/disputes", dispute, http.StatusSeeOther)
		body := get(ana, "/customers/C-1", "en", "broken taps", "Quality", "dispute-open")
		if strings.Contains(body, `action="/disputes/`) {
			t.Error("an agent gets the resolution form")
		}
		id := disputeIDRE.FindStringSubmatch(body)[1]
		post(ana, "/disputes/"+id+"/resolve", url.Values{"csrf": {csrf}, "resolution": {"paid"}}, http.StatusForbidden)
		abody := get(alba, "/customers/C-1", "en", `action="/disputes/`+id+`/resolve"`)
		post(alba, "/disputes/"+id+"/resolve", url.Values{"csrf": {csrfRE.FindStringSubmatch(abody)[1]}, "resolution": {"rejected"},
			"note": {"photos show no damage"}}, http.StatusSeeOther)
		get(ana, "/customers/C-1", "es", "Rechazada", "photos show no damage")
	})
}
