package jobs_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cobro/internal/dbtest"
	"cobro/internal/jobs"
	"cobro/internal/store"
)

const hookSecret = "whsec_test_0123456789"

// verify checks a webhook request the way docs/webhooks.md tells a
// receiver to, written here apart from the signing code: split the
// Cobro-Signature header into t and v1, recompute HMAC-SHA256(secret,
// t + "." + raw body) in hex, compare in constant time, and refuse a t
// far from the receiver's clock.
func verify(r *http.Request, body []byte, secret string, now time.Time) bool {
	var ts, sig string
	for _, part := range strings.Split(r.Header.Get("Cobro-Signature"), ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	if ts == "" || sig == "" || ts != r.Header.Get("Cobro-Timestamp") {
		return false
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(body)))
	want := hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(sig))
}

type received struct {
	id, topic string
	body      map[string]any
	signed    bool
}

// receiver answers with the statuses given, in turn, then 204; it records
// every request and whether its signature verified.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	got      []received
	clk      *clock
	secret   string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.got = append(rc.got, received{id: r.Header.Get("Cobro-Event-Id"), topic: r.Header.Get("Cobro-Topic"), body: m,
		signed: verify(r, b, rc.secret, rc.clk.Now())})
	if len(rc.statuses) > 0 {
		s := rc.statuses[0]
		rc.statuses = rc.statuses[1:]
		w.WriteHeader(s)
		io.WriteString(w, "receiver down: try later\nline two")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func outboxSetup(t *testing.T, db *store.DB, clk *clock, dest store.OutboxDelivery, events ...string) *jobs.Runner {
	t.Helper()
	ctx := context.Background()
	var evs []store.OutboxEvent
	for _, id := range events {
		evs = append(evs, store.OutboxEvent{Topic: "collection.recorded", AggregateID: id, CustomerID: "C-1",
			Payload: map[string]any{"id": id, "amount_minor": 12550, "currency": "EUR"}})
	}
	if err := db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.AppendOutbox(ctx, evs, clk.Now()); err != nil {
			return err
		}
		dest.UpdatedAt = clk.Now()
		return tx.SetOutboxDelivery(ctx, dest)
	}); err != nil {
		t.Fatal(err)
	}
	r := jobs.New(db, jobs.Config{Owner: "t", Now: clk.Now, Jitter: func() float64 { return 0 }})
	jobs.Outbox(r, db, jobs.OutboxConfig{})
	return r
}

func outboxEvents(t *testing.T, db *store.DB) []store.OutboxEvent {
	t.Helper()
	var out []store.OutboxEvent
	if err := db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = tx.Outbox(context.Background(), "", "", 100)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func attempts(t *testing.T, db *store.DB, id string) []store.OutboxAttempt {
	t.Helper()
	var out []store.OutboxAttempt
	if err := db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = tx.OutboxAttempts(context.Background(), id, 100)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOutboxWebhook: each event is posted once, signed so that the
// documented recipe verifies it, with its id and topic in the headers;
// a receiver that fails twice gets retries after the backoff, each
// attempt recorded with its status and an excerpt of the answer, and then
// the event is delivered.
func TestOutboxWebhook(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock()
		rc := &receiver{clk: clk, secret: hookSecret, statuses: []int{500, 500}}
		srv := httptest.NewServer(rc)
		defer srv.Close()
		r := outboxSetup(t, db, clk, store.OutboxDelivery{WebhookURL: srv.URL + "/hook?token=abc", WebhookSecret: hookSecret}, "K-1")
		if _, err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		ev := outboxEvents(t, db)[0]
		if ev.State != store.OutboxPending || ev.Attempts != 1 || !strings.Contains(ev.LastError, "500") ||
			!strings.Contains(ev.LastError, "receiver down: try later line two") {
			t.Fatalf("after a 500: %+v", ev)
		}
		if want := clk.Now().Add(jobs.OutboxBackoff.Delay(1, 0)); !ev.NextAttemptAt.Equal(want) {
			t.Errorf("next attempt at %s, want %s", ev.NextAttemptAt, want)
		}
		// Not due yet: nothing is sent.
		clk.Add(10 * time.Second)
		if _, err := r.RunDue(ctx); err != nil || len(rc.requests()) != 1 {
			t.Fatalf("sent before the backoff: %d %v", len(rc.requests()), err)
		}
		clk.Add(jobs.OutboxBackoff.Delay(1, 0))
		r.RunDue(ctx)
		ev = outboxEvents(t, db)[0]
		if ev.Attempts != 2 || ev.State != store.OutboxPending || !ev.NextAttemptAt.Equal(clk.Now().Add(jobs.OutboxBackoff.Delay(2, 0))) {
			t.Fatalf("after the second 500: %+v", ev)
		}
		clk.Add(jobs.OutboxBackoff.Delay(2, 0))
		r.RunDue(ctx)
		ev = outboxEvents(t, db)[0]
		if ev.State != store.OutboxDelivered || ev.Attempts != 3 || ev.LastError != "" || !ev.DeliveredAt.Equal(clk.Now()) {
			t.Fatalf("after the 204: %+v", ev)
		}
		got := rc.requests()
		if len(got) != 3 {
			t.Fatalf("%d requests", len(got))
		}
		for _, g := range got {
			if !g.signed || g.id != ev.ID || g.topic != "collection.recorded" || g.body["id"] != ev.ID ||
				g.body["data"].(map[string]any)["amount_minor"] != float64(12550) || g.body["aggregate_id"] != "K-1" {
				t.Errorf("request %+v", g)
			}
		}
		as := attempts(t, db, ev.ID)
		if len(as) != 3 || as[0].Status != 500 || as[0].OK || as[2].Status != 204 || !as[2].OK ||
			as[0].Target != srv.URL+"/hook" || as[0].Destination != store.DestWebhook {
			t.Errorf("attempts %+v", as)
		}
		for _, a := range as {
			if strings.Contains(a.Error, hookSecret) || strings.Contains(a.Target, "token") {
				t.Errorf("an attempt shows a secret: %+v", a)
			}
		}
		// Delivered: never sent again.
		clk.Add(time.Hour)
		r.RunDue(ctx)
		if len(rc.requests()) != 3 {
			t.Errorf("a delivered event was sent again")
		}
	})
}

