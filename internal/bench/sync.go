package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/server"
	"cobro/internal/store"
	"cobro/internal/web"
)

// syncCollections is how many queued offline collections the sync
// benchmark sends: the target is all of them in under 2 s.
const syncCollections = 500

// runSync measures what an agent's phone does when the signal returns
// after a day without it: it sends its queue of offline collections (half
// allocated to an open document of the agent's, half advances) to
// POST /field/sync in requests of 100, as the field app does, signed in as
// the agent, over loopback HTTP. The baseline is the same number of
// single-row INSERTs + commit, one after another, in the same run.
func runSync(ctx context.Context, s *Session) ([]Result, error) {
	dsn, err := s.Loaded(ctx)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	raw, err := rawDB(dsn)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	a := newApp(db, s.Data)
	// The agent with the most open documents: the worst queue to apply.
	var agentCode string
	if err := raw.QueryRowContext(ctx, `SELECT c.agent FROM documents d JOIN customers c ON c.id = d.customer_id
		WHERE d.open_minor >= 1000 AND d.kind = 'invoice' AND c.agent <> '' GROUP BY c.agent ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&agentCode); err != nil {
		return nil, fmt.Errorf("sync: no agent with open documents: %w", err)
	}
	rows, err := raw.QueryContext(ctx, `SELECT d.id, d.customer_id FROM documents d JOIN customers c ON c.id = d.customer_id
		WHERE c.agent = $1 AND d.open_minor >= 1000 AND d.kind = 'invoice' ORDER BY d.id LIMIT $2`, agentCode, syncCollections)
	if err != nil {
		return nil, err
	}
	var docs []openDoc
	for rows.Next() {
		var d openDoc
		if err := rows.Scan(&d.id, &d.customer); err != nil {
			rows.Close()
			return nil, err
		}
		docs = append(docs, d)
	}
	rows.Close()
	if len(docs) == 0 {
		return nil, fmt.Errorf("sync: agent %s has no open documents", agentCode)
	}
	user := "bench-" + randomHex()
	const password = "bench sync password"
	if err := a.AddUser(ctx, auth.System("bench"), app.User{Name: user, Role: "agent", Agent: agentCode}, password); err != nil {
		return nil, err
	}
	pages, err := web.New(a, slog.New(slog.DiscardHandler), web.Config{})
	if err != nil {
		return nil, err
	}
	srv := httptest.NewServer(server.New(a, slog.New(slog.DiscardHandler), server.Config{Extra: pages.Register}).Handler())
	defer srv.Close()
	client, csrf, err := signIn(ctx, srv.URL, user, password)
	if err != nil {
		return nil, err
	}
	post := func(path string, body any, out any) error {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+path, strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 300 {
			return fmt.Errorf("sync: %s: %d %s", path, res.StatusCode, data)
		}
		return json.Unmarshal(data, out)
	}
	var dev struct {
		Device struct{ ID, Series string }
		Block  struct{ First, Last int64 }
	}
	if err := post("/field/devices", map[string]any{"name": "bench phone"}, &dev); err != nil {
		return nil, err
	}
	// The device's 200 numbers are not enough for 500: reserve as the app does.
	for dev.Block.Last-dev.Block.First+1 < syncCollections {
		var b struct{ First, Last int64 }
		if err := post("/field/devices/"+dev.Device.ID+"/blocks", map[string]any{}, &b); err != nil {
			return nil, err
		}
		dev.Block.Last = b.Last
	}
	at := s.Data.Today.UTC().Format(time.RFC3339)
	items := make([]map[string]any, syncCollections)
	for i := range items {
		d := docs[i%len(docs)]
		it := map[string]any{"id": fmt.Sprintf("%s-%d", user, i), "customer_id": d.customer,
			"amount": map[string]any{"amount": 100, "currency": "EUR"}, "instrument": map[string]any{"kind": "cash"},
			"allocations": []any{}, "collected_at": at, "device_id": dev.Device.ID,
			"receipt_number": fmt.Sprintf("%s-%06d", dev.Device.Series, dev.Block.First+int64(i))}
		if i%2 == 0 {
			it["allocations"] = []any{map[string]any{"document_id": d.id, "amount": map[string]any{"amount": 100, "currency": "EUR"}}}
		}
		items[i] = it
	}
	sync := func() (time.Duration, error) {
		start := time.Now()
		for i := 0; i < len(items); i += 100 {
			var out struct {
				Results []struct{ State, Message string }
			}
			if err := post("/field/sync", map[string]any{"collections": items[i:min(i+100, len(items))]}, &out); err != nil {
				return 0, err
			}
			for _, r := range out.Results {
				if r.State != "recorded" {
					return 0, fmt.Errorf("sync: a collection was %s: %s", r.State, r.Message)
				}
			}
		}
		return time.Since(start), nil
	}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_collect (id TEXT PRIMARY KEY, customer_id TEXT NOT NULL,
		amount_minor BIGINT NOT NULL, currency TEXT NOT NULL, instrument TEXT NOT NULL, collected_at TEXT NOT NULL,
		recorded_at TEXT NOT NULL, collected_by TEXT NOT NULL)`); err != nil {
		return nil, err
	}
	first, err := sync()
	if err != nil {
		return nil, err
	}
	// The same sync again (the phone did not hear the answer): nothing new.
	again, err := sync()
	if err != nil {
		return nil, err
	}
	tag := randomHex()
	start := time.Now()
	for i := range items {
		tx, err := raw.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bench_collect (id, customer_id, amount_minor, currency, instrument, collected_at, recorded_at, collected_by)
			VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`, fmt.Sprintf("sync-%s-%d", tag, i), docs[i%len(docs)].customer, int64(100), "EUR", "cash", at, "bench"); err != nil {
			_ = tx.Rollback()
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
	}
	base := time.Since(start)
	s.logf("sync of %d offline collections: %v (again: %v) against %v of inserts", syncCollections, first, again, base)
	return []Result{{Name: fmt.Sprintf("sync %d offline collections (half allocated), requests of 100", syncCollections), Unit: "s",
		Ours: first.Seconds(), Baseline: base.Seconds(), Ratio: first.Seconds() / base.Seconds(),
		BaseWhat: "single-row INSERT + commit of the same rows, one after another",
		Target:   "under 2 s", Met: met(first < 2*time.Second),
		Note: fmt.Sprintf("the same sync repeated (every answer replayed under its key): %.2f s", again.Seconds())}}, nil
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs in through the sign-in page and returns the client holding
// the session and the session's CSRF token.
func signIn(ctx context.Context, base, user, password string) (*http.Client, string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: time.Minute}
	get := func(path string) (string, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
		res, err := c.Do(req)
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return string(b), err
	}
	page, err := get("/login")
	if err != nil {
		return nil, "", err
	}
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		return nil, "", fmt.Errorf("sync: no CSRF token on the sign-in page")
	}
	res, err := c.PostForm(base+"/login", url.Values{"csrf": {m[1]}, "name": {user}, "password": {password}, "next": {"/"}})
	if err != nil {
		return nil, "", err
	}
	res.Body.Close()
	page, err = get("/")
	if err != nil {
		return nil, "", err
	}
	if m = csrfField.FindStringSubmatch(page); m == nil {
		return nil, "", fmt.Errorf("sync: not signed in")
	}
	return c, m[1], nil
}
