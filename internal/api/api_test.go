package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"cobro/internal/api"
	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/server"
	"cobro/internal/store"
)

// client is a test client of a real server on a real database.
type client struct {
	t     *testing.T
	url   string
	token string
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

func (c *client) do(method, path, body string, headers ...string) resp {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.url+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, p := range api.CheckResponse(method, req.URL.Path, res.StatusCode, b) {
		c.t.Errorf("response differs from openapi.json: %s\n%s", p, b)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

func (c *client) expect(r resp, status int, contains ...string) resp {
	c.t.Helper()
	if r.status != status {
		c.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	for _, s := range contains {
		if !strings.Contains(string(r.body), s) {
			c.t.Fatalf("response lacks %q: %s", s, r.body)
		}
	}
	return r
}

// fixture starts a server on db with a company and returns an admin client
// and an integration client.
func fixture(t *testing.T, db *store.DB, now func() time.Time) (*app.App, *client, *client) {
	t.Helper()
	ctx := context.Background()
	a := app.New(db, app.WithClock(now))
	if err := a.SaveCompany(ctx, auth.System("test"), ledger.Company{Name: "Test S.L.", Currency: "EUR",
		TimeZone: "Europe/Madrid", Language: "es"}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(a, slog.New(slog.DiscardHandler), server.Config{MaxBody: 1 << 20}).Handler())
	t.Cleanup(srv.Close)
	adminTok, err := a.CreateToken(ctx, "admin", auth.Admin, "")
	if err != nil {
		t.Fatal(err)
	}
	intTok, err := a.CreateToken(ctx, "erp", auth.Integration, "")
	if err != nil {
		t.Fatal(err)
	}
	return a, &client{t: t, url: srv.URL, token: adminTok}, &client{t: t, url: srv.URL, token: intTok}
}

func fixedClock(s string) func() time.Time {
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return func() time.Time { return ts }
}

const customersJSON = `[
 {"customer_id": "C-1", "name": "Ferretería Núñez", "tax_id": "B12345678", "agent": "AG1", "currency": "EUR",
  "credit_limit": {"amount": 500000, "currency": "EUR"}},
 {"customer_id": "C-2", "name": "Smith & Sons Ltd", "agent": "AG2", "currency": "EUR", "credit_limit": null}
]`

const documentsJSON = `[
 {"document_id": "F-1", "customer_id": "C-1", "kind": "invoice", "number": "2026/0001", "issue_date": "2026-09-01",
  "due_date": "2026-10-01", "currency": "EUR", "amount": {"amount": 300000, "currency": "EUR"},
  "open_amount": {"amount": 300000, "currency": "EUR"}, "instrument": "transfer"},
 {"document_id": "F-2", "customer_id": "C-1", "kind": "invoice", "number": "2026/0002", "issue_date": "2026-11-01",
  "due_date": "2026-12-31", "currency": "EUR", "amount": {"amount": 200000, "currency": "EUR"},
  "open_amount": {"amount": 150000, "currency": "EUR"}, "instrument": "promissory_note"},
 {"document_id": "A-1", "customer_id": "C-1", "kind": "credit_note", "number": "AB-1", "issue_date": "2026-11-02",
  "due_date": "2026-11-02", "currency": "EUR", "amount": {"amount": 10000, "currency": "EUR"},
  "open_amount": {"amount": 10000, "currency": "EUR"}},
 {"document_id": "F-3", "customer_id": "C-2", "kind": "invoice", "number": "2026/0003", "issue_date": "2026-11-01",
  "due_date": "2026-11-30", "currency": "EUR", "amount": {"amount": 99900, "currency": "EUR"},
  "open_amount": {"amount": 99900, "currency": "EUR"}, "status": "disputed"}
]`

func money2(m map[string]any, field string) int64 {
	v, ok := m[field].(map[string]any)
	if !ok {
		return -1
	}
	return int64(v["amount"].(float64))
}

func TestLedgerThroughAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		_, admin, erp := fixture(t, db, fixedClock("2026-11-23T10:00:00Z"))

		admin.expect(erp.do("POST", "/api/v1/customers/bulk", customersJSON), 200, `"inserted":2`, `"new_agents":["AG1","AG2"]`)
		admin.expect(erp.do("POST", "/api/v1/documents/bulk", documentsJSON), 200, `"inserted":4`)
		// The same again writes nothing.
		admin.expect(erp.do("POST", "/api/v1/documents/bulk", documentsJSON), 200, `"unchanged":4`, `"inserted":0`, `"updated":0`)

		c1 := admin.expect(admin.do("GET", "/api/v1/customers/C-1", ""), 200).json(t)
		// balance = 3000 + 1500 - 100 (credit note); overdue = F-1 (due 1 Oct)
		if got := money2(c1, "balance"); got != 440000 {
			t.Fatalf("balance %d", got)
		}
		if got := money2(c1, "overdue"); got != 300000 {
			t.Fatalf("overdue %d", got)
		}
		if got := money2(c1, "available_credit"); got != 60000 {
			t.Fatalf("available %d", got)
		}
		c2 := admin.expect(admin.do("GET", "/api/v1/customers/C-2", ""), 200).json(t)
		if c2["credit_limit"] != nil || c2["available_credit"] != nil {
			t.Fatalf("no limit must be null: %v", c2)
		}
		if money2(c2, "disputed") != 99900 || money2(c2, "overdue") != 0 {
			t.Fatalf("disputed doc: %v", c2)
		}

		// A promissory note for part of F-1 and all of F-2.
		body := `{"customer_id": "C-1", "amount": {"amount": 250000, "currency": "EUR"},
		  "instrument": {"kind": "promissory_note", "number": "PN-2231", "bank": "Banco X", "due_date": "2027-02-28"},
		  "allocations": [{"document_id": "F-1", "amount": {"amount": 100000, "currency": "EUR"}},
		                  {"document_id": "F-2", "amount": {"amount": 150000, "currency": "EUR"}}]}`
		admin.expect(erp.do("POST", "/api/v1/collections", body), 400, `"code":"idempotency_key_required"`)
		first := admin.expect(erp.do("POST", "/api/v1/collections", body, "Idempotency-Key", "k-1"), 201, `"state":"in_hand"`)
		again := admin.expect(erp.do("POST", "/api/v1/collections", body, "Idempotency-Key", "k-1"), 201)
		if !bytes.Equal(first.body, again.body) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry must replay the first answer:\n%s\n%s", first.body, again.body)
		}
		other := strings.Replace(body, "250000", "250001", 1)
		admin.expect(erp.do("POST", "/api/v1/collections", other, "Idempotency-Key", "k-1"), 422, `"code":"idempotency_key_reused"`)
		colID := first.json(t)["id"].(string)

		c1 = admin.expect(admin.do("GET", "/api/v1/customers/C-1", ""), 200).json(t)
		// balance fell by 2500; risk did not (the note is in hand).
		if money2(c1, "balance") != 190000 || money2(c1, "risk") != 440000 || money2(c1, "overdue") != 200000 {
			t.Fatalf("after the note: %v", c1)
		}
		docs := admin.expect(admin.do("GET", "/api/v1/customers/C-1/documents", ""), 200).json(t)
		statuses := map[string]string{}
		for _, it := range docs["items"].([]any) {
			d := it.(map[string]any)
			statuses[d["id"].(string)] = fmt.Sprintf("%s/%v/%d", d["status"], d["partial"], money2(d, "open_amount"))
		}
		want := map[string]string{"F-1": "overdue/true/200000", "F-2": "collected/false/0", "A-1": "pending/false/10000"}
		for id, w := range want {
			if statuses[id] != w {
				t.Errorf("document %s: %s, want %s", id, statuses[id], w)
			}
		}

		// Over-allocation is refused.
		over := `{"customer_id": "C-1", "amount": {"amount": 300000, "currency": "EUR"}, "instrument": {"kind": "cash"},
		  "allocations": [{"document_id": "F-1", "amount": {"amount": 200001, "currency": "EUR"}}]}`
		admin.expect(erp.do("POST", "/api/v1/collections", over, "Idempotency-Key", "k-2"), 409, `"code":"allocation_exceeds_open"`, `"field":"allocations[0].amount"`)

		// The ERP re-sends F-1 fully open: cobro keeps its pending allocation.
		admin.expect(erp.do("POST", "/api/v1/documents/bulk", documentsJSON), 200, `"unchanged":4`)
		d := admin.expect(admin.do("GET", "/api/v1/customers/C-1/documents?limit=1", ""), 200).json(t)
		if first := d["items"].([]any)[0].(map[string]any); first["id"] != "F-1" || money2(first, "open_amount") != 200000 {
			t.Fatalf("re-sync lost the pending allocation: %v", first)
		}

		// Export and acknowledge.
		admin.expect(erp.do("GET", "/api/v1/collections?pending_erp=true", ""), 200, colID)
		admin.expect(erp.do("POST", "/api/v1/collections/"+colID+"/ack", "", "Idempotency-Key", "ack-1"), 200, `"pending_in_erp":false`)
		admin.expect(erp.do("GET", "/api/v1/collections?pending_erp=true", ""), 200, `"items":[]`)
		// Now the ERP's figure stands alone: F-1 shows the ERP's 3000 until it re-sends.
		d = admin.expect(admin.do("GET", "/api/v1/customers/C-1/documents?limit=1", ""), 200).json(t)
		if money2(d["items"].([]any)[0].(map[string]any), "open_amount") != 300000 {
			t.Fatalf("after ack the ERP's open amount stands: %s", d)
		}

		// The integration role may not void; the admin may, twice.
		admin.expect(erp.do("POST", "/api/v1/collections/"+colID+"/void", `{"reason":"x"}`, "Idempotency-Key", "v-0"), 403, `"code":"forbidden"`)
		admin.expect(admin.do("POST", "/api/v1/collections/"+colID+"/void", `{}`, "Idempotency-Key", "v-1"), 422, `"field":"reason"`)
		v1 := admin.expect(admin.do("POST", "/api/v1/collections/"+colID+"/void", `{"reason":"wrong customer"}`, "Idempotency-Key", "v-2"), 200, `"state":"voided"`)
		v2 := admin.expect(admin.do("POST", "/api/v1/collections/"+colID+"/void", `{"reason":"wrong customer"}`, "Idempotency-Key", "v-3"), 200, `"state":"voided"`)
		if v1.json(t)["void_reason"] != v2.json(t)["void_reason"] {
			t.Fatal("voiding twice must return the same void")
		}
		a := app.New(db)
		vs, err := a.Check(context.Background())
		if err != nil || len(vs) > 0 {
			t.Fatalf("check: %v %v", err, vs)
		}
	})
}

