package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// seeded is a server with the customers and documents of customersJSON
// and documentsJSON, an admin and a collection of C-1 to act on.
func seeded(t *testing.T, db *store.DB) (*client, string) {
	t.Helper()
	_, admin, erp := fixture(t, db, fixedClock("2026-11-23T10:00:00Z"))
	admin.expect(erp.do("POST", "/api/v1/customers/bulk", customersJSON), 200)
	admin.expect(erp.do("POST", "/api/v1/documents/bulk", documentsJSON), 200)
	col := admin.expect(admin.do("POST", "/api/v1/collections", `{"customer_id": "C-1", "amount": {"amount": 1000, "currency": "EUR"},
		"instrument": {"kind": "cheque", "number": "CH-1"}}`, "Idempotency-Key", "seed"), 201).json(t)
	return admin, col["id"].(string)
}

// A key given twice is refused with 400 on every route that changes
// money, at any depth: the last one must never silently win.
func TestRepeatedKeysAreRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		admin, id := seeded(t, db)
		base := "/api/v1/collections/" + id
		for i, c := range []struct{ path, body, field string }{
			{"/api/v1/collections", `{"customer_id": "C-1", "amount": {"amount": 1, "amount": 99999999, "currency": "EUR"},
				"instrument": {"kind": "cash"}}`, "amount.amount"},
			{"/api/v1/collections", `{"customer_id": "C-1", "amount": {"amount": 1, "currency": "EUR"},
				"amount": {"amount": 99999999, "currency": "EUR"}, "instrument": {"kind": "cash"}}`, "amount"},
			{"/api/v1/collections", `{"customer_id": "C-2", "customer_id": "C-1", "amount": {"amount": 1, "currency": "EUR"},
				"instrument": {"kind": "cash"}}`, "customer_id"},
			{"/api/v1/collections", `{"customer_id": "C-1", "amount": {"amount": 100, "currency": "EUR"}, "instrument": {"kind": "cash"},
				"allocations": [{"document_id": "F-1", "amount": {"amount": 1, "currency": "EUR"}},
				                {"document_id": "F-1", "document_id": "F-2", "amount": {"amount": 1, "currency": "EUR"}}]}`, "allocations[1].document_id"},
			{base + "/allocations", `{"allocations": [{"document_id": "F-1", "amount": {"amount": 1, "currency": "EUR", "amount": 900}}]}`,
				"allocations[0].amount.amount"},
			{base + "/allocations", `{"allocations": [], "allocations": [{"document_id": "F-1", "amount": {"amount": 1, "currency": "EUR"}}]}`,
				"allocations"},
			{base + "/void", `{"reason": "x", "reason": "y"}`, "reason"},
			{base + "/return", `{"reason": "x", "reason": "y"}`, "reason"},
			{base + "/clear", `{"a": 1, "a": 2}`, "a"},
			{base + "/ack", `{"a": 1, "a": 2}`, "a"},
		} {
			r := admin.expect(admin.do("POST", c.path, c.body, "Idempotency-Key", "dup-"+string(rune('a'+i))), 400,
				`"code":"duplicate_key"`, `"field":"`+c.field+`"`)
			if m := r.json(t)["error"].(map[string]any)["message"].(string); !strings.Contains(m, c.field) {
				t.Errorf("case %d: the message must name the key: %s", i, m)
			}
		}
		admin.expect(admin.do("PUT", "/api/v1/company", `{"name": "X", "name": "Y", "currency": "EUR", "time_zone": "Europe/Madrid", "language": "es"}`),
			400, `"code":"duplicate_key"`)
		// The same keys in different objects are no repetition.
		admin.expect(admin.do("POST", base+"/allocations", `{"allocations": [{"document_id": "F-1", "amount": {"amount": 1, "currency": "EUR"}},
			{"document_id": "F-2", "amount": {"amount": 1, "currency": "EUR"}}]}`, "Idempotency-Key", "dup-ok"), 200)
		// A bulk item with a repeated key is rejected, and so is one whose
		// amount repeats its own key.
		r := admin.expect(admin.do("POST", "/api/v1/documents/bulk", `[
			{"document_id": "F-9", "customer_id": "C-1", "kind": "invoice", "issue_date": "2026-11-01", "due_date": "2026-12-01",
			 "amount": {"amount": 100, "currency": "EUR"}, "open_amount": {"amount": 100, "amount": 100000, "currency": "EUR"}},
			{"document_id": "F-8", "customer_id": "C-1", "kind": "invoice", "issue_date": "2026-11-01", "due_date": "2026-12-01",
			 "amount": {"amount": 100, "currency": "EUR"}, "open_amount": {"amount": 100, "currency": "EUR"},
			 "open_amount": {"amount": 1, "currency": "EUR"}}]`), 207, `"rejected":2`, `"inserted":0`)
		if !strings.Contains(string(r.body), `"code":"bad_amount"`) || !strings.Contains(string(r.body), `"code":"duplicate_field"`) {
			t.Errorf("bulk items with repeated keys: %s", r.body)
		}
		admin.expect(admin.do("POST", "/api/v1/customers/bulk", `[
			{"customer_id": "C-7", "name": "Siete", "currency": "EUR", "credit_limit": {"amount": 100, "currency": "EUR", "amount": 99999999}},
			{"customer_id": "C-8", "name": "Ocho", "name": "Eight", "currency": "EUR"}]`), 207, `"rejected":2`, `"inserted":0`)
	})
}

