package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/server"
	"cobro/internal/store"
	"cobro/internal/web"
)

func runLoad(ctx context.Context, s *Session) ([]Result, error) {
	dsn, err := s.Loaded(ctx)
	if err != nil {
		return nil, err
	}
	n := s.Cfg.Calls * 3 / 2
	l, err := Load(ctx, dsn, s.Data, n, s.Cfg.Clients)
	if err != nil {
		return nil, err
	}
	return []Result{{Name: fmt.Sprintf("mixed load, %d clients: 60%% credit checks, 30%% sheets, 10%% collections", s.Cfg.Clients),
		Unit: "req/s", Ours: l.Throughput, P50: msf(l.P50), P99: msf(l.P99), Target: "0 errors", Met: met(l.Errors == 0),
		Note: fmt.Sprintf("%d requests, %d errors; %d collections, each stored once", l.Requests, l.Errors, l.Collected)}}, nil
}

// LoadResult is a bounded mixed load over loopback HTTP.
type LoadResult struct {
	Requests   int
	Errors     int64
	Took       time.Duration
	P50, P99   time.Duration
	Collected  int64
	Throughput float64 // requests per second
}

// Load sends n requests from clients concurrent clients over loopback
// HTTP to a server on dsn: 60% credit checks (a customer's figures through
// the API), 30% customer sheet pages, 10% collections (POST with an
// idempotency key, retried once under the same key). Every answer must be
// a success: any error counts.
func Load(ctx context.Context, dsn string, d *Data, n, clients int) (LoadResult, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return LoadResult{}, err
	}
	defer db.Close()
	a := newApp(db, d)
	token, err := a.CreateToken(ctx, "load-"+randomHex(), auth.Admin, "")
	if err != nil {
		return LoadResult{}, err
	}
	user := "load-" + randomHex()
	if err := a.AddUser(ctx, auth.System("bench"), app.User{Name: user, Role: "administration"}, "load password 1"); err != nil {
		return LoadResult{}, err
	}
	sess, err := a.SignIn(ctx, user, "load password 1", "127.0.0.1")
	if err != nil {
		return LoadResult{}, err
	}
	pages, err := web.New(a, slog.New(slog.DiscardHandler), web.Config{})
	if err != nil {
		return LoadResult{}, err
	}
	srv := httptest.NewServer(server.New(a, slog.New(slog.DiscardHandler), server.Config{Extra: pages.Register}).Handler())
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 30 * time.Second}
	var errs, collected atomic.Int64
	rng := rand.New(rand.NewPCG(5, 6))
	kinds := make([]int, n)
	custs := make([]int, n)
	for i := range kinds {
		kinds[i], custs[i] = rng.IntN(10), 1+rng.IntN(max(d.Customers-1, 1))
	}
	do := func(req *http.Request) int {
		res, err := client.Do(req)
		if err != nil {
			return 0
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	start := time.Now()
	lat, err := latencies(n, clients, func(i int) error {
		cust := fmt.Sprintf("C%07d", custs[i])
		var status int
		switch k := kinds[i]; {
		case k < 6:
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/customers/"+cust, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			status = do(req)
		case k < 9:
			req, _ := http.NewRequest("GET", srv.URL+"/customers/"+cust, nil)
			req.AddCookie(&http.Cookie{Name: "cobro_session", Value: sess.Secret})
			status = do(req)
		default:
			// An advance payment: always valid, so any failure is ours.
			body := `{"customer_id":"` + cust + `","amount":{"amount":100,"currency":"EUR"},"instrument":{"kind":"cash"}}`
			key := fmt.Sprintf("load-%s-%d", user, i)
			for try := 0; try < 2; try++ {
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/collections", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Idempotency-Key", key)
				if status = do(req); status != 201 {
					break
				}
			}
			if status == 201 {
				collected.Add(1)
				status = 200
			}
		}
		if status != 200 {
			errs.Add(1)
		}
		return nil
	})
	took := time.Since(start)
	if err != nil {
		return LoadResult{}, err
	}
	r := LoadResult{Requests: n, Errors: errs.Load(), Took: took, P50: pct(lat, .5), P99: pct(lat, .99), Collected: collected.Load(),
		Throughput: float64(n) / took.Seconds()}
	// Every collection sent was recorded exactly once.
	var count int64
	err = db.Read(ctx, func(tx *store.Tx) error {
		cs, err := tx.LatestCollections(ctx, "", n)
		for _, c := range cs {
			if strings.HasPrefix(c.CollectedBy, "token:load-") {
				count++
			}
		}
		return err
	})
	if err == nil && count != r.Collected {
		err = fmt.Errorf("load: %d collections acknowledged, %d stored", r.Collected, count)
	}
	return r, err
}
