package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
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

// cheap is a password hasher for tests: real argon2id, small parameters.
var cheap = auth.NewHasher(auth.HashParams{Memory: 64, Time: 1, Threads: 1}, 4)

const customersJSON = `[
 {"customer_id": "C-1", "name": "Ferretería Núñez", "agent": "AG1", "currency": "EUR", "phone": "600 111 222", "credit_limit": {"amount": 100000, "currency": "EUR"}},
 {"customer_id": "C-2", "name": "Smith & Sons Ltd", "agent": "AG2", "currency": "EUR"}
]`

const documentsJSON = `[
 {"document_id": "F-1", "customer_id": "C-1", "kind": "invoice", "number": "2026/0001", "issue_date": "2026-09-01",
  "due_date": "2026-10-01", "currency": "EUR", "amount": {"amount": 300000, "currency": "EUR"},
  "open_amount": {"amount": 123456, "currency": "EUR"}, "instrument": "transfer"},
 {"document_id": "F-2", "customer_id": "C-2", "kind": "invoice", "number": "2026/0002", "issue_date": "2026-11-01",
  "due_date": "2026-12-31", "currency": "EUR", "amount": {"amount": 5000, "currency": "EUR"},
  "open_amount": {"amount": 5000, "currency": "EUR"}}
]`

type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) get(path string, lang string) (int, string, http.Header) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.base+path, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body), res.Header
}

func (b *browser) post(path string, form url.Values) (int, http.Header) {
	b.t.Helper()
	res, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) signIn(name, password string) {
	b.t.Helper()
	_, body, _ := b.get("/login", "")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatal("no CSRF token on the sign-in page")
	}
	status, h := b.post("/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {password}, "next": {"/"}})
	if status != http.StatusSeeOther || h.Get("Location") != "/" {
		b.t.Fatalf("sign-in: %d %v", status, h)
	}
}

// lastApp is the app of the last setup, for tests that add rows of their own.
var lastApp *app.App

func setup(t *testing.T, db *store.DB) string {
	return setupAt(t, db, func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) })
}

// setupAt is setup on the clock now (a browser test whose page keeps the
// browser's time needs the real one).
func setupAt(t *testing.T, db *store.DB, now func() time.Time) string {
	ctx := context.Background()
	a := app.New(db, app.WithClock(now), app.WithHasher(cheap))
	lastApp = a
	sys := auth.System("test")
	if err := a.SaveCompany(ctx, sys, ledger.Company{Name: "Test S.L.", Currency: "EUR", TimeZone: "Europe/Madrid", Language: "es",
		HowToPayEN: "Bank transfer quoting the invoice", HowToPayES: "Transferencia indicando la factura"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ImportCustomers(ctx, sys, strings.NewReader(customersJSON), app.ImportOptions{File: "c.json", Format: "json"}); err != nil {
		t.Fatal(err)
	}
	if rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(documentsJSON), app.ImportOptions{File: "d.json", Format: "json"}); err != nil || rep.Rejected > 0 {
		t.Fatal(err, rep.Errors)
	}
	for _, u := range []app.User{{Name: "ana", Role: "agent", Agent: "AG1"}, {Name: "marta", Role: "management"},
		{Name: "sergio", Role: "supervisor"}, {Name: "alba", Role: "administration"}} {
		if err := a.AddUser(ctx, sys, u, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
	}
	pages, err := web.New(a, slog.New(slog.DiscardHandler), web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(a, slog.New(slog.DiscardHandler), server.Config{Extra: pages.Register}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestAgentSeesOnlyOwnCustomers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		b := newBrowser(t, base)
		if status, _, h := b.get("/customers", ""); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Fatalf("unauthenticated page: %d %v", status, h)
		}
		b.signIn("ana", "correct horse battery")
		status, body, _ := b.get("/customers", "es-ES")
		if status != 200 || !strings.Contains(body, "Ferretería Núñez") || strings.Contains(body, "Smith") {
			t.Fatalf("agent list: %d\n%s", status, body)
		}
		if !strings.Contains(body, "1.234,56") {
			t.Fatalf("Spanish money format expected: %s", body)
		}
		if status, _, _ := b.get("/customers/C-2", ""); status != http.StatusNotFound {
			t.Fatalf("another agent's customer: %d", status)
		}
		status, body, _ = b.get("/customers/C-1", "en")
		if status != 200 || !strings.Contains(body, "€1,234.56") || !strings.Contains(body, "overdue") {
			t.Fatalf("sheet: %d\n%s", status, body)
		}
		// Switching language sticks.
		b.get("/language?lang=es&next=/", "en")
		if _, body, _ = b.get("/", "en"); !strings.Contains(body, "Clientes con más deuda vencida") {
			t.Fatalf("Spanish dashboard expected: %s", body)
		}
		// Ranked by what is overdue, with how long: due 1 October, today 23 November.
		if !strings.Contains(body, "53 días de retraso") {
			t.Fatalf("days late on the agent's dashboard: %s", body)
		}
	})
}

func TestSignInThrottledAndCSRF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		b := newBrowser(t, base)
		_, body, _ := b.get("/login", "")
		token := csrfRE.FindStringSubmatch(body)[1]
		if status, _ := b.post("/login", url.Values{"csrf": {"forged"}, "name": {"ana"}, "password": {"x"}}); status != http.StatusForbidden {
			t.Fatalf("forged CSRF: %d", status)
		}
		for i := 0; i < 5; i++ {
			if status, _ := b.post("/login", url.Values{"csrf": {token}, "name": {"ana"}, "password": {"wrong"}}); status != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d", i, status)
			}
			_, body, _ = b.get("/login", "")
			token = csrfRE.FindStringSubmatch(body)[1]
		}
		if status, _ := b.post("/login", url.Values{"csrf": {token}, "name": {"ana"}, "password": {"correct horse battery"}}); status != http.StatusTooManyRequests {
			t.Fatalf("after 5 failures the right password must wait: %d", status)
		}
		m := newBrowser(t, base)
		m.signIn("marta", "correct horse battery")
		status, body, _ := m.get("/", "en")
		if status != 200 || !strings.Contains(body, "DSO") || !strings.Contains(body, "Top risks") {
			t.Fatalf("management dashboard: %d\n%s", status, body)
		}
		// Sign-out needs the session's CSRF token.
		if status, _ := m.post("/logout", url.Values{"csrf": {"nope"}}); status != http.StatusForbidden {
			t.Fatalf("logout without CSRF: %d", status)
		}
	})
}

