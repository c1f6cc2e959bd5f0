package web_test

import (
	"bufio"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/server"
	"cobro/internal/store"
	"cobro/internal/web"
)

// TestCollectionsLive: the office watches the collections page on one app
// server while an agent records a collection through another sharing the
// database: it arrives on the stream. The office voids it from its
// receipt page; an agent may not.
func TestCollectionsLive(t *testing.T) {
	web.SetLive(100*time.Millisecond, 3*time.Second)
	t.Cleanup(func() { web.SetLive(2*time.Second, 25*time.Second) })
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		// A second app server on the same database.
		// Its clock is the first one's: sessions expire by it.
		other := app.New(db, app.WithHasher(cheap), app.WithClock(func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }))
		pages, err := web.New(other, slog.New(slog.DiscardHandler), web.Config{})
		if err != nil {
			t.Fatal(err)
		}
		srv2 := httptest.NewServer(server.New(other, slog.New(slog.DiscardHandler), server.Config{Extra: pages.Register}).Handler())
		t.Cleanup(srv2.Close)

		alba := newBrowser(t, base)
		alba.signIn("alba", "correct horse battery")
		alba.get("/language?lang=es&next=/", "")
		_, page, _ := alba.get("/collections", "es")
		i := strings.Index(page, `data-live="`)
		if i < 0 {
			t.Fatal("no live feed on the page")
		}
		rest := page[i+len(`data-live="`):]
		live := strings.ReplaceAll(rest[:strings.IndexByte(rest, '"')], "&amp;", "&")
		res, err := alba.c.Get(base + live)
		if err != nil || res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("live: %v %v", res, err)
		}
		defer res.Body.Close()
		// The agent records on the other server.
		ana := auth.Actor{Name: "ana", Role: auth.Agent, Agent: "AG1", Source: "test"}
		time.Sleep(50 * time.Millisecond)
		c, _, err := other.RecordCollection(context.Background(), ana, app.Idem{Key: "live-1", Hash: "h"},
			app.CollectionRequest{CustomerID: "C-1", Amount: money.New(4321, "EUR"), Instrument: ledger.InstrumentDetail{Kind: ledger.Bizum}})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "data: ") {
				got = norm(line)
				break
			}
		}
		if !strings.Contains(got, c.ReceiptNumber) || !strings.Contains(got, "43,21 €") || !strings.Contains(got, `"Customer":"Ferretería Núñez"`) {
			t.Fatalf("live event %q", got)
		}
		// Void it from its receipt page: the office may, the agent may not.
		_, rp, _ := alba.get("/collections/"+c.ID+"/receipt", "es")
		csrf := csrfRE.FindStringSubmatch(rp)
		if csrf == nil || !strings.Contains(rp, `id="collection-void"`) {
			t.Fatal("no void action on the receipt page")
		}
		if status, _ := alba.post("/collections/"+c.ID+"/void", url.Values{"csrf": {csrf[1]}, "key": {"0190f5c4-0000-7000-8000-0000000000aa"}, "reason": {"tecleado dos veces"}}); status != http.StatusSeeOther {
			t.Fatalf("void: %d", status)
		}
		v, err := other.Collection(context.Background(), auth.System("t"), c.ID)
		if err != nil || v.State != ledger.Voided || v.VoidReason != "tecleado dos veces" {
			t.Fatalf("after void: %+v %v", v, err)
		}
		anaB := newBrowser(t, srv2.URL)
		anaB.signIn("ana", "correct horse battery")
		_, ap, _ := anaB.get("/collections/"+c.ID+"/receipt", "es")
		if strings.Contains(ap, `id="collection-void"`) {
			t.Fatal("an agent is offered to void")
		}
		ac := csrfRE.FindStringSubmatch(ap)
		if status, _ := anaB.post("/collections/"+c.ID+"/void", url.Values{"csrf": {ac[1]}, "reason": {"x"}}); status != http.StatusForbidden {
			t.Fatalf("agent void: %d", status)
		}
		st, list, _ := alba.get("/collections?state=voided", "es")
		if !strings.Contains(list, c.ReceiptNumber) {
			t.Fatalf("the voided collection is not listed under voided: %d %.600s", st, list)
		}
	})
}
