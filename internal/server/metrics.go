package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is the Prometheus handler, behind Config.MetricsToken when one
// is set: the scraper sends "Authorization: Bearer TOKEN" (Prometheus's
// authorization.credentials).
func (s *Server) metrics() http.Handler {
	h := promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
	if s.cfg.MetricsToken == "" {
		return h
	}
	want := []byte("Bearer " + s.cfg.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need Authorization: Bearer <the metrics token>", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// listenMetrics serves /metrics on Config.MetricsAddr, apart from the API
// and the pages (a port the firewall keeps for the scraper), and returns
// how to stop it. Without a MetricsAddr it does nothing: /metrics is on
// the main address.
func (s *Server) listenMetrics(errc chan<- error) (stop func(context.Context) error, err error) {
	if s.cfg.MetricsAddr == "" {
		return func(context.Context) error { return nil }, nil
	}
	ln, err := net.Listen("tcp", s.cfg.MetricsAddr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	s.log.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics", "token", s.cfg.MetricsToken != "")
	return srv.Shutdown, nil
}