func TestDebtListsSavedAndExported(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		b := newBrowser(t, base)
		b.signIn("marta", "correct horse battery")
		status, body, _ := b.get("/debts?group=bucket&status=overdue", "en")
		if status != 200 || !strings.Contains(body, "2026/0001") || strings.Contains(body, "2026/0002") || !strings.Contains(body, "31–60 days") {
			t.Fatalf("debts: %d\n%s", status, body)
		}
		status, body, _ = b.get("/debts?group=agent", "en")
		if status != 200 || !strings.Contains(body, "AG2") || !strings.Contains(body, "€50.00") {
			t.Fatalf("grouped by agent: %d\n%s", status, body)
		}
		// Search by the start of a word of the customer's name, accents ignored.
		status, body, _ = b.get("/debts?q=NUN", "en")
		if status != 200 || !strings.Contains(body, "2026/0001") || strings.Contains(body, "Smith") {
			t.Fatalf("debts searched: %d\n%s", status, body)
		}
		if status, body, _ = b.get("/debts?q=smith+sons", "en"); status != 200 || strings.Contains(body, "Núñez") || !strings.Contains(body, "Smith") {
			t.Fatalf("debts searched for two words: %d\n%s", status, body)
		}
		if status, page, _ := b.get("/debts?bucket=ancient", "en"); status != http.StatusBadRequest || !strings.Contains(page, "You gave: ancient") {
			t.Fatalf("bad bucket: %d\n%s", status, page)
		}
		if status, page, _ := b.get("/debts?min=mucho", "es"); status != http.StatusBadRequest || !strings.Contains(page, "Valor dado: mucho") {
			t.Fatalf("bad amount: %d\n%s", status, page)
		}
		token := csrfRE.FindStringSubmatch(body)[1]
		if status, h := b.post("/debts/lists", url.Values{"csrf": {token}, "name": {"Overdue"}, "query": {"status=overdue"}}); status != http.StatusSeeOther {
			t.Fatalf("save list: %d %v", status, h)
		}
		for _, bad := range []string{"status=bogus", "min=abc", "due_to=tomorrow", "group=colour"} {
			if status, _ := b.post("/debts/lists", url.Values{"csrf": {token}, "name": {"Bad"}, "query": {bad}}); status != http.StatusBadRequest {
				t.Fatalf("saved a list of %s: %d", bad, status)
			}
		}
		if _, body, _ = b.get("/debts", "en"); !strings.Contains(body, `href="/debts?status=overdue">Overdue</a>`) || strings.Contains(body, ">Bad</a>") {
			t.Fatalf("saved list not offered:\n%s", body)
		}
		status, csvBody, h := b.get("/debts/export/csv?status=overdue", "es")
		if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(csvBody, "Ferretería Núñez") ||
			!strings.Contains(csvBody, "1234.56") || strings.Contains(csvBody, "Smith") {
			t.Fatalf("csv: %d %v\n%s", status, h, csvBody)
		}
		status, _, h = b.get("/debts/export/xlsx", "en")
		if status != 200 || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("xlsx: %d %v", status, h)
		}
	})
}

func TestDetailedDebtReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		b := newBrowser(t, base)
		b.signIn("ana", "correct horse battery")
		status, body, _ := b.get("/customers/C-1/report", "es")
		if status != 200 || !strings.Contains(body, "Informe detallado de deudas") || !strings.Contains(body, "2026/0001") ||
			!strings.Contains(body, "53 días vencida") || !strings.Contains(body, "1.234,56") {
			t.Fatalf("report: %d\n%s", status, body)
		}
	})
}
