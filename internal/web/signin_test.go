package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestNoRedirectToAnotherHost: the language switch and the sign-in send
// back to next only when it is a path on this site.
func TestNoRedirectToAnotherHost(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		b := newBrowser(t, base)
		for next, want := range map[string]string{
			"/%09/evil.example":    "/",
			"/%0A/evil.example":    "/",
			"//evil.example":       "/",
			"/%5Cevil.example":     "/",
			"https://evil.example": "/",
			"/customers?x=1":       "/customers?x=1",
		} {
			status, _, h := b.get("/language?lang=en&next="+next, "")
			if status != http.StatusSeeOther || h.Get("Location") != want {
				t.Errorf("/language?next=%s: %d to %q, want %q", next, status, h.Get("Location"), want)
			}
		}
		_, body, _ := b.get("/login", "")
		token := csrfRE.FindStringSubmatch(body)[1]
		raw, _ := url.QueryUnescape("/%09/evil.example")
		status, h := b.post("/login", url.Values{"csrf": {token}, "name": {"ana"}, "password": {"correct horse battery"}, "next": {raw}})
		if status != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Errorf("sign-in with next %q: %d to %q, want /", raw, status, h.Get("Location"))
		}
	})
}
