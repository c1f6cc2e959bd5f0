package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/server"
	"cobro/internal/store"
	"cobro/internal/web"
)

func runPages(ctx context.Context, s *Session) ([]Result, error) {
	dsn, err := s.Loaded(ctx)
	if err != nil {
		return nil, err
	}
	if s.Cfg.CPUProfile != "" {
		stop, err := startProfile(s.Cfg.CPUProfile + ".pages." + s.Kind)
		if err != nil {
			return nil, err
		}
		defer stop()
	}
	list, sheet, err := Pages(ctx, dsn, s.Data, s.Cfg.Calls, s.Cfg.Clients)
	if err != nil {
		return nil, err
	}
	var out []Result
	for _, p := range []struct {
		name string
		m    PageTimes
	}{{"customer list page", list}, {"customer sheet page", sheet}} {
		r := Result{Name: fmt.Sprintf("%s, %d clients, server time", p.name, s.Cfg.Clients), Unit: "ms",
			Ours: msf(p.m.Server.P50), P50: msf(p.m.Server.P50), P99: msf(p.m.Server.P99), Target: "p99 < 50 ms",
			Met:  met(p.m.Server.P99 < 50*time.Millisecond),
			Note: fmt.Sprintf("round trip seen by the clients p50 %.2f, p99 %.2f ms", msf(p.m.Client.P50), msf(p.m.Client.P99))}
		if p.m.Variants != "" {
			r.Note += "; server p99 by variant: " + p.m.Variants
		}
		out = append(out, r)
	}
	return out, nil
}

// PageTimes are one page's latencies: measured in the server (from the
// request reaching the handler to the handler returning: what the issue's
// target is about) and as the clients saw them (plus the HTTP round trip
// and the clients' own share of the same two cores).
type PageTimes struct {
	Server, Client Latency
	Variants       string // p99 server time of each URL, when there are several
}

// Pages measures the customer list and the customer sheet served over
// loopback HTTP with clients concurrent clients, signed in as management
// (who sees every customer).
func Pages(ctx context.Context, dsn string, d *Data, n, clients int) (list, sheet PageTimes, err error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return list, sheet, err
	}
	defer db.Close()
	a := newApp(db, d)
	pass := "bench password 1"
	if err := a.AddUser(ctx, auth.System("bench"), app.User{Name: "bench-" + randomHex(), Role: "management"}, pass); err != nil {
		return list, sheet, err
	}
	users, err := db.Users(ctx)
	if err != nil {
		return list, sheet, err
	}
	sess, err := a.SignIn(ctx, users[len(users)-1].Name, pass, "127.0.0.1")
	if err != nil {
		return list, sheet, err
	}
	pages, err := web.New(a, slog.New(slog.DiscardHandler), web.Config{})
	if err != nil {
		return list, sheet, err
	}
	h := server.New(a, slog.New(slog.DiscardHandler), server.Config{Extra: pages.Register}).Handler()
	var mu sync.Mutex
	byURL := map[string][]time.Duration{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		took := time.Since(start)
		mu.Lock()
		byURL[r.URL.RequestURI()] = append(byURL[r.URL.RequestURI()], took)
		mu.Unlock()
	}))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "cobro_session", Value: sess.Secret}})
	client := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	get := func(path string) error {
		res, err := client.Get(srv.URL + path)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			return fmt.Errorf("GET %s: %d", path, res.StatusCode)
		}
		return nil
	}
	listPaths := []string{"/customers", "/customers?sort=overdue", "/customers?sort=risk", "/customers?status=overdue",
		"/customers?q=nu%C3%B1ez", "/customers?agent=AG07&sort=overdue"}
	rng := rand.New(rand.NewPCG(3, 4))
	paths := make([]string, n)
	for i := range paths {
		paths[i] = fmt.Sprintf("/customers/C%07d", 1+rng.IntN(d.Customers-1))
	}
	// taken gathers the server times of one phase and starts the next.
	taken := func(variants []string) (all []time.Duration, each string) {
		mu.Lock()
		defer mu.Unlock()
		var parts []string
		for _, v := range variants {
			t := slices.Clone(byURL[v])
			slices.Sort(t)
			parts = append(parts, fmt.Sprintf("%s %.0f", v, msf(pct(t, .99))))
		}
		for _, t := range byURL {
			all = append(all, t...)
		}
		slices.Sort(all)
		clear(byURL)
		return all, strings.Join(parts, ", ")
	}
	ls, err := latencies(n, clients, func(i int) error { return get(listPaths[i%len(listPaths)]) })
	if err != nil {
		return list, sheet, err
	}
	lsrv, each := taken(listPaths)
	list = PageTimes{Server: Latency{P50: pct(lsrv, .5), P99: pct(lsrv, .99)}, Client: Latency{P50: pct(ls, .5), P99: pct(ls, .99)}, Variants: each}
	ss, err := latencies(n, clients, func(i int) error { return get(paths[i]) })
	ssrv, _ := taken(nil)
	sheet = PageTimes{Server: Latency{P50: pct(ssrv, .5), P99: pct(ssrv, .99)}, Client: Latency{P50: pct(ss, .5), P99: pct(ss, .99)}}
	return list, sheet, err
}

// latencies runs fn n times from workers goroutines and returns the
// sorted latencies.
func latencies(n, workers int, fn func(i int) error) ([]time.Duration, error) {
	out := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				start := time.Now()
				err := fn(i)
				out[i] = time.Since(start)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	slices.Sort(out)
	return out, firstErr
}
