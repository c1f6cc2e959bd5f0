package server_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/dbtest"
	"cobro/internal/server"
)

// TestMetricsToken: with a metrics token, /metrics answers only a scraper
// that sends it.
func TestMetricsToken(t *testing.T) {
	a := app.New(dbtest.Open(t, "sqlite"))
	srv := httptest.NewServer(server.New(a, slog.New(slog.DiscardHandler), server.Config{MetricsToken: "s3cret-scrape"}).Handler())
	defer srv.Close()
	for _, tok := range []string{"", "wrong", "s3cret-scrape-and-more"} {
		if status, h, _ := get(t, "GET", srv.URL+"/metrics", tok, ""); status != http.StatusUnauthorized || h.Get("WWW-Authenticate") == "" {
			t.Errorf("/metrics with token %q: want 401, got %d", tok, status)
		}
	}
	status, _, body := get(t, "GET", srv.URL+"/metrics", "s3cret-scrape", "")
	if status != http.StatusOK || !strings.Contains(body, "cobro_http_requests_total") {
		t.Fatalf("/metrics with the token: %d %s", status, body)
	}
	if status, _, _ := get(t, "GET", srv.URL+"/healthz", "", ""); status != http.StatusOK {
		t.Errorf("/healthz needs no token: %d", status)
	}
}

// TestMetricsAddr: with a metrics address, /metrics is served there and
// not on the address of the API and the pages.
func TestMetricsAddr(t *testing.T) {
	a := app.New(dbtest.Open(t, "sqlite"))
	metricsAddr := freeAddr(t)
	srv := server.New(a, slog.New(slog.DiscardHandler), server.Config{Addr: "127.0.0.1:0", MetricsAddr: metricsAddr, MetricsToken: "tok"})
	ctx, cancel := context.WithCancel(context.Background())
	addrc, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- srv.Run(ctx, func(addr string) { addrc <- addr }) }()
	var main string
	select {
	case main = <-addrc:
	case err := <-done:
		t.Fatal(err)
	}
	if status, _, _ := get(t, "GET", "http://"+main+"/metrics", "tok", ""); status != http.StatusNotFound {
		t.Errorf("/metrics on the main address with --metrics-addr: want 404, got %d", status)
	}
	if status, _, _ := get(t, "GET", "http://"+metricsAddr+"/metrics", "", ""); status != http.StatusUnauthorized {
		t.Errorf("/metrics on the metrics address without the token: want 401, got %d", status)
	}
	status, _, body := get(t, "GET", "http://"+metricsAddr+"/metrics", "tok", "")
	if status != http.StatusOK || !strings.Contains(body, "cobro_http_requests_total") {
		t.Errorf("/metrics on the metrics address: %d %s", status, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if _, err := net.Dial("tcp", metricsAddr); err == nil {
		t.Error("the metrics listener is still open after shutdown")
	}
}

// freeAddr is a loopback address no one listens on (for a moment).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
