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
	pages, err := Pages(ctx, dsn, s.Data, s.Cfg.Calls, s.Cfg.Clients)
	if err != nil {
		return nil, err
	}
	shape := "85% paid history"
	if s.Data.AllOpen {
		shape = "every document open"
	}
	var out []Result
	for _, p := range pages {
		target := 50 * time.Millisecond
		if p.Debts {
			target = 100 * time.Millisecond
		}
		r := Result{Name: fmt.Sprintf("%s, %d clients, server time", p.Name, s.Cfg.Clients), Unit: "ms",
			Ours: msf(p.Server.P50), P50: msf(p.Server.P50), P99: msf(p.Server.P99),
			Target: fmt.Sprintf("p99 < %d ms", target.Milliseconds()),
			Met:    met(p.Server.P99 < target && p.Client.P99 < target),
			Note:   fmt.Sprintf("%s; round trip seen by the clients p50 %.2f, p99 %.2f ms", shape, msf(p.Client.P50), msf(p.Client.P99))}
		if p.Variants != "" {
			r.Note += "; server p99 by variant: " + p.Variants
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
	Name           string
	Debts          bool // the debt list (its target is 100 ms)
	Server, Client Latency
	Variants       string // p99 server time of each URL, when there are several
}

// DebtPaths are the debt list's variants: every filter and grouping.
func DebtPaths(today time.Time) []string {
	from, to := today.AddDate(0, 0, -60).Format(time.DateOnly), today.AddDate(0, 0, -30).Format(time.DateOnly)
	paths := []string{"/debts", "/debts?status=overdue", "/debts?status=pending", "/debts?status=unpaid", "/debts?status=disputed",
		"/debts?bucket=current", "/debts?bucket=31-60", "/debts?bucket=180%2B", "/debts?instrument=cheque", "/debts?agent=AG07",
		"/debts?zone=Murcia", "/debts?route=R07", "/debts?segment=pharma", "/debts?min=1000&max=1500",
		"/debts?due_from=" + from + "&due_to=" + to, "/debts?q=nu%C3%B1ez", "/debts?agent=AG07&status=overdue"}
	for _, g := range []string{"agent", "zone", "route", "segment", "status", "bucket", "instrument", "customer"} {
		paths = append(paths, "/debts?group="+g)
	}
	return paths
}

// Pages measures, over loopback HTTP with clients concurrent clients
// signed in as management (who sees every customer): the customer list,
// the customer sheet, the debt list (every variant), and a mix in which one
// request in ten goes to the debt list and the rest to the list and sheet.
func Pages(ctx context.Context, dsn string, d *Data, n, clients int) ([]PageTimes, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	a := newApp(db, d)
	pass := "bench password 1"
	if err := a.AddUser(ctx, auth.System("bench"), app.User{Name: "bench-" + randomHex(), Role: "management"}, pass); err != nil {
		return nil, err
	}
	users, err := db.Users(ctx)
	if err != nil {
		return nil, err
	}
	sess, err := a.SignIn(ctx, users[len(users)-1].Name, pass, "127.0.0.1")
	if err != nil {
		return nil, err
	}
	pages, err := web.New(a, slog.New(slog.DiscardHandler), web.Config{})
	if err != nil {
		return nil, err
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
	debtPaths := DebtPaths(d.Today)
	rng := rand.New(rand.NewPCG(3, 4))
	paths := make([]string, n)
	for i := range paths {
		paths[i] = fmt.Sprintf("/customers/C%07d", 1+rng.IntN(d.Customers-1))
	}
	// taken gathers the server times of one phase's URLs (all when keep is
	// nil) and starts the next.
	taken := func(variants []string, keep func(string) bool) (all []time.Duration, each string) {
		mu.Lock()
		defer mu.Unlock()
		var parts []string
		for _, v := range variants {
			t := slices.Clone(byURL[v])
			slices.Sort(t)
			parts = append(parts, fmt.Sprintf("%s %.0f", v, msf(pct(t, .99))))
		}
		for u, t := range byURL {
			if keep == nil || keep(u) {
				all = append(all, t...)
			}
		}
		slices.Sort(all)
		return all, strings.Join(parts, ", ")
	}
	phase := func(name string, debts bool, paths []string, variants []string) (PageTimes, error) {
		mu.Lock()
		clear(byURL)
		mu.Unlock()
		cl, err := latencies(n, clients, func(i int) error { return get(paths[i%len(paths)]) })
		sv, each := taken(variants, nil)
		return PageTimes{Name: name, Debts: debts, Server: Latency{P50: pct(sv, .5), P99: pct(sv, .99)},
			Client: Latency{P50: pct(cl, .5), P99: pct(cl, .99)}, Variants: each}, err
	}
	var out []PageTimes
	for _, p := range []struct {
		name     string
		debts    bool
		paths    []string
		variants []string
	}{
		{"customer list page", false, listPaths, listPaths},
		{"customer sheet page", false, paths, nil},
		{"debt list page (every filter and grouping)", true, debtPaths, debtPaths},
	} {
		t, err := phase(p.name, p.debts, p.paths, p.variants)
		if err != nil {
			return out, err
		}
		out = append(out, t)
	}

	// The mix: one request in ten to the debt list, the others to the
	// customer list and sheets; each kind timed on its own.
	mixed := make([]string, n)
	isDebt := map[string]bool{}
	for _, p := range debtPaths {
		isDebt[p] = true
	}
	for i := range mixed {
		switch {
		case i%10 == 9:
			mixed[i] = debtPaths[(i/10)%len(debtPaths)]
		case i%2 == 0:
			mixed[i] = listPaths[(i/2)%len(listPaths)]
		default:
			mixed[i] = paths[i]
		}
	}
	mu.Lock()
	clear(byURL)
	mu.Unlock()
	clientTimes := make([]time.Duration, n)
	_, err = latencies(n, clients, func(i int) error {
		start := time.Now()
		err := get(mixed[i])
		clientTimes[i] = time.Since(start)
		return err
	})
	if err != nil {
		return out, err
	}
	for _, debts := range []bool{false, true} {
		sv, _ := taken(nil, func(u string) bool { return isDebt[u] == debts })
		var cl []time.Duration
		for i, p := range mixed {
			if isDebt[p] == debts {
				cl = append(cl, clientTimes[i])
			}
		}
		slices.Sort(cl)
		name := "mixed, one in ten to the debt list: the other pages"
		if debts {
			name = "mixed, one in ten to the debt list: the debt list"
		}
		out = append(out, PageTimes{Name: name, Debts: debts, Server: Latency{P50: pct(sv, .5), P99: pct(sv, .99)},
			Client: Latency{P50: pct(cl, .5), P99: pct(cl, .99)}})
	}
	return out, nil
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
