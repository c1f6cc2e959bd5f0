package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestDunningPage: the administration sees what the next run sends, with
// the message a customer would get in their language, runs it, and sees
// it sent; a run repeated sends nothing new; other roles may not.
func TestDunningPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		if _, err := lastApp.ImportCustomers(context.Background(), auth.System("test"), strings.NewReader(`[
 {"customer_id": "C-1", "name": "Ferretería Núñez", "agent": "AG1", "currency": "EUR", "email": "pagos@nunez.example", "language": "es", "phone": "600 111 222", "credit_limit": {"amount": 100000, "currency": "EUR"}}]`),
			app.ImportOptions{File: "c.json", Format: "json"}); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, base)
		b.signIn("alba", "correct horse battery")
		status, body, _ := b.get("/dunning", "es")
		if status != 200 || !strings.Contains(body, "Ferretería Núñez") || !strings.Contains(body, "1.234,56") {
			t.Fatalf("dunning page: %d %s", status, body)
		}
		status, body, _ = b.get("/dunning?preview=C-1", "es")
		if status != 200 || !strings.Contains(body, `id="preview-subject"`) || !strings.Contains(body, "2026/0001") {
			t.Fatalf("preview: %d %s", status, body)
		}
		csrf := csrfRE.FindStringSubmatch(body)[1]
		status, h := b.post("/dunning/run", url.Values{"csrf": {csrf}})
		if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/dunning?ran=1%2F") {
			t.Fatalf("run: %d %v", status, h)
		}
		_, body, _ = b.get("/dunning", "es")
		if !strings.Contains(body, "pagos@nunez.example") {
			t.Fatalf("the send is not listed: %s", body)
		}
		if status, h = b.post("/dunning/run", url.Values{"csrf": {csrf}}); !strings.HasPrefix(h.Get("Location"), "/dunning?ran=0%2F") {
			t.Fatalf("a second run the same day: %d %v", status, h)
		}
		other := newBrowser(t, base)
		other.signIn("sergio", "correct horse battery")
		_, body, _ = other.get("/", "es")
		if status, _ := other.post("/dunning/run", url.Values{"csrf": {csrfRE.FindStringSubmatch(body)[1]}}); status != http.StatusForbidden {
			t.Fatalf("a supervisor ran the reminders: %d", status)
		}
	})
}
