package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// probeTimeout bounds the write probe: it queues behind the writers ahead
// of it (on SQLite there is one writer), and a probe that waits longer
// than this says the database is not ready for more.
const probeTimeout = 5 * time.Second

// probeEvery is how often the write probe runs at most: /readyz answers
// from the last probe in between, so polling it cannot load the writer.
const probeEvery = time.Second

// readiness answers /readyz: whether the database takes writes now, by a
// real commit (app.App.Writable). /healthz stays a liveness check: the
// process serves and the database answers reads.
type readiness struct {
	probe    func(ctx context.Context, now time.Time) error // a real commit
	now      func() time.Time
	log      *slog.Logger
	writable prometheus.Gauge

	mu     sync.Mutex
	last   time.Time // when the last probe ran
	result error
}

func newReadiness(probe func(context.Context, time.Time) error, now func() time.Time, log *slog.Logger, reg *prometheus.Registry) *readiness {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "cobro_storage_writable",
		Help: "1 when the last write probe (/readyz) committed, 0 when the database refused it."})
	reg.MustRegister(g)
	return &readiness{probe: probe, now: now, log: log, writable: g}
}

// check probes the database, or returns the last probe's answer when it
// ran less than probeEvery ago.
func (rd *readiness) check(ctx context.Context) error {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	now := rd.now()
	if !rd.last.IsZero() && now.Sub(rd.last) < probeEvery && now.After(rd.last) {
		return rd.result
	}
	// Not the caller's context: a client that goes away must not leave a
	// failed probe for the next ones.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), probeTimeout)
	defer cancel()
	was := rd.last.IsZero() || rd.result == nil
	rd.result, rd.last = rd.probe(ctx, now), now
	switch {
	case rd.result == nil:
		rd.writable.Set(1)
		if !was {
			rd.log.Info("the database takes writes again")
		}
	default:
		rd.writable.Set(0)
		if was {
			rd.log.Error("the database does not take writes: not ready", "err", rd.result)
		}
	}
	return rd.result
}

// readyBody is the JSON of /readyz.
type readyBody struct {
	Status   string `json:"status"`         // "ready" or "not_ready"
	Database string `json:"database"`       // "writable", "unavailable" or "timeout"
	Code     string `json:"code,omitempty"` // storage_unavailable, storage_timeout
}

func (rd *readiness) serve(w http.ResponseWriter, r *http.Request) {
	err := rd.check(r.Context())
	b := readyBody{Status: "ready", Database: "writable"}
	status := http.StatusOK
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded):
		status, b = http.StatusServiceUnavailable, readyBody{Status: "not_ready", Database: "timeout", Code: "storage_timeout"}
	default:
		status, b = http.StatusServiceUnavailable, readyBody{Status: "not_ready", Database: "unavailable", Code: "storage_unavailable"}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if status != http.StatusOK {
		w.Header().Set("Retry-After", "30")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(b)
}

// NotWritableError is why a server refuses to start: the database does not
// take writes. Its message tells the operator what to check.
type NotWritableError struct {
	DB  string // the redacted DSN
	Err error
}

func (e *NotWritableError) Error() string {
	return fmt.Sprintf("the database %s does not take writes, so cobro will not serve it: %v", e.DB, e.Err)
}

func (e *NotWritableError) Unwrap() error { return e.Err }

// CheckWritable is the write probe a server runs before it listens.
func (s *Server) CheckWritable(ctx context.Context) error {
	if err := s.ready.check(ctx); err != nil {
		return &NotWritableError{DB: s.app.Database(), Err: err}
	}
	return nil
}