// No money value over money.MaxMinor gets in through the API: not a
// collection, not an allocation, not a document or a credit limit.
func TestAmountsOverTheLimitAreRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		admin, id := seeded(t, db)
		for i, c := range []struct{ path, body, field string }{
			{"/api/v1/collections", `{"customer_id": "C-1", "amount": {"amount": 9223372036854775807, "currency": "EUR"},
				"instrument": {"kind": "cash"}}`, "amount.amount"},
			{"/api/v1/collections", `{"customer_id": "C-1", "amount": {"amount": 10000000000001, "currency": "EUR"},
				"instrument": {"kind": "cash"}}`, "amount.amount"},
			{"/api/v1/collections", `{"customer_id": "C-1", "amount": {"currency": "EUR", "amount": -99999999999999999999},
				"instrument": {"kind": "cash"}}`, "amount.amount"},
			{"/api/v1/collections", `{"customer_id": "C-1", "amount": {"amount": 100, "currency": "EUR"}, "instrument": {"kind": "cash"},
				"allocations": [{"document_id": "F-1", "amount": {"amount": 9223372036854775807, "currency": "EUR"}}]}`, "allocations[0].amount.amount"},
			{"/api/v1/collections/" + id + "/allocations", `{"allocations": [{"document_id": "F-1",
				"amount": {"amount": 9223372036854775807, "currency": "EUR"}}]}`, "allocations[0].amount.amount"},
		} {
			r := admin.expect(admin.do("POST", c.path, c.body, "Idempotency-Key", "big-"+string(rune('a'+i)), "Accept-Language", "es"), 422,
				`"code":"amount_too_large"`, `"field":"`+c.field+`"`)
			if m := r.json(t)["error"].(map[string]any)["message"].(string); !strings.Contains(m, "100.000.000.000,00\u00a0€") {
				t.Errorf("case %d: the message must give the limit in euros: %s", i, m)
			}
			if b, _ := json.Marshal(r.json(t)["error"].(map[string]any)["details"]); !strings.Contains(string(b), `"max":{"amount":10000000000000,"currency":"EUR"}`) {
				t.Errorf("case %d: details %s", i, b)
			}
		}
		// At the limit is fine (the rules that follow still apply).
		admin.expect(admin.do("POST", "/api/v1/collections", `{"customer_id": "C-1", "amount": {"amount": 10000000000000, "currency": "EUR"},
			"instrument": {"kind": "cash"}}`, "Idempotency-Key", "at-limit"), 201)
		admin.expect(admin.do("POST", "/api/v1/documents/bulk", `[
			{"document_id": "F-9", "customer_id": "C-1", "kind": "invoice", "issue_date": "2026-11-01", "due_date": "2026-12-01",
			 "amount": {"amount": 9223372036854775807, "currency": "EUR"}, "open_amount": {"amount": 1, "currency": "EUR"}}]`),
			207, `"rejected":1`, `"code":"amount_too_large"`, `"column":"amount"`)
		admin.expect(admin.do("POST", "/api/v1/customers/bulk", `[{"customer_id": "C-9", "name": "Nueve", "currency": "EUR",
			"credit_limit": {"amount": 9223372036854775807, "currency": "EUR"}}]`),
			207, `"rejected":1`, `"code":"amount_too_large"`, `"column":"credit_limit"`)
		c1 := admin.expect(admin.do("GET", "/api/v1/customers/C-1", ""), 200).json(t)
		if money2(c1, "balance") != 440000-1000-10000000000000 {
			t.Fatalf("balance %d", money2(c1, "balance"))
		}
	})
}

