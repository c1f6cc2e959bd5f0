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
	"sync"
	"sync/atomic"
	"time"

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
	list, sheet, err := Pages(ctx, dsn, s.Data, s.Cfg.Calls, s.Cfg.Clients)
	if err != nil {
		return nil, err
	}
	out := []Result{
		list.result(fmt.Sprintf("customer list page, %d clients", s.Cfg.Clients), "", "p99 < 50 ms"),
		sheet.result(fmt.Sprintf("customer sheet page, %d clients", s.Cfg.Clients), "", "p99 < 50 ms"),
	}
	for i, l := range []Latency{list, sheet} {
		out[i].Baseline, out[i].Ratio, out[i].Met = 0, 0, met(l.P99 < 50*time.Millisecond)
	}
	return out, nil
}

// Pages measures the customer list and the customer sheet served over
// loopback HTTP with clients concurrent clients, signed in as management
// (who sees every customer).
func Pages(ctx context.Context, dsn string, d *Data, n, clients int) (list, sheet Latency, err error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return list, sheet, err
	}
	defer db.Close()
	a := newApp(db, d)
	pass := "bench password 1"
	if err := a.AddUser(ctx, auth.System("bench"), store.User{Name: "bench-" + randomHex(), Role: "management"}, pass); err != nil {
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
	srv := httptest.NewServer(server.New(a, slog.New(slog.DiscardHandler), server.Config{Extra: pages.Register}).Handler())
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
	ls, err := latencies(n, clients, func(i int) error { return get(listPaths[i%len(listPaths)]) })
	if err != nil {
		return list, sheet, err
	}
	ss, err := latencies(n, clients, func(i int) error { return get(paths[i]) })
	list = Latency{P50: pct(ls, .5), P99: pct(ls, .99)}
	sheet = Latency{P50: pct(ss, .5), P99: pct(ss, .99)}
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
