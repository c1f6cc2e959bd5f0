package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"time"

	"cobro/internal/auth"
	"cobro/internal/server"
	"cobro/internal/store"
)

// collectClients are the concurrencies the collect benchmark measures.
var collectClients = []int{1, 4, 16}

// runCollect measures sustained collection recording from outside, over
// loopback HTTP (POST /api/v1/collections with an idempotency key, as an
// agent's phone or the ERP sends it), advance payments and collections
// allocated to an open document, at 1, 4 and 16 concurrent clients,
// against the plainest write with the same durability at the same
// concurrency in the same run: one single-row INSERT and commit per
// collection, straight through database/sql. The ratio is the baseline's
// throughput over ours: how many plain inserts one collection costs. CPU
// per request is this process's (HTTP, app, driver; on SQLite the
// database too, on PostgreSQL not its server).
func runCollect(ctx context.Context, s *Session) ([]Result, error) {
	dsn, err := s.Loaded(ctx)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	a := newApp(db, s.Data)
	token, err := a.CreateToken(ctx, "collect-"+randomHex(), auth.Integration, "")
	if err != nil {
		return nil, err
	}
	srv := httptest.NewServer(server.New(a, slog.New(slog.DiscardHandler), server.Config{}).Handler())
	defer srv.Close()
	raw, err := rawDB(dsn)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_collect (id TEXT PRIMARY KEY, customer_id TEXT NOT NULL,
		amount_minor BIGINT NOT NULL, currency TEXT NOT NULL, instrument TEXT NOT NULL, collected_at TEXT NOT NULL,
		recorded_at TEXT NOT NULL, collected_by TEXT NOT NULL)`); err != nil {
		return nil, err
	}
	// Open documents with room for many one-cent allocations, spread over
	// customers: the allocated collections pay one of them each.
	docs, err := openDocuments(ctx, raw, 5000)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("collect: no open documents")
	}
	n := s.Cfg.Calls
	run := randomHex()
	var out []Result
	for _, allocated := range []bool{false, true} {
		for _, c := range collectClients {
			if !strings.HasPrefix(dsn, "sqlite:") {
				raw.SetMaxOpenConns(c)
				raw.SetMaxIdleConns(c)
			}
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c}, Timeout: time.Minute}
			tag := fmt.Sprintf("%s-%t-%d", run, allocated, c)
			send := func(i int) error {
				d := docs[i%len(docs)]
				// Concurrent collections come from different agents' phones,
				// each numbering in its own receipt series (one series is
				// gapless, so its numbers are taken one at a time).
				agent := fmt.Sprintf("AG%02d", i%16)
				body := `{"customer_id":"` + d.customer + `","agent":"` + agent + `","amount":{"amount":1,"currency":"EUR"},"instrument":{"kind":"cash"}}`
				if allocated {
					body = `{"customer_id":"` + d.customer + `","agent":"` + agent + `","amount":{"amount":1,"currency":"EUR"},"instrument":{"kind":"cash"},` +
						`"allocations":[{"document_id":"` + d.id + `","amount":{"amount":1,"currency":"EUR"}}]}`
				}
				req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/api/v1/collections", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("%s-%d", tag, i))
				res, err := client.Do(req)
				if err != nil {
					return err
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					return fmt.Errorf("collect: %d %s", res.StatusCode, b)
				}
				return nil
			}
			insert := func(i int) error {
				d := docs[i%len(docs)]
				now := store.Stamp(time.Now())
				tx, err := raw.BeginTx(ctx, nil)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO bench_collect (id, customer_id, amount_minor, currency, instrument, collected_at, recorded_at, collected_by)
					VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`, fmt.Sprintf("%s-%d", tag, i), d.customer, int64(1), "EUR", "cash", now, "bench"); err != nil {
					_ = tx.Rollback()
					return err
				}
				return tx.Commit()
			}
			// Warm both paths, then measure ours and the baseline in turn.
			if _, err := latencies(min(50, n), c, func(i int) error { return send(n + i) }); err != nil {
				return nil, err
			}
			if _, err := latencies(min(50, n), c, func(i int) error { return insert(n + i) }); err != nil {
				return nil, err
			}
			stop := func() {}
			if s.Cfg.CPUProfile != "" && c == 1 && allocated {
				if stop, err = startProfile(s.Cfg.CPUProfile + ".collect." + s.Kind); err != nil {
					return nil, err
				}
			}
			ours, err := throughput(n, c, send)
			stop()
			if err != nil {
				return nil, err
			}
			base, err := throughput(n, c, insert)
			if err != nil {
				return nil, err
			}
			client.CloseIdleConnections()
			what := "advance payments"
			if allocated {
				what = "allocated to a document"
			}
			out = append(out, Result{Name: fmt.Sprintf("record a collection over HTTP, %s, %d clients", what, c), Unit: "req/s",
				Ours: ours.perSecond, Baseline: base.perSecond, Ratio: base.perSecond / ours.perSecond,
				BaseWhat: "single-row INSERT + commit, same durability and concurrency",
				Target:   "ratio ≤ 2.5", Met: met(base.perSecond/ours.perSecond <= 2.5),
				Note: fmt.Sprintf("%d each; p50/p99 ours %.2f/%.2f ms, baseline %.2f/%.2f ms; CPU of this process per request: ours %.2f ms, baseline %.2f ms",
					n, msf(ours.p50), msf(ours.p99), msf(base.p50), msf(base.p99), ours.cpuMS, base.cpuMS)})
			s.logf("collect %s, %d clients: %.0f/s against %.0f/s (%.2fx)", what, c, ours.perSecond, base.perSecond, base.perSecond/ours.perSecond)
		}
	}
	return out, nil
}

type rate struct {
	perSecond float64
	p50, p99  time.Duration
	cpuMS     float64 // this process's CPU time per call
}

// throughput runs fn n times from clients goroutines and measures calls
// per second, latency and this process's CPU per call.
func throughput(n, clients int, fn func(i int) error) (rate, error) {
	cpu0 := processCPU()
	start := time.Now()
	lat, err := latencies(n, clients, fn)
	took := time.Since(start)
	if err != nil {
		return rate{}, err
	}
	cpu := processCPU() - cpu0
	return rate{perSecond: float64(n) / took.Seconds(), p50: pct(lat, .5), p99: pct(lat, .99),
		cpuMS: float64(cpu.Microseconds()) / 1000 / float64(n)}, nil
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type openDoc struct{ id, customer string }

// openDocuments picks up to n open documents with at least 1,000 minor
// units open, spread over customers.
func openDocuments(ctx context.Context, raw *sql.DB, n int) ([]openDoc, error) {
	rows, err := raw.QueryContext(ctx, `SELECT id, customer_id FROM documents WHERE open_minor >= 1000 AND kind = 'invoice'
		ORDER BY customer_id, id LIMIT $1`, n*10)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []openDoc
	for rows.Next() {
		var d openDoc
		if err := rows.Scan(&d.id, &d.customer); err != nil {
			return nil, err
		}
		all = append(all, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Every tenth, so consecutive requests mostly touch different customers.
	var out []openDoc
	for i := 0; i < len(all) && len(out) < n; i += 10 {
		out = append(out, all[i])
	}
	return out, nil
}