// Messages show money as money in the reader's language; the structured
// details keep minor units.
func TestErrorMessagesShowFormattedMoney(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		admin, _ := seeded(t, db)
		body := `{"customer_id": "C-1", "amount": {"amount": 400000, "currency": "EUR"}, "instrument": {"kind": "cash"},
			"allocations": [{"document_id": "F-1", "amount": {"amount": 300001, "currency": "EUR"}}]}`
		en := admin.expect(admin.do("POST", "/api/v1/collections", body, "Idempotency-Key", "m-1"), 409,
			`"code":"allocation_exceeds_open"`, `3000.01 EUR is more than the 3000.00 EUR open on 2026/0001`).json(t)
		es := admin.expect(admin.do("POST", "/api/v1/collections", body, "Idempotency-Key", "m-2", "Accept-Language", "es"), 409,
			"3.000,01\u00a0€ es más que los 3.000,00\u00a0€ pendientes de 2026/0001").json(t)
		for _, m := range []map[string]any{en, es} {
			e := m["error"].(map[string]any)
			if strings.Contains(e["message"].(string), "300001") {
				t.Errorf("raw minor units in the message: %v", e["message"])
			}
			b, _ := json.Marshal(e["details"])
			if string(b) != `{"amount":{"amount":300001,"currency":"EUR"},"document":"2026/0001","open":{"amount":300000,"currency":"EUR"}}` {
				t.Errorf("details %s", b)
			}
		}
		admin.expect(admin.do("POST", "/api/v1/collections", strings.Replace(body, "300001", "300000", 1), "Idempotency-Key", "m-3"), 201)
		over := `{"customer_id": "C-1", "amount": {"amount": 1000, "currency": "EUR"}, "instrument": {"kind": "cash"},
			"allocations": [{"document_id": "F-2", "amount": {"amount": 1001, "currency": "EUR"}}]}`
		admin.expect(admin.do("POST", "/api/v1/collections", over, "Idempotency-Key", "m-4", "Accept-Language", "es"), 409,
			"Las asignaciones suman 10,01\u00a0€, más que los 10,00\u00a0€ del cobro")
	})
}

