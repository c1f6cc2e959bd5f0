package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"cobro/internal/demo"
)

// syncBuffer is stdout written by the server's goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var (
	bannerURL   = regexp.MustCompile(`running at (http://\S+)`)
	bannerAdmin = regexp.MustCompile(`admin:\s+(cobro_\S+)`)
)

// serveDemo runs `cobro demo args...` until the test stops it, and returns
// what it printed once the banner is out.
func serveDemo(t *testing.T, args ...string) (out *syncBuffer, url, token string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	var errs syncBuffer
	e := &env{stdin: strings.NewReader(""), stdout: out, stderr: &errs, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan error, 1)
	go func() { done <- cmdDemo(ctx, e, args) }()
	stop = func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("cobro demo: %v\n%s", err, errs.String())
			}
		case <-time.After(30 * time.Second):
			t.Error("cobro demo did not stop")
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := out.String()
		u, tok := bannerURL.FindStringSubmatch(s), bannerAdmin.FindStringSubmatch(s)
		if u != nil && tok != nil && strings.Contains(s, "Ctrl-C") {
			return out, u[1], tok[1], stop
		}
		select {
		case err := <-done:
			t.Fatalf("cobro demo ended: %v\n%s\n%s", err, s, errs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no banner after a minute:\n%s\n%s", s, errs.String())
		}
	}
}

func TestDemoCommand(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "demo.db")
	args := []string{"--db", db, "--addr", "127.0.0.1:0"}

	out, url, token, stop := serveDemo(t, args...)
	// An agent's token (ana's) too: it sees only her customers.
	if m := regexp.MustCompile(`agent ana:\s+(cobro_\S+)`).FindStringSubmatch(out.String()); m == nil {
		t.Errorf("the banner has no agent's token:\n%s", out)
	} else {
		req, _ := http.NewRequest("GET", url+"/api/v1/customers?limit=50", nil)
		req.Header.Set("Authorization", "Bearer "+m[1])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			stop()
			t.Fatal(err)
		}
		var page struct {
			Items []struct{ Agent string } `json:"items"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if resp.StatusCode != 200 || err != nil || len(page.Items) == 0 {
			t.Errorf("ana's token: %d %v %d customers", resp.StatusCode, err, len(page.Items))
		}
		for _, c := range page.Items {
			if c.Agent != "AG01" {
				t.Errorf("ana's token sees a customer of agent %q", c.Agent)
			}
		}
	}
	req, _ := http.NewRequest("GET", url+"/api/v1/customers?limit=5", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		stop()
		t.Fatal(err)
	}
	var page struct {
		Items []struct {
			ID, Name string
		} `json:"items"`
	}
	err = json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	stop()
	if resp.StatusCode != 200 || err != nil || len(page.Items) != 5 {
		t.Fatalf("GET /api/v1/customers: %d %v %+v", resp.StatusCode, err, page)
	}
	for _, want := range []string{"Creating the demo", "Created 600 customers", "/login", "ana ", "integration:", "curl -H 'Authorization: Bearer " + token} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	// The second start reuses the data, with new tokens.
	out, _, token2, stop := serveDemo(t, args...)
	stop()
	if !strings.Contains(out.String(), "Reusing the demo") || strings.Contains(out.String(), "Creating") || token2 == token {
		t.Errorf("second start:\n%s", out)
	}
	if code, _, errs := run(t, "", "check", "--db", db); code != 0 {
		t.Errorf("check after the demo: %d %s", code, errs)
	}
}

func TestDemoRefuses(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "erp.db")
	if code, _, errs := run(t, "", "company", "--db", "sqlite:"+other, "--name", "Ferreterías Unidas S.A."); code != 0 {
		t.Fatal(errs)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--db", "sqlite:" + other}, "another company's data"},
		{[]string{"--db", "sqlite:" + other, "--reset"}, "only deletes a demo"},
		{[]string{"--db", "postgres://u@127.0.0.1:1/x", "--reset"}, "only deletes a SQLite demo file"},
	} {
		code, out, errs := run(t, "", append([]string{"demo", "--addr", "127.0.0.1:0"}, tc.args...)...)
		if code != 1 || !strings.Contains(errs, tc.want) || strings.Contains(out, "running at") {
			t.Errorf("demo %v: %d\n%s\n%s", tc.args, code, out, errs)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("another company's database was touched: %v", err)
	}
}

// TestDemoReset: an interrupted demo is refused until --reset rebuilds it.
func TestDemoReset(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.db")
	db := "sqlite:" + path
	// What an interruption right after the company was saved leaves.
	c := demo.Company
	if code, _, errs := run(t, "", "company", "--db", db, "--name", c.Name, "--tax-id", c.TaxID); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := run(t, "", "demo", "--db", db, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errs, "unfinished demo") || !strings.Contains(errs, "--reset") {
		t.Fatalf("unfinished demo: %d\n%s\n%s", code, out, errs)
	}
	out2, _, _, stop := serveDemo(t, "--db", db, "--addr", "127.0.0.1:0", "--reset", "--customers", "40")
	stop()
	if !strings.Contains(out2.String(), "Created 40 customers") {
		t.Fatalf("reset:\n%s", out2)
	}
}
