package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/proxy"
	"cobro/internal/server"
	"cobro/internal/store"
	"cobro/internal/web"
)

// serveWith serves the pages of setup's database with cfg.
func serveWith(t *testing.T, db *store.DB, cfg web.Config) string {
	t.Helper()
	now := func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }
	a := app.New(db, app.WithClock(now), app.WithHasher(cheap))
	pages, err := web.New(a, slog.New(slog.DiscardHandler), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(a, slog.New(slog.DiscardHandler), server.Config{Extra: pages.Register, Proxies: cfg.Proxies}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestShareLinkUsesThePublicURL: with a public URL configured, a shared
// link points there whatever Host header the request carried.
func TestShareLinkUsesThePublicURL(t *testing.T) {
	db := dbtest.Open(t, "sqlite")
	setup(t, db)
	for _, c := range []struct{ public, want string }{
		{"https://cobro.example.com/", "https://cobro.example.com/s/"},
		{"", "http://evil.example/s/"}, // unconfigured: the request's host, as before
	} {
		base := serveWith(t, db, web.Config{PublicURL: c.public})
		b := newBrowser(t, base)
		b.signIn("ana", "correct horse battery")
		_, body, _ := b.get("/customers/C-1", "en")
		req, _ := http.NewRequest("POST", base+"/customers/C-1/share", strings.NewReader(url.Values{"csrf": {csrfRE.FindStringSubmatch(body)[1]}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Host = "evil.example"
		u, _ := url.Parse(base)
		for _, ck := range b.c.Jar.Cookies(u) { // the jar would look them up by the forged host
			req.AddCookie(ck)
		}
		res, err := (&http.Client{CheckRedirect: b.c.CheckRedirect}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := regexp.MustCompile(`class="link-box" value="([^"]+)"`).FindStringSubmatch(string(page))
		if res.StatusCode != 200 || m == nil || !strings.HasPrefix(m[1], c.want) {
			t.Errorf("public URL %q: %d, link %v, want %s…", c.public, res.StatusCode, m, c.want)
		}
	}
}

// TestThrottleByForwardedAddress: behind a trusted proxy, sign-in
// failures are counted per client address from X-Forwarded-For; from an
// untrusted peer the header is ignored, so varying it gains nothing.
func TestThrottleByForwardedAddress(t *testing.T) {
	db := dbtest.Open(t, "sqlite")
	setup(t, db)
	attempt := func(base, xff, name string) int {
		b := newBrowser(t, base)
		_, body, _ := b.get("/login", "")
		req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"csrf": {csrfRE.FindStringSubmatch(body)[1]},
			"name": {name}, "password": {"wrong"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	trusted, _ := proxy.Parse("127.0.0.0/8,::1")
	behind := serveWith(t, db, web.Config{Proxies: trusted})
	for i := 0; i < 30; i++ {
		if status := attempt(behind, "198.51.100.1", "nobody"+string(rune('a'+i))); status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, status)
		}
	}
	if status := attempt(behind, "198.51.100.1", "somebody"); status != http.StatusTooManyRequests {
		t.Errorf("31st failure from one client behind the proxy: %d", status)
	}
	if status := attempt(behind, "203.0.113.50, 198.51.100.2", "somebody"); status != http.StatusUnauthorized {
		t.Errorf("another client behind the proxy: %d", status)
	}
	// Not trusted: every attempt counts against the peer (127.0.0.1),
	// whatever the header says.
	direct := serveWith(t, db, web.Config{})
	for i := 0; i < 30; i++ {
		attempt(direct, "192.0.2."+string(rune('0'+i%10)), "other"+string(rune('a'+i)))
	}
	if status := attempt(direct, "192.0.2.99", "someone"); status != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For from an untrusted peer escaped the address limit: %d", status)
	}
}

// TestAuditRecordsForwardedAddress: a change made through a trusted proxy
// is audited with the client's address from X-Forwarded-For; through an
// untrusted peer, with the peer's.
func TestAuditRecordsForwardedAddress(t *testing.T) {
	db := dbtest.Open(t, "sqlite")
	setup(t, db)
	trusted, _ := proxy.Parse("127.0.0.1")
	for i, c := range []struct {
		cfg  web.Config
		want string
	}{{web.Config{Proxies: trusted}, "198.51.100.7"}, {web.Config{}, "127.0.0.1"}} {
		base := serveWith(t, db, c.cfg)
		b := newBrowser(t, base)
		b.signIn("alba", "correct horse battery")
		_, body, _ := b.get("/users", "en")
		req, _ := http.NewRequest("POST", base+"/users/ana/disable", strings.NewReader(url.Values{"csrf": {csrfRE.FindStringSubmatch(body)[1]}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "198.51.100.7")
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("disable: %d", res.StatusCode)
		}
		var recs []store.AuditRecord
		err = db.Read(context.Background(), func(tx *store.Tx) error {
			var err error
			recs, err = tx.AuditOf(context.Background(), "user", "ana")
			return err
		})
		var disables []store.AuditRecord
		for _, r := range recs {
			if r.Action == "user.disable" {
				disables = append(disables, r)
			}
		}
		if err != nil || len(disables) != i+1 || disables[i].Source != c.want {
			t.Fatalf("audit: %+v %v, want the last disable from %s", recs, err, c.want)
		}
		if err := app.New(db).EnableUser(context.Background(), auth.System("test"), "ana"); err != nil {
			t.Fatal(err)
		}
	}
}