// An agent allocating to another agent's document gets the answer an
// unknown document gets, byte for byte but for the id.
func TestAgentCannotProbeOtherAgentsDocuments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, admin, erp := fixture(t, db, time.Now)
		admin.expect(erp.do("POST", "/api/v1/customers/bulk", customersJSON), 200)
		admin.expect(erp.do("POST", "/api/v1/documents/bulk", documentsJSON), 200)
		if err := a.AddUser(ctx, auth.System("test"), app.User{Name: "ana", Role: "agent", Agent: "AG1"}, "a long password"); err != nil {
			t.Fatal(err)
		}
		tok, err := a.CreateToken(ctx, "ana-phone", "", "ana")
		if err != nil {
			t.Fatal(err)
		}
		ana := &client{t: t, url: admin.url, token: tok}
		// F-3 is C-2's, of agent AG2; F-404 does not exist.
		body := func(doc string) string {
			return `{"customer_id": "C-1", "amount": {"amount": 100, "currency": "EUR"}, "instrument": {"kind": "cash"},
				"allocations": [{"document_id": "` + doc + `", "amount": {"amount": 100, "currency": "EUR"}}]}`
		}
		col := admin.expect(ana.do("POST", "/api/v1/collections", `{"customer_id": "C-1", "amount": {"amount": 100, "currency": "EUR"},
			"instrument": {"kind": "cash"}}`, "Idempotency-Key", "adv"), 201).json(t)["id"].(string)
		for _, lang := range []string{"en", "es"} {
			other := ana.do("POST", "/api/v1/collections", body("F-3"), "Idempotency-Key", "o-"+lang, "Accept-Language", lang)
			unknown := ana.do("POST", "/api/v1/collections", body("F-404"), "Idempotency-Key", "u-"+lang, "Accept-Language", lang)
			if other.status != unknown.status || strings.ReplaceAll(string(other.body), "F-3", "F-404") != string(unknown.body) {
				t.Errorf("another agent's document:\n%d %s\nan unknown document:\n%d %s", other.status, other.body, unknown.status, unknown.body)
			}
			alloc := `{"allocations": [{"document_id": "DOC", "amount": {"amount": 100, "currency": "EUR"}}]}`
			other = ana.do("POST", "/api/v1/collections/"+col+"/allocations", strings.Replace(alloc, "DOC", "F-3", 1), "Idempotency-Key", "ao-"+lang, "Accept-Language", lang)
			unknown = ana.do("POST", "/api/v1/collections/"+col+"/allocations", strings.Replace(alloc, "DOC", "F-404", 1), "Idempotency-Key", "au-"+lang, "Accept-Language", lang)
			if other.status != 422 || strings.ReplaceAll(string(other.body), "F-3", "F-404") != string(unknown.body) {
				t.Errorf("allocate to another agent's document:\n%d %s\nan unknown document:\n%d %s", other.status, other.body, unknown.status, unknown.body)
			}
			if strings.Contains(string(other.body), "another customer") || strings.Contains(string(other.body), "otro cliente") {
				t.Errorf("the answer confirms the document exists: %s", other.body)
			}
		}
	})
}

// A change that would take a customer's figures past money.MaxTotal is
// refused by the database with a clear error, and stores nothing.
func TestFiguresPastTheirBoundAreRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		admin, _ := seeded(t, db)
		var b strings.Builder
		b.WriteString("[")
		for i := range 101 { // 101 × 10^13 > 10^15
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"document_id": "BIG-%d", "customer_id": "C-2", "kind": "invoice", "issue_date": "2026-11-01",
				"due_date": "2026-12-01", "amount": {"amount": 10000000000000, "currency": "EUR"},
				"open_amount": {"amount": 10000000000000, "currency": "EUR"}}`, i)
		}
		b.WriteString("]")
		admin.expect(admin.do("POST", "/api/v1/documents/bulk", b.String(), "Accept-Language", "es"), 422,
			`"code":"figure_out_of_range"`, "no se ha cambiado nada")
		c2 := admin.expect(admin.do("GET", "/api/v1/customers/C-2", ""), 200).json(t)
		if money2(c2, "balance") != 99900 {
			t.Fatalf("the refused batch moved the balance: %v", c2)
		}
	})
}

// Every text of a collection is bounded, with a field error; a
// single-object route takes at most 64 KiB while a bulk route keeps its
// larger limit.
func TestTextAndBodyLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		admin, id := seeded(t, db)
		long := func(n int) string { return strings.Repeat("ñ", n) }
		collect := func(instrument, extra string) string {
			return `{"customer_id": "C-1", "amount": {"amount": 100, "currency": "EUR"}, "instrument": ` + instrument + extra + `}`
		}
		for i, c := range []struct{ path, body, field string }{
			{"/api/v1/collections", collect(`{"kind": "cheque", "number": "`+long(65)+`"}`, ""), "instrument.number"},
			{"/api/v1/collections", collect(`{"kind": "cheque", "number": "1", "bank": "`+long(201)+`"}`, ""), "instrument.bank"},
			{"/api/v1/collections", collect(`{"kind": "cash"}`, `, "device_id": "`+long(65)+`"`), "device_id"},
			{"/api/v1/collections/" + id + "/void", `{"reason": "` + long(501) + `"}`, "reason"},
			{"/api/v1/collections/" + id + "/return", `{"reason": "` + long(501) + `"}`, "reason"},
		} {
			admin.expect(admin.do("POST", c.path, c.body, "Idempotency-Key", "long-"+string(rune('a'+i)), "Accept-Language", "es"), 422,
				`"code":"text_too_long"`, `"field":"`+c.field+`"`, "caracteres")
		}
		// At the limit, counted in characters (ñ is two bytes), is fine.
		admin.expect(admin.do("POST", "/api/v1/collections", collect(`{"kind": "cheque", "number": "`+long(64)+`", "bank": "`+long(200)+`"}`,
			`, "device_id": "`+long(64)+`"`), "Idempotency-Key", "long-ok"), 201)
		admin.expect(admin.do("PUT", "/api/v1/company", `{"name": "`+long(201)+`", "currency": "EUR", "time_zone": "Europe/Madrid", "language": "es"}`),
			422, `"code":"text_too_long"`, `"field":"name"`)

		// 64 KiB for one object: the 10 MB collection of the report is refused unread.
		pad := strings.Repeat(" ", 64<<10)
		admin.expect(admin.do("POST", "/api/v1/collections", collect(`{"kind": "cash"}`, pad), "Idempotency-Key", "big-body"), 413,
			`"code":"body_too_large"`, "65536")
		admin.expect(admin.do("POST", "/api/v1/collections/"+id+"/void", `{"reason": "x"}`+pad, "Idempotency-Key", "big-void"), 413)
		admin.expect(admin.do("PUT", "/api/v1/company", `{"name": "X"}`+pad), 413)
		// A bulk route takes far more than that.
		var b strings.Builder
		b.WriteString("[")
		for i := range 1000 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"customer_id": "B-%d", "name": "Cliente con un nombre largo número %d", "currency": "EUR"}`, i, i)
		}
		b.WriteString("]")
		if b.Len() <= 64<<10 {
			t.Fatalf("the bulk body is only %d bytes", b.Len())
		}
		admin.expect(admin.do("POST", "/api/v1/customers/bulk", b.String()), 200, `"inserted":1000`)
	})
}

