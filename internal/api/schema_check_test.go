package api

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSchemaCheckerCatches: the checker that every API test runs on its
// responses finds each kind of difference from the document.
func TestSchemaCheckerCatches(t *testing.T) {
	const money = `{"amount": 100, "currency": "EUR"}`
	customer := `{"id": "C-1", "name": "N", "currency": "EUR", "balance": ` + money + `, "overdue": ` + money +
		`, "risk": ` + money + `, "credit_limit": null, "available_credit": null, "figures_as_of": "2026-11-23"}`
	for _, c := range []struct {
		method, path string
		status       int
		body         string
		want         string // "" for a clean response
	}{
		{"GET", "/api/v1/customers/C-1", 200, customer, ""},
		{"GET", "/api/v1/customers/C-1", 200, strings.Replace(customer, `"credit_limit": null`, `"credit_limit": `+money, 1), ""},
		{"GET", "/api/v1/customers/C-1", 200, strings.Replace(customer, `"name": "N", `, "", 1), `required property "name" is missing`},
		{"GET", "/api/v1/customers/C-1", 200, strings.Replace(customer, `"id": "C-1"`, `"id": 7`, 1), `$.id: number 7 is not string`},
		{"GET", "/api/v1/customers/C-1", 200, strings.Replace(customer, `"id": "C-1"`, `"id": "C-1", "colour": "red"`, 1), `property "colour" is not documented`},
		{"GET", "/api/v1/customers/C-1", 200, strings.Replace(customer, `"credit_limit": null`, `"credit_limit": "lots"`, 1), "matches 0 of oneOf's 2 schemas"},
		{"GET", "/api/v1/customers/C-1", 200, strings.Replace(customer, `"2026-11-23"`, `"23/11/2026"`, 1), `is not a date`},
		{"GET", "/api/v1/customers/C-1", 200, strings.Replace(customer, `"balance": {"amount": 100,`, `"balance": {"amount": 1.5,`, 1), "$.balance.amount: number 1.5 is not integer"},
		{"GET", "/api/v1/customers/C-1", 200, strings.Replace(customer, `"balance": {"amount": 100, "currency": "EUR"}`, `"balance": {"amount": 1, "currency": "eur"}`, 1), `does not match ^[A-Z]{3}$`},
		{"GET", "/api/v1/customers/C-1", 200, strings.Replace(customer, `"balance": {"amount": 100, "currency": "EUR"}`, `"balance": {"amount": 1, "currency": "EUR", "x": 1}`, 1), `property "x" is not allowed`},
		{"GET", "/api/v1/customers/C-1", 200, `[1]`, "is not object"},
		{"GET", "/api/v1/customers/C-1", 200, `not json`, "body is not JSON"},
		{"GET", "/api/v1/customers/C-1", 418, `{}`, "GET /api/v1/customers/{id} → 418: status not documented"},
		{"GET", "/api/v1/collections/X", 200, `{"id": "X", "customer_id": "C", "amount": ` + money + `, "state": "lost"}`, `lost is not one of`},
		{"GET", "/api/v1/customers/C-1", 404, `{"error": {"code": "not_found", "message": "m", "value": "C-1"}}`, ""},
		{"GET", "/api/v1/customers/C-1", 404, `{"error": {"message": "m"}}`, `$.error: required property "code" is missing`},
		{"GET", "/api/v1/nowhere", 404, `anything`, ""}, // not a documented path
	} {
		got := strings.Join(CheckResponse(c.method, c.path, c.status, []byte(c.body)), "\n")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s %s %d %s:\ngot  %q\nwant %q", c.method, c.path, c.status, c.body, got, c.want)
		}
	}
	doc, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	if got := validate(doc, map[string]any{"type": "integer", "multipleOf": 3.0}, json.Number("4"), "$"); len(got) != 1 ||
		!strings.Contains(got[0], `schema keyword "multipleOf" is not checked`) {
		t.Errorf("an unknown keyword must fail, not pass: %v", got)
	}
	for _, c := range []struct {
		schema map[string]any
		v      any
		fails  bool
	}{
		{map[string]any{"type": "string", "minLength": 3.0}, "ab", true},
		{map[string]any{"type": "string", "maxLength": 2.0}, "ñú", false},
		{map[string]any{"type": "string", "maxLength": 2.0}, "abc", true},
		{map[string]any{"type": "integer", "maximum": 1e13}, json.Number("10000000000000"), false},
		{map[string]any{"type": "integer", "maximum": 1e13}, json.Number("10000000000001"), true},
		{map[string]any{"type": "integer", "minimum": -1e13}, json.Number("-10000000000001"), true},
	} {
		if got := validate(doc, c.schema, c.v, "$"); (len(got) > 0) != c.fails {
			t.Errorf("%v against %v: %v, want failing %v", c.v, c.schema, got, c.fails)
		}
	}
}
