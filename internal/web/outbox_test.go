package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/jobs"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// TestOutboxPage: the administration sees the events for the ERP with
// their state, attempts and last error, in English and Spanish; is told
// when no destination is set; sets a webhook (its secret never shown back
// in full); sees a failure and why on the event's page; resends a
// delivered event (in the audit log). Other roles may not.
func TestOutboxPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		ctx := context.Background()
		if _, _, err := lastApp.RecordCollection(ctx, auth.System("test"), app.Idem{Key: "k1", Hash: "k1"},
			app.CollectionRequest{CustomerID: "C-1", Amount: money.New(12550, "EUR"), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash}, Agent: "AG1"}); err != nil {
			t.Fatal(err)
		}
		var fail atomic.Bool
		fail.Store(true)
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if fail.Load() {
				http.Error(w, "ERP is down for maintenance", http.StatusBadGateway)
				return
			}
			w.WriteHeader(http.StatusOK)
		}))
		defer hook.Close()
		now := func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }
		r := jobs.New(db, jobs.Config{Owner: "test", Now: now})
		jobs.Outbox(r, db, jobs.OutboxConfig{})

		b := newBrowser(t, base)
		b.signIn("alba", "correct horse battery")
		status, body, _ := b.get("/outbox", "en")
		for _, want := range []string{"Outbox: events for the ERP", "Collection recorded", "collection.recorded", "Pending",
			"No destination configured", `href="/outbox"`, "Save destination"} {
			if !strings.Contains(body, want) {
				t.Errorf("outbox page lacks %q", want)
			}
		}
		if status != http.StatusOK {
			t.Fatalf("outbox page: %d", status)
		}
		csrf := csrfRE.FindStringSubmatch(body)[1]
		// A bad address and a short secret are refused, with the message.
		status, _ = b.post("/outbox/destination", url.Values{"csrf": {csrf}, "webhook_url": {"ftp://x"}, "webhook_secret": {"0123456789abcdef"}})
		if status != http.StatusBadRequest {
			t.Errorf("bad address: %d", status)
		}
		const secret = "whsec_0123456789_abcdefXYZW"
		if status, h := b.post("/outbox/destination", url.Values{"csrf": {csrf}, "webhook_url": {hook.URL + "/cobro"},
			"webhook_secret": {secret}}); status != http.StatusSeeOther || h.Get("Location") != "/outbox?done=saved" {
			t.Fatalf("save: %d %v", status, h)
		}
		if _, err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		_, body, _ = b.get("/outbox?done=saved", "en")
		if strings.Contains(body, secret) || !strings.Contains(body, "XYZW") || strings.Contains(body, "No destination configured") ||
			!strings.Contains(body, "502 Bad Gateway: ERP is down for maintenance") || !strings.Contains(body, "1 / 12") {
			t.Fatalf("after a failed attempt:\n%s", body)
		}
		id := regexp.MustCompile(`href="/outbox/([0-9a-f-]{36})"`).FindStringSubmatch(body)[1]
		status, body, _ = b.get("/outbox/"+id, "es")
		for _, want := range []string{"Cobro registrado", "Intentos", "502", "ERP is down for maintenance", hook.URL + "/cobro", "&#34;amount_minor&#34;: 12550"} {
			if !strings.Contains(body, want) {
				t.Errorf("event page in Spanish lacks %q", want)
			}
		}
		if status != http.StatusOK || strings.Contains(body, secret) || strings.Contains(body, "/resend") {
			t.Fatalf("event page: %d\n%s", status, body)
		}
		// Keeping the secret: an empty field changes the address only.
		if status, _ := b.post("/outbox/destination", url.Values{"csrf": {csrf}, "webhook_url": {hook.URL + "/cobro"}}); status != http.StatusSeeOther {
			t.Fatalf("save without the secret: %d", status)
		}
		// The receiver comes back; the event is delivered on its retry.
		fail.Store(false)
		r2 := jobs.New(db, jobs.Config{Owner: "test", Now: func() time.Time { return now().Add(time.Hour) }})
		jobs.Outbox(r2, db, jobs.OutboxConfig{})
		if _, err := r2.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		status, body, _ = b.get("/outbox?state=delivered", "es")
		if status != http.StatusOK || !strings.Contains(body, "Envíos: eventos para el ERP") || !strings.Contains(body, "Entregado") ||
			!strings.Contains(body, "/outbox/"+id+"/resend") {
			t.Fatalf("delivered, in Spanish: %d\n%s", status, body)
		}
		if status, h := b.post("/outbox/"+id+"/resend", url.Values{"csrf": {csrf}}); status != http.StatusSeeOther || h.Get("Location") != "/outbox/"+id+"?done=resent" {
			t.Fatalf("resend: %d %v", status, h)
		}
		if status, _ := b.post("/outbox/"+id+"/resend", url.Values{"csrf": {csrf}}); status != http.StatusNotFound {
			t.Errorf("resend of a pending event: %d, want 404", status)
		}
		if _, body, _ = b.get("/outbox?state=pending", "en"); !strings.Contains(body, "/outbox/"+id) {
			t.Errorf("the resent event is not pending")
		}
		if status, _ := b.post("/outbox/test", url.Values{"csrf": {csrf}}); status != http.StatusSeeOther {
			t.Errorf("test event: %d", status)
		}
		if _, body, _ = b.get("/outbox", "en"); !strings.Contains(body, "Test event") {
			t.Errorf("no test event listed")
		}
		if status, _, _ := b.get("/outbox?state=nonsense", "en"); status != http.StatusBadRequest {
			t.Errorf("unknown state: %d", status)
		}
		// Other roles may not act.
		for _, user := range []string{"ana", "sergio", "marta"} {
			o := newBrowser(t, base)
			o.signIn(user, "correct horse battery")
			_, page, _ := o.get("/", "en")
			c := csrfRE.FindStringSubmatch(page)[1]
			if strings.Contains(page, `href="/outbox"`) {
				t.Errorf("%s sees the outbox in the menu", user)
			}
			for _, p := range []string{"/outbox/" + id + "/resend", "/outbox/destination", "/outbox/test"} {
				if status, _ := o.post(p, url.Values{"csrf": {c}, "webhook_url": {"https://evil.example"}}); status != http.StatusForbidden {
					t.Errorf("POST %s as %s: %d", p, user, status)
				}
			}
		}
		var actions []string
		if err := db.Read(ctx, func(tx *store.Tx) error {
			for _, eid := range []string{id, "delivery"} {
				es, err := tx.AuditOf(ctx, "outbox", eid)
				if err != nil {
					return err
				}
				for _, e := range es {
					actions = append(actions, e.Action+" "+e.Actor+" "+e.Source+" "+e.Detail)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(actions, ","); !strings.Contains(got, "outbox.resend user:alba") || !strings.Contains(got, "outbox.configure user:alba") ||
			strings.Contains(got, secret) {
			t.Errorf("audit %s", got)
		}
	})
}