// A collection's time is bounded: at most 90 days back, never before the
// company was set up, at most a day ahead; an instrument matures between
// 2000 and ten years from today.
func TestCollectionDatesAreBounded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, admin, erp := fixture(t, db, fixedClock("2026-11-23T10:00:00Z"))
		admin.expect(erp.do("POST", "/api/v1/customers/bulk", customersJSON), 200)
		body := func(at, due string) string {
			return `{"customer_id": "C-1", "amount": {"amount": 100, "currency": "EUR"}, "collected_at": "` + at + `",
				"instrument": {"kind": "promissory_note", "number": "P-1", "due_date": "` + due + `"}}`
		}
		key := 0
		try := func(at, due string, status int, has ...string) {
			t.Helper()
			key++
			admin.expect(admin.do("POST", "/api/v1/collections", body(at, due), "Idempotency-Key", fmt.Sprint("d-", key),
				"Accept-Language", "es"), status, has...)
		}
		// The company was set up at the clock's now: yesterday is before it.
		try("2026-11-22T10:00:00Z", "2027-01-31", 422, `"code":"collected_before_setup"`, `"field":"collected_at"`, "alta de la empresa")
		try("2026-11-23T09:59:00Z", "2027-01-31", 422, `"code":"collected_before_setup"`)
		try("2026-11-23T10:00:00Z", "2027-01-31", 201)
		try("2026-11-24T10:00:01Z", "2027-01-31", 422, `"code":"collected_in_future"`)
		// A company whose history started earlier: 90 days back at most.
		if err := a.BackdateCompany(context.Background(), auth.System("test"), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		try("2026-08-25T10:00:00Z", "2027-01-31", 201) // 90 days
		try("2026-08-25T09:59:59Z", "2027-01-31", 422, `"code":"collected_too_early"`, "90 días")
		try("1970-01-01T00:00:00Z", "2027-01-31", 422, `"code":"collected_too_early"`)
		// Maturities.
		try("2026-11-23T10:00:00Z", "2000-01-01", 201)
		try("2026-11-23T10:00:00Z", "1999-12-31", 422, `"code":"bad_due_date"`, `"field":"instrument.due_date"`, "2000-01-01", "2036-11-23")
		try("2026-11-23T10:00:00Z", "2036-11-23", 201)
		try("2026-11-23T10:00:00Z", "2036-11-24", 422, `"code":"bad_due_date"`)
		try("2026-11-23T10:00:00Z", "9999-12-31", 422, `"code":"bad_due_date"`)
	})
}
