package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/server"
	"cobro/internal/store"
	"cobro/internal/web"
)

var cheap = auth.NewHasher(auth.HashParams{Memory: 64, Time: 1, Threads: 1}, 4)

// get does one request and returns its status, headers and body.
func get(t *testing.T, method, u, token, body string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

const companyJSON = `{"name": "Levante S.L.", "currency": "EUR", "time_zone": "Europe/Madrid", "language": "es"}`

// setUp makes a company, an admin token and a user on db.
func setUp(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	a := app.New(db, app.WithHasher(cheap))
	sys := auth.System("test")
	if err := a.SaveCompany(ctx, sys, ledger.Company{Name: "T", Currency: "EUR", TimeZone: "Europe/Madrid", Language: "es"}); err != nil {
		t.Fatal(err)
	}
	if err := a.AddUser(ctx, sys, app.User{Name: "alba", Role: "administration"}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ImportCustomers(ctx, sys, strings.NewReader("customer_id,name,currency\nC-1,Bar Sol,EUR\n"),
		app.ImportOptions{File: "c.csv", Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	if rep, err := a.ImportDocuments(ctx, sys, strings.NewReader("document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n"+
		"F-1,C-1,invoice,2026-10-01,2026-11-01,EUR,100.00,100.00\n"), app.ImportOptions{File: "d.csv", Format: "csv"}); err != nil || rep.Rejected > 0 {
		t.Fatal(err, rep.Errors)
	}
	tok, err := a.CreateToken(ctx, "admin", auth.Admin, "")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// serve serves db's app with the pages, as cobro serve does.
func serve(t *testing.T, db *store.DB) string {
	t.Helper()
	a := app.New(db, app.WithHasher(cheap))
	pages, err := web.New(a, slog.New(slog.DiscardHandler), web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(a, slog.New(slog.DiscardHandler), server.Config{Extra: pages.Register}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// wantUnavailable checks that a database that refuses writes is told as
// 503 storage_unavailable on the API, the pages and /readyz, while
// /healthz (liveness) and reads stay 200.
func wantUnavailable(t *testing.T, base, tok string) {
	t.Helper()
	status, h, body := get(t, "PUT", base+"/api/v1/company", tok, companyJSON, "Accept-Language", "es")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, `"code":"storage_unavailable"`) ||
		!strings.Contains(body, "no admite cambios") || h.Get("Retry-After") == "" {
		t.Errorf("a write the storage refuses: want 503 storage_unavailable in Spanish with Retry-After, got %d %v %s", status, h, body)
	}
	// A collection: the idempotency key's claim is a write too.
	status, _, body = get(t, "POST", base+"/api/v1/collections", tok, `{"customer_id": "C-1", "amount": {"amount": 5000, "currency": "EUR"},
		"instrument": {"kind": "cash"}, "allocations": [{"document_id": "F-1", "amount": {"amount": 5000, "currency": "EUR"}}]}`,
		"Idempotency-Key", "k-503")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, `"code":"storage_unavailable"`) {
		t.Errorf("a collection the storage refuses: want 503 storage_unavailable, got %d %s", status, body)
	}
	if status, _, body := get(t, "GET", base+"/api/v1/company", tok, ""); status != http.StatusOK {
		t.Errorf("reads go on: %d %s", status, body)
	}
	// Signing in writes a session.
	status, _, body = get(t, "POST", base+"/login", "", url.Values{"name": {"alba"}, "password": {"correct horse battery"}, "csrf": {"t0k"}}.Encode(),
		"Content-Type", "application/x-www-form-urlencoded", "Accept-Language", "en", "Cookie", "cobro_login_csrf=t0k")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "cannot take changes") {
		t.Errorf("sign-in on a database that refuses writes: want 503, got %d %s", status, body)
	}
	status, h, body = get(t, "GET", base+"/readyz", "", "")
	var rb map[string]string
	if err := json.Unmarshal([]byte(body), &rb); err != nil || status != http.StatusServiceUnavailable ||
		rb["status"] != "not_ready" || rb["code"] != "storage_unavailable" || h.Get("Cache-Control") != "no-store" {
		t.Errorf("/readyz: want 503 not_ready storage_unavailable, got %d %v %s", status, h, body)
	}
	if status, _, body := get(t, "GET", base+"/healthz", "", ""); status != http.StatusOK {
		t.Errorf("/healthz is liveness and stays 200: %d %s", status, body)
	}
	if _, _, body := get(t, "GET", base+"/metrics", "", ""); !strings.Contains(body, "cobro_storage_writable 0") {
		t.Errorf("metrics lack cobro_storage_writable 0:\n%s", body)
	}
}

// TestFullDiskSQLite: the disk under a serving SQLite database fills up.
func TestFullDiskSQLite(t *testing.T) {
	ctx := context.Background()
	dir := dbtest.SmallDisk(t, 4<<20)
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "cobro.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	tok := setUp(t, db)
	base := serve(t, db)
	if status, _, body := get(t, "GET", base+"/readyz", "", ""); status != http.StatusOK || !strings.Contains(body, `"ready"`) {
		t.Fatalf("/readyz on a writable database: %d %s", status, body)
	}
	if status, _, body := get(t, "PUT", base+"/api/v1/company", tok, companyJSON); status != http.StatusOK {
		t.Fatalf("a write before the disk is full: %d %s", status, body)
	}
	dbtest.Fill(t, dir)
	// Pages the WAL already holds may take a few more commits: write
	// until the disk refuses.
	a := app.New(db)
	for i := 0; i < 20000; i++ {
		name := fmt.Sprintf("%s-%06d", strings.Repeat("x", ledger.MaxNameLen-7), i)
		_, err := a.CreateToken(ctx, name, auth.Admin, "")
		if errors.Is(err, store.ErrUnavailable) {
			break
		}
		if err != nil {
			t.Fatalf("filling the disk: %v", err)
		}
	}
	// A failed write can leave part of a disk block allocated at the WAL's
	// end, room for a commit as small as the probe's: each probe that
	// still commits uses up more, until none fits.
	for i := 0; i < 10000; i++ {
		if err := a.Writable(ctx, time.Now()); errors.Is(err, store.ErrUnavailable) {
			break
		}
	}
	time.Sleep(1100 * time.Millisecond) // /readyz answered from its last probe until then
	wantUnavailable(t, base, tok)
}

// TestReadOnlyPostgres: a PostgreSQL database whose sessions are
// read-only (default_transaction_read_only, a standby).
func TestReadOnlyPostgres(t *testing.T) {
	ctx := context.Background()
	dsn := dbtest.DSN(t, "postgres")
	rw, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if err := rw.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	tok := setUp(t, rw)
	ro := openReadOnly(t, dsn)
	wantUnavailable(t, serve(t, ro), tok)

	// cobro serve refuses to start on it, saying why.
	srv := server.New(app.New(ro), slog.New(slog.DiscardHandler), server.Config{Addr: "127.0.0.1:0"})
	listened := false
	err = srv.Run(ctx, func(string) { listened = true })
	var nw *server.NotWritableError
	if !errors.As(err, &nw) || !errors.Is(err, store.ErrUnavailable) || listened || !strings.Contains(err.Error(), "does not take writes") {
		t.Fatalf("serve on a read-only database: want NotWritableError before listening, got %v (listened %v)", err, listened)
	}
}

func openReadOnly(t *testing.T, dsn string) *store.DB {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	u.RawQuery = q.Encode()
	db, err := store.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
