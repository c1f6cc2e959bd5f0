// Package crash kills a real `cobro serve` process with SIGKILL while it
// records collections and imports documents, restarts it, and checks that
// every acknowledged collection is there exactly once, that retries record
// nothing twice, and that the ledger's invariants hold. SIGKILL tests a
// process crash; docs/reliability.md says what it does not cover.
package crash

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cobro/internal/dbtest"
)

// build compiles the cobro binary once for the package's tests.
var build = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "cobro-crash-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "cobro")
	out, err := exec.Command("go", "build", "-o", bin, "cobro/cmd/cobro").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func cobro(t *testing.T, bin, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cobro %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type server struct {
	cmd  *exec.Cmd
	addr string
}

func start(t *testing.T, bin, dsn, addr string) *server {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", addr)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get("http://" + addr + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return &server{cmd: cmd, addr: addr}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	t.Fatal("cobro serve did not start")
	return nil
}

// seedBook sets up the company and imports customers C00… (of agent,
// "" for none), each with docs open invoices F00-00… of 1,000.00, through
// the command line.
func seedBook(t *testing.T, bin, dsn string, customers, docs int, agent string) {
	t.Helper()
	dir := t.TempDir()
	cobro(t, bin, "", "company", "--db", dsn, "--name", "Crash S.L.", "--currency", "EUR")
	var cust, doc bytes.Buffer
	cust.WriteString("customer_id,name,currency,agent\n")
	doc.WriteString("document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n")
	for c := 0; c < customers; c++ {
		fmt.Fprintf(&cust, "C%02d,Cliente %d,EUR,%s\n", c, c, agent)
		for d := 0; d < docs; d++ {
			fmt.Fprintf(&doc, "F%02d-%02d,C%02d,invoice,2026-10-01,2026-11-01,EUR,1000.00,1000.00\n", c, d, c)
		}
	}
	cf, df := filepath.Join(dir, "c.csv"), filepath.Join(dir, "d.csv")
	if err := os.WriteFile(cf, cust.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(df, doc.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	cobro(t, bin, "", "import", "customers", cf, "--db", dsn)
	cobro(t, bin, "", "import", "documents", df, "--db", dsn)
}

func (s *server) kill() {
	_ = s.cmd.Process.Kill() // SIGKILL: no shutdown, no flush
	_ = s.cmd.Wait()
}

type client struct {
	base, token string
	http        *http.Client
}

func (c *client) post(path, key, body string) (int, []byte, error) {
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Idempotency-Key", key)
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

func (c *client) get(path string, v any) error {
	req, _ := http.NewRequest("GET", c.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		return fmt.Errorf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

func TestKilledServerLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills real processes")
	}
	bin, err := build()
	if err != nil {
		t.Fatal(err)
	}
	rounds := 4
	if os.Getenv("COBRO_LONG") != "" {
		rounds = 25
	}
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			dsn := dbtest.DSN(t, kind)
			seedBook(t, bin, dsn, 20, 50, "")
			token := strings.TrimSpace(cobro(t, bin, "", "token", "create", "--db", dsn, "--name", "crash", "--role", "admin"))
			addr := freePort(t)
			c := &client{base: "http://" + addr, token: token, http: &http.Client{Timeout: 10 * time.Second}}

			// Each round also imports new documents through the bulk API
			// while the server may be killed.
			bulk := func(round int) string {
				var b strings.Builder
				b.WriteString("[")
				for i := 0; i < 300; i++ {
					if i > 0 {
						b.WriteString(",")
					}
					fmt.Fprintf(&b, `{"document_id":"N%d-%03d","customer_id":"C%02d","kind":"invoice","issue_date":"2026-10-01",`+
						`"due_date":"2026-12-01","amount":{"amount":5000,"currency":"EUR"},"open_amount":{"amount":5000,"currency":"EUR"}}`, round, i, i%20)
				}
				return b.String() + "]"
			}
			rng := rand.New(rand.NewPCG(uint64(len(kind)), 7))
			acked := map[string]string{} // idempotency key → collection id, for every 201 seen
			sent := map[string]string{}  // idempotency key → body, for every request sent
			var mu sync.Mutex
			seq := 0
			for round := 0; round < rounds; round++ {
				srv := start(t, bin, dsn, addr)
				ctx, cancel := context.WithCancel(context.Background())
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _, _ = c.post("/api/v1/documents/bulk", fmt.Sprintf("bulk-%d", round), bulk(round))
				}()
				for w := 0; w < 4; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for ctx.Err() == nil {
							mu.Lock()
							seq++
							key := fmt.Sprintf("r%d-%d", round, seq)
							cu, d := seq%20, seq%50
							body := fmt.Sprintf(`{"customer_id":"C%02d","amount":{"amount":100,"currency":"EUR"},"instrument":{"kind":"cash"},`+
								`"allocations":[{"document_id":"F%02d-%02d","amount":{"amount":100,"currency":"EUR"}}]}`, cu, cu, d)
							sent[key] = body
							mu.Unlock()
							status, b, err := c.post("/api/v1/collections", key, body)
							if err != nil {
								return // the server died under us
							}
							if status == 201 {
								var v struct{ ID string }
								_ = json.Unmarshal(b, &v)
								mu.Lock()
								acked[key] = v.ID
								mu.Unlock()
							}
						}
					}()
				}
				time.Sleep(time.Duration(100+rng.IntN(400)) * time.Millisecond)
				srv.kill()
				cancel()
				wg.Wait()
			}
			// Restart and retry everything that was sent: what was
			// acknowledged replays the same collection, the rest records once.
			srv := start(t, bin, dsn, addr)
			defer srv.kill()
			for key, body := range sent {
				// A killed server leaves no claim behind (the claim is
				// the work's own row): the retry runs at once.
				status, b, err := c.post("/api/v1/collections", key, body)
				if err != nil || status != 201 {
					t.Fatalf("retry %s: %d %v %s", key, status, err, b)
				}
				var v struct{ ID string }
				_ = json.Unmarshal(b, &v)
				if id, ok := acked[key]; ok && id != v.ID {
					t.Fatalf("key %s was acknowledged as %s, retried as %s", key, id, v.ID)
				}
			}
			// Every import completes when sent again, and holds all its rows.
			for round := 0; round < rounds; round++ {
				status, b, err := c.post("/api/v1/documents/bulk", fmt.Sprintf("bulk-again-%d", round), bulk(round))
				var rep struct{ Inserted, Unchanged, Rejected int }
				_ = json.Unmarshal(b, &rep)
				if err != nil || status != 200 || rep.Inserted+rep.Unchanged != 300 || rep.Rejected != 0 {
					t.Fatalf("re-import of round %d: %d %v %s", round, status, err, b)
				}
			}
			var c00 struct {
				Items []json.RawMessage `json:"items"`
			}
			if err := c.get("/api/v1/customers/C00/documents?limit=500", &c00); err != nil {
				t.Fatal(err)
			}
			if want := 50 + rounds*15; len(c00.Items) != want {
				t.Fatalf("C00 has %d documents, want %d", len(c00.Items), want)
			}
			n, cursor := 0, ""
			for {
				var page struct {
					Items      []json.RawMessage `json:"items"`
					NextCursor string            `json:"next_cursor"`
				}
				if err := c.get("/api/v1/collections?limit=500&cursor="+cursor, &page); err != nil {
					t.Fatal(err)
				}
				n += len(page.Items)
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			if n != len(sent) {
				t.Fatalf("%d collections stored for %d distinct requests (%d acknowledged before a kill)", n, len(sent), len(acked))
			}
			t.Logf("%d rounds killed with SIGKILL; %d requests, %d acknowledged before a kill, all present once", rounds, len(sent), len(acked))
			if out := cobro(t, bin, "", "check", "--db", dsn); !strings.Contains(out, "every invariant holds") {
				t.Fatalf("check: %s", out)
			}
		})
	}
}

