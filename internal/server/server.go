// Package server runs cobro's HTTP server: the API, the pages the
// composition root adds, the metrics, the health check, request logs and
// graceful shutdown. It serves HTTP only: background work is jobs
// (internal/jobs), which the command line runs beside it.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"cobro/internal/api"
	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/proxy"
)

// Config configures a server.
type Config struct {
	Addr    string
	MaxBody int64
	// Extra lets the composition root add handlers (the web pages).
	Extra func(mux *http.ServeMux)
	// Metrics are served at /metrics beside the server's own (the job
	// runner's).
	Metrics []prometheus.Collector
	// MetricsToken, when set, is the bearer token /metrics asks for.
	// MetricsAddr, when set, is the only address /metrics is served on.
	MetricsToken, MetricsAddr string
	// Proxies are the reverse proxies whose X-Forwarded-For is believed
	// for the client address (API audit records, request logs).
	Proxies proxy.Trust
}

// Server is cobro's HTTP server.
type Server struct {
	app     *app.App
	log     *slog.Logger
	cfg     Config
	handler http.Handler
	reg     *prometheus.Registry
	ready   *readiness
}

// New builds the server's handler.
func New(a *app.App, log *slog.Logger, cfg Config) *Server {
	s := &Server{app: a, log: log, cfg: cfg, reg: prometheus.NewRegistry()}
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.reg.MustRegister(cfg.Metrics...)
	mux := http.NewServeMux()
	api.New(a, log, api.Config{MaxBody: cfg.MaxBody, Proxies: cfg.Proxies}).Register(mux)
	if cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", s.metrics())
	}
	s.ready = newReadiness(a.Writable, a.Now, log, s.reg)
	mux.HandleFunc("GET /readyz", s.ready.serve)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := a.Company(r.Context()); err != nil && !errors.Is(err, app.ErrNoCompany) {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	if cfg.Extra != nil {
		cfg.Extra(mux)
	}
	s.handler = s.observe(mux)
	return s
}

// Handler is the whole HTTP handler (for tests through the real router).
func (s *Server) Handler() http.Handler { return s.handler }

// observe logs each request and counts it by route pattern and status.
func (s *Server) observe(mux *http.ServeMux) http.Handler {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cobro_http_requests_total",
		Help: "HTTP requests by route and status."}, []string{"method", "route", "status"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "cobro_http_request_duration_seconds",
		Help: "HTTP request duration by route.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}, []string{"method", "route"})
	s.reg.MustRegister(requests, duration)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			_, pattern := mux.Handler(r)
			if pattern == "" {
				pattern = "unmatched"
			}
			// The query string may hold search terms; the Authorization
			// header is never logged, nor a secret in the path (a shared
			// statement's link).
			path := auth.LogPath(r.URL.Path)
			if p := recover(); p != nil {
				s.log.Error("panic serving request", "method", r.Method, "path", path, "panic", p)
				if !rec.wrote {
					http.Error(rec, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
				}
				rec.status = http.StatusInternalServerError
			}
			d := time.Since(start)
			requests.WithLabelValues(r.Method, pattern, strconv.Itoa(rec.status)).Inc()
			duration.WithLabelValues(r.Method, pattern).Observe(d.Seconds())
			s.log.Info("request", "method", r.Method, "path", path, "status", rec.status,
				"ms", float64(d.Microseconds())/1000, "remote", r.RemoteAddr, "client", s.cfg.Proxies.ClientAddr(r))
		}()
		mux.ServeHTTP(rec, r.WithContext(app.Bounded(r.Context())))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (a stream's
// flushes).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Run serves on cfg.Addr until ctx is done, then shuts down gracefully:
// requests in flight finish (up to 20 s) before Run returns. ready, when
// set, receives the listening address.
// It refuses to start on a database that does not take writes
// (NotWritableError).
func (s *Server) Run(ctx context.Context, ready func(addr string)) error {
	if err := s.CheckWritable(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 2)
	stopMetrics, err := s.listenMetrics(errc)
	if err != nil {
		ln.Close()
		return err
	}
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		// One listener failed: close the other too.
		return errors.Join(err, srv.Close(), stopMetrics(context.Background()))
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return errors.Join(srv.Shutdown(sctx), stopMetrics(sctx))
}