func TestErrorsAreClearJSON(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		_, admin, _ := fixture(t, db, time.Now)
		anon := &client{t: t, url: admin.url}
		for _, rt := range []string{"GET /api/v1/customers", "GET /api/v1/customers/C-1", "POST /api/v1/collections",
			"POST /api/v1/documents/bulk", "GET /api/v1/conflicts"} {
			m, p, _ := strings.Cut(rt, " ")
			admin.expect(anon.do(m, p, "{}"), 401, `"code":"unauthorized"`)
		}
		bad := &client{t: t, url: admin.url, token: "cobro_not-a-token"}
		admin.expect(bad.do("GET", "/api/v1/customers", ""), 401)
		admin.expect(anon.do("GET", "/api/v1/openapi.json", ""), 200, `"openapi"`)

		admin.expect(admin.do("POST", "/api/v1/collections", `{"customer_id": 7}`, "Idempotency-Key", "x"), 400, `"code":"bad_json"`, `"field":"customer_id"`)
		admin.expect(admin.do("POST", "/api/v1/collections", `{"customer_id": "C-1", "amount": {"amount": 1.5, "currency": "EUR"}}`,
			"Idempotency-Key", "x"), 400, `"code":"bad_json"`)
		admin.expect(admin.do("POST", "/api/v1/collections", `{"customer_idd": "C-1"}`, "Idempotency-Key", "x"), 400, `"field":"customer_idd"`)
		admin.expect(admin.do("POST", "/api/v1/collections", `{"customer_id": "C-404", "amount": {"amount": 100, "currency": "EUR"},
			"instrument": {"kind": "cash"}}`, "Idempotency-Key", "y"), 404, `"code":"not_found"`)
		es := admin.expect(admin.do("POST", "/api/v1/collections", `{"customer_id": "C-1"}`, "Idempotency-Key", "z",
			"Accept-Language", "es-ES,es;q=0.9"), 422).json(t)
		if msg := es["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "obligatorio") {
			t.Fatalf("Spanish message expected: %q", msg)
		}
		huge := `{"customer_id": "` + strings.Repeat("x", 2<<20) + `"}`
		admin.expect(admin.do("POST", "/api/v1/collections", huge, "Idempotency-Key", "h"), 413, `"code":"body_too_large"`)
		admin.expect(admin.do("GET", "/api/v1/nothing", ""), 404, `"code":"not_found"`)
		admin.expect(admin.do("GET", "/api/v1/customers?limit=abc", ""), 400, `"code":"bad_limit"`, `"value":"abc"`)
		// A broken rule names the field and the value sent, in both languages.
		admin.expect(admin.do("GET", "/api/v1/customers?status=owing", ""), 422, `"code":"bad_status"`, `"field":"status"`, `"value":"owing"`)
		admin.expect(admin.do("PUT", "/api/v1/company", `{"name": "T", "currency": "EUR", "time_zone": "Mars/Olympus", "language": "es"}`,
			"Accept-Language", "es"), 422, `"code":"bad_time_zone"`, `"value":"Mars/Olympus"`)
		admin.expect(admin.do("GET", "/api/v1/customers?cursor=not-a-cursor", ""), 422, `"code":"bad_cursor"`)
		deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
		r := admin.do("POST", "/api/v1/documents/bulk", deep)
		if r.status < 400 || r.status >= 500 {
			t.Fatalf("deeply nested JSON: %d %s", r.status, r.body)
		}
	})
}