// TestTwoServersOneDatabase runs two servers on one PostgreSQL, alternating
// requests between them (a retry goes to the other server): every
// collection is recorded once and the ledger checks clean.
func TestTwoServersOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs real processes")
	}
	bin, err := build()
	if err != nil {
		t.Fatal(err)
	}
	dsn := dbtest.DSN(t, "postgres")
	dir := t.TempDir()
	cobro(t, bin, "", "company", "--db", dsn, "--name", "Dos S.L.", "--currency", "EUR")
	cf, df := filepath.Join(dir, "c.csv"), filepath.Join(dir, "d.csv")
	_ = os.WriteFile(cf, []byte("customer_id,name,currency\nC1,Uno,EUR\nC2,Dos,EUR\n"), 0o600)
	_ = os.WriteFile(df, []byte("document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n"+
		"F1,C1,invoice,2026-10-01,2026-11-01,EUR,500.00,500.00\nF2,C2,invoice,2026-10-01,2026-11-01,EUR,500.00,500.00\n"), 0o600)
	cobro(t, bin, "", "import", "customers", cf, "--db", dsn)
	cobro(t, bin, "", "import", "documents", df, "--db", dsn)
	token := strings.TrimSpace(cobro(t, bin, "", "token", "create", "--db", dsn, "--name", "two", "--role", "admin"))
	a, b := start(t, bin, dsn, freePort(t)), start(t, bin, dsn, freePort(t))
	defer a.kill()
	defer b.kill()
	clients := []*client{{base: "http://" + a.addr, token: token, http: http.DefaultClient}, {base: "http://" + b.addr, token: token, http: http.DefaultClient}}
	var wg sync.WaitGroup
	created := make([]int, 2)
	var mu sync.Mutex
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				key := fmt.Sprintf("w%d-%d", w, i)
				doc := []string{"F1", "F2"}[i%2]
				body := fmt.Sprintf(`{"customer_id":"C%d","amount":{"amount":100,"currency":"EUR"},"instrument":{"kind":"cash"},`+
					`"allocations":[{"document_id":"%s","amount":{"amount":100,"currency":"EUR"}}]}`, i%2+1, doc)
				s1, _, err := clients[i%2].post("/api/v1/collections", key, body)
				if err != nil {
					t.Error(err)
					return
				}
				// The retry goes to the other server and must replay.
				s2, _, err := clients[(i+1)%2].post("/api/v1/collections", key, body)
				if err != nil || (s1 == 201 && s2 != 201) {
					t.Errorf("retry on the other server: %d then %d %v", s1, s2, err)
				}
				mu.Lock()
				if s1 == 201 {
					created[i%2]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	// 500.00 open on each document, 1.00 per collection: exactly 500 fit
	// on each, whichever server took them, and no more.
	var c1 struct {
		Balance struct{ Amount int64 } `json:"balance"`
	}
	if err := clients[0].get("/api/v1/customers/C1", &c1); err != nil {
		t.Fatal(err)
	}
	if want := int64(50000 - 100*created[0]); c1.Balance.Amount != want {
		t.Fatalf("C1 balance %d, want %d after %d collections", c1.Balance.Amount, want, created[0])
	}
	if out := cobro(t, bin, "", "check", "--db", dsn); !strings.Contains(out, "every invariant holds") {
		t.Fatalf("check: %s", out)
	}
	t.Logf("%d + %d collections through two servers, retries replayed across them", created[0], created[1])
}
