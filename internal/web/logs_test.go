package web_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/server"
	"cobro/internal/store"
	"cobro/internal/web"
)

// TestNoSecretInLogs: the request log holds neither an API token nor the
// secret of a shared statement's link, which is in the link's path.
func TestNoSecretInLogs(t *testing.T) {
	ctx := t.Context()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	a := app.New(db, app.WithHasher(cheap))
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	pages, err := web.New(a, log, web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(a, log, server.Config{Extra: pages.Register}).Handler())
	defer srv.Close()
	for _, req := range []struct{ method, path, token string }{
		{"GET", "/s/sharesecretXYZ123", ""},
		{"GET", "/s/sharesecretXYZ123/", ""},  // no route: 404
		{"POST", "/s/sharesecretXYZ123", ""},  // no such method: 405
		{"POST", "/s/sharesecretXYZ123/", ""}, // neither
		{"GET", "/api/v1/customers?search=nunez", "cobro_tokensecretABC987"},
	} {
		r, _ := http.NewRequest(req.method, srv.URL+req.path, nil)
		if req.token != "" {
			r.Header.Set("Authorization", "Bearer "+req.token)
		}
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	got := logs.String()
	if !strings.Contains(got, `"path":"/s/{token}"`) || !strings.Contains(got, `"path":"/api/v1/customers"`) {
		t.Errorf("requests not logged as expected:\n%s", got)
	}
	for _, secret := range []string{"sharesecretXYZ123", "tokensecretABC987"} {
		if strings.Contains(got, secret) {
			t.Errorf("secret %q in the logs:\n%s", secret, got)
		}
	}
}
