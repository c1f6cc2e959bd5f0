package crash

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"cobro/internal/dbtest"
)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// agentPhone is the field app as the crash test drives it: signed in as
// an agent, sending its queue to POST /field/sync.
type agentPhone struct {
	base string
	c    *http.Client
	csrf string
}

func (p *agentPhone) signIn(t *testing.T, user, password string) {
	t.Helper()
	res, err := p.c.Get(p.base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("no CSRF token on the sign-in page")
	}
	if res, err = p.c.PostForm(p.base+"/login", url.Values{"csrf": {m[1]}, "name": {user}, "password": {password}, "next": {"/"}}); err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if m = csrfField.FindStringSubmatch(string(b)); m == nil {
		t.Fatalf("not signed in: %s", b)
	}
	p.csrf = m[1]
}

func (p *agentPhone) post(path string, body any, out any) (int, error) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", p.base+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-CSRF-Token", p.csrf)
	res, err := p.c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if out != nil && res.StatusCode < 300 {
		return res.StatusCode, json.Unmarshal(b, out)
	}
	return res.StatusCode, nil
}

type syncAnswer struct {
	Results []struct {
		ID            string `json:"id"`
		State         string `json:"state"`
		CollectionID  string `json:"collection_id"`
		ReceiptNumber string `json:"receipt_number"`
		Message       string `json:"message"`
	} `json:"results"`
}

// TestKilledDuringFieldSync kills the server with SIGKILL again and again
// while an agent's phone syncs its queue of offline collections; the phone
// retries whatever it did not hear back. In the end every collection is
// recorded exactly once, under its printed receipt number, and each one
// acknowledged before a kill is the same collection afterwards.
func TestKilledDuringFieldSync(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills real processes")
	}
	bin, err := build()
	if err != nil {
		t.Fatal(err)
	}
	rounds := 4
	if os.Getenv("COBRO_LONG") != "" {
		rounds = 15
	}
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			dsn := dbtest.DSN(t, kind)
			seedBook(t, bin, dsn, 10, 30, "AG1")
			cobro(t, bin, "a long password for ana\n", "user", "add", "ana", "--role", "agent", "--agent", "AG1", "--db", dsn)
			addr := freePort(t)
			jar, _ := cookiejar.New(nil)
			phone := &agentPhone{base: "http://" + addr, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}

			srv := start(t, bin, dsn, addr)
			phone.signIn(t, "ana", "a long password for ana")
			var dev struct {
				Device struct{ ID, Series string }
				Block  struct{ First, Last int64 }
			}
			if status, err := phone.post("/field/devices", map[string]any{"name": "Ana's phone"}, &dev); err != nil || status != 201 {
				t.Fatalf("device: %d %v", status, err)
			}
			// The phone's queue: 600 collections taken offline (a block
			// holds 200: the phone reserved three), numbered from its
			// blocks, each paying 1,00 of one invoice.
			for i := 0; i < 2; i++ {
				var b struct{ First, Last int64 }
				if status, err := phone.post("/field/devices/"+dev.Device.ID+"/blocks", map[string]any{}, &b); err != nil || status != 201 {
					t.Fatalf("block: %d %v", status, err)
				}
			}
			at := time.Now().Add(time.Second).UTC().Format(time.RFC3339) // not before the company was set up
			var queue []map[string]any
			for i := 0; i < 600; i++ {
				cu, d := i%10, (i/10)%30
				queue = append(queue, map[string]any{"id": fmt.Sprintf("0190a1b2-0000-7000-8000-%012d", i), "customer_id": fmt.Sprintf("C%02d", cu),
					"amount": map[string]any{"amount": 100, "currency": "EUR"}, "instrument": map[string]any{"kind": "cash"},
					"allocations":  []any{map[string]any{"document_id": fmt.Sprintf("F%02d-%02d", cu, d), "amount": map[string]any{"amount": 100, "currency": "EUR"}}},
					"collected_at": at, "device_id": dev.Device.ID, "receipt_number": fmt.Sprintf("%s-%06d", dev.Device.Series, dev.Block.First+int64(i))})
			}
			srv.kill()
			acked := map[string]string{} // the phone's id → collection id, for every one the phone heard recorded
			var mu sync.Mutex
			rng := rand.New(rand.NewPCG(uint64(len(kind)), 11))
			for round := 0; round < rounds; round++ {
				srv := start(t, bin, dsn, addr)
				done := make(chan struct{})
				go func() {
					defer close(done)
					for {
						mu.Lock()
						var pending []map[string]any
						for _, it := range queue {
							if _, ok := acked[it["id"].(string)]; !ok {
								pending = append(pending, it)
							}
						}
						mu.Unlock()
						if len(pending) == 0 {
							return
						}
						var out syncAnswer
						if _, err := phone.post("/field/sync", map[string]any{"collections": pending[:min(10, len(pending))]}, &out); err != nil {
							return // the server died under us
						}
						mu.Lock()
						for _, r := range out.Results {
							if r.State == "recorded" {
								acked[r.ID] = r.CollectionID
							}
						}
						mu.Unlock()
					}
				}()
				time.Sleep(time.Duration(50+rng.IntN(250)) * time.Millisecond)
				srv.kill()
				<-done
			}
			// Back up: the phone sends its whole queue again, every item.
			srv = start(t, bin, dsn, addr)
			defer srv.kill()
			var out syncAnswer
			for i := 0; i < len(queue); i += 100 { // in requests of 100, as the app sends them
				var part syncAnswer
				if status, err := phone.post("/field/sync", map[string]any{"collections": queue[i:min(i+100, len(queue))]}, &part); err != nil || status != 200 {
					t.Fatalf("final sync: %d %v", status, err)
				}
				out.Results = append(out.Results, part.Results...)
			}
			numbers := map[string]bool{}
			for _, r := range out.Results {
				if r.State != "recorded" {
					t.Fatalf("%s: %s %s", r.ID, r.State, r.Message)
				}
				if id, ok := acked[r.ID]; ok && id != r.CollectionID {
					t.Fatalf("%s was acknowledged as %s, synced again as %s", r.ID, id, r.CollectionID)
				}
				numbers[r.ReceiptNumber] = true
			}
			if len(out.Results) != len(queue) || len(numbers) != len(queue) {
				t.Fatalf("%d answers, %d distinct receipt numbers for %d collections", len(out.Results), len(numbers), len(queue))
			}
			token := strings.TrimSpace(cobro(t, bin, "", "token", "create", "--db", dsn, "--name", "check", "--role", "admin"))
			c := &client{base: "http://" + addr, token: token, http: &http.Client{Timeout: 10 * time.Second}}
			stored, cursor := 0, ""
			for {
				var page struct {
					Items      []json.RawMessage `json:"items"`
					NextCursor string            `json:"next_cursor"`
				}
				if err := c.get("/api/v1/collections?limit=500&cursor="+cursor, &page); err != nil {
					t.Fatal(err)
				}
				stored += len(page.Items)
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			if stored != len(queue) {
				t.Fatalf("%d collections stored for %d synced (%d heard before a kill)", stored, len(queue), len(acked))
			}
			t.Logf("%d rounds killed with SIGKILL during the sync; %d heard recorded before a kill; all %d present once", rounds, len(acked), len(queue))
			if out := cobro(t, bin, "", "check", "--db", dsn); !strings.Contains(out, "every invariant holds") {
				t.Fatalf("check: %s", out)
			}
		})
	}
}