func TestConcurrentCollectionsNeverOverAllocate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		_, admin, erp := fixture(t, db, time.Now)
		admin.expect(erp.do("POST", "/api/v1/customers/bulk", customersJSON), 200)
		admin.expect(erp.do("POST", "/api/v1/documents/bulk", documentsJSON), 200)
		const n = 8
		var wg sync.WaitGroup
		codes := make([]int, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := `{"customer_id": "C-1", "amount": {"amount": 100000, "currency": "EUR"}, "instrument": {"kind": "cash"},
				  "allocations": [{"document_id": "F-1", "amount": {"amount": 100000, "currency": "EUR"}}]}`
				codes[i] = erp.do("POST", "/api/v1/collections", body, "Idempotency-Key", fmt.Sprintf("c-%d", i)).status
			}()
		}
		wg.Wait()
		ok := 0
		for _, c := range codes {
			switch c {
			case 201:
				ok++
			case 409:
			default:
				t.Fatalf("unexpected status %d", c)
			}
		}
		if ok != 3 { // F-1 has 3000 open: three collections of 1000 fit
			t.Fatalf("%d collections succeeded, want 3 (%v)", ok, codes)
		}
		c1 := admin.expect(admin.do("GET", "/api/v1/customers/C-1", ""), 200).json(t)
		if money2(c1, "overdue") != 0 {
			t.Fatalf("F-1 must be fully collected: %v", c1)
		}
		if vs, err := app.New(db).Check(context.Background()); err != nil || len(vs) > 0 {
			t.Fatalf("check: %v %v", err, vs)
		}
	})
}