// TestOutboxWrongSecret: a receiver with another secret refuses the
// signature (the recipe is not satisfied by any secret).
func TestOutboxWrongSecret(t *testing.T) {
	clk := newClock()
	db := dbtest.Open(t, "sqlite")
	rc := &receiver{clk: clk, secret: "another secret"}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	r := outboxSetup(t, db, clk, store.OutboxDelivery{WebhookURL: srv.URL, WebhookSecret: hookSecret}, "K-1")
	r.RunDue(context.Background())
	if got := rc.requests(); len(got) != 1 || got[0].signed {
		t.Fatalf("verified with the wrong secret: %+v", got)
	}
}

// TestOutboxDead: an event refused at every attempt is dead after the
// last, and a resend makes it pending and due at once, counted afresh.
func TestOutboxDead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock()
		var statuses []int
		for range jobs.OutboxMaxAttempts {
			statuses = append(statuses, http.StatusBadRequest)
		}
		rc := &receiver{clk: clk, secret: hookSecret, statuses: statuses}
		srv := httptest.NewServer(rc)
		defer srv.Close()
		r := outboxSetup(t, db, clk, store.OutboxDelivery{WebhookURL: srv.URL, WebhookSecret: hookSecret}, "K-1")
		for range jobs.OutboxMaxAttempts + 2 {
			if _, err := r.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			clk.Add(7 * time.Hour)
		}
		ev := outboxEvents(t, db)[0]
		if ev.State != store.OutboxDead || ev.Attempts != jobs.OutboxMaxAttempts || !strings.Contains(ev.LastError, "400") {
			t.Fatalf("after %d refusals: %+v", jobs.OutboxMaxAttempts, ev)
		}
		if n := len(rc.requests()); n != jobs.OutboxMaxAttempts {
			t.Fatalf("%d requests", n)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { _, err := tx.ResendOutbox(ctx, ev.ID, clk.Now()); return err }); err != nil {
			t.Fatal(err)
		}
		r.RunDue(ctx)
		ev = outboxEvents(t, db)[0]
		if ev.State != store.OutboxDelivered || ev.Attempts != 1 || len(rc.requests()) != jobs.OutboxMaxAttempts+1 {
			t.Fatalf("after the resend: %+v", ev)
		}
	})
}

// TestOutboxCSVDrop: with a drop folder, the due events are written as one
// CSV file with a header, readable by any CSV reader, and nothing half
// written is left behind; with both destinations, a webhook that fails
// does not write the file again on the retry.
func TestOutboxCSVDrop(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock()
		rc := &receiver{clk: clk, secret: hookSecret, statuses: []int{503}}
		srv := httptest.NewServer(rc)
		defer srv.Close()
		dir := t.TempDir()
		r := outboxSetup(t, db, clk, store.OutboxDelivery{CSVDir: dir, WebhookURL: srv.URL, WebhookSecret: hookSecret}, "K-1", "K-2")
		r.RunDue(ctx)
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		if len(files) != 1 || !strings.HasSuffix(files[0], ".csv") || strings.HasPrefix(filepath.Base(files[0]), ".") {
			t.Fatalf("files %v", files)
		}
		f, err := os.Open(files[0])
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		evs := outboxEvents(t, db)
		if len(rows) != 3 || strings.Join(rows[0], ",") != "event_id,topic,aggregate_id,customer_id,created_at,payload" ||
			rows[1][0] != evs[0].ID || rows[2][2] != "K-2" || rows[1][1] != "collection.recorded" || rows[1][3] != "C-1" ||
			rows[1][4] != "2026-12-03T10:00:00Z" {
			t.Fatalf("rows %q", rows)
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(rows[1][5]), &p); err != nil || p["amount_minor"] != float64(12550) {
			t.Errorf("payload %q: %v", rows[1][5], err)
		}
		// K-1's webhook got a 503, K-2's a 204: K-1 waits, its file written.
		if evs[0].State != store.OutboxPending || evs[1].State != store.OutboxDelivered {
			t.Fatalf("states %s %s", evs[0].State, evs[1].State)
		}
		clk.Add(time.Hour)
		r.RunDue(ctx)
		files, _ = filepath.Glob(filepath.Join(dir, "*"))
		if evs = outboxEvents(t, db); len(files) != 1 || evs[0].State != store.OutboxDelivered {
			t.Fatalf("after the retry: %v, %s", files, evs[0].State)
		}
		as := attempts(t, db, evs[0].ID)
		if len(as) != 3 || as[0].Destination != store.DestCSV || as[0].Target != files[0] || !as[0].OK {
			t.Errorf("attempts %+v", as)
		}
	})
}

// TestOutboxNoDestination: with none configured, events stay pending and
// untried.
func TestOutboxNoDestination(t *testing.T) {
	db := dbtest.Open(t, "sqlite")
	clk := newClock()
	r := outboxSetup(t, db, clk, store.OutboxDelivery{}, "K-1")
	r.RunDue(context.Background())
	if ev := outboxEvents(t, db)[0]; ev.State != store.OutboxPending || ev.Attempts != 0 {
		t.Fatalf("%+v", ev)
	}
}
