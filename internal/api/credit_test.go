package api_test

import (
	"context"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestCreditCheckThroughAPI: the mission's example over the wire: limit
// 50,000, risk 48,000, order 5,000 → approval, collect 3,000 first, in
// Spanish; a key is required to reserve; bad input is a clear 422.
func TestCreditCheckThroughAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, admin, _ := fixture(t, db, fixedClock("2026-11-10T09:00:00Z"))
		ctx := context.Background()
		sys := auth.System("test")
		if _, err := a.ImportCustomers(ctx, sys, strings.NewReader(`[{"customer_id":"C-9","name":"Nueve","agent":"AG1","currency":"EUR",
			"credit_limit":{"amount":5000000,"currency":"EUR"}}]`), app.ImportOptions{File: "c", Format: "json"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.ImportDocuments(ctx, sys, strings.NewReader(`[{"document_id":"F-9","customer_id":"C-9","kind":"invoice",
			"issue_date":"2026-11-01","due_date":"2026-12-31","amount":{"amount":4800000,"currency":"EUR"},
			"open_amount":{"amount":4800000,"currency":"EUR"}}]`), app.ImportOptions{File: "d", Format: "json"}); err != nil {
			t.Fatal(err)
		}
		order := `{"customer_id":"C-9","amount":{"amount":500000,"currency":"EUR"},"order_ref":"P-1"}`
		admin.expect(admin.do("POST", "/api/v1/credit-checks", order), 400, `"code":"idempotency_key_required"`)
		r := admin.expect(admin.do("POST", "/api/v1/credit-checks", order, "Idempotency-Key", "k1", "Accept-Language", "es"), 201,
			`"decision":"approval_required"`, `"collect_first":{"amount":300000,"currency":"EUR"}`,
			`"risk":{"amount":4800000,"currency":"EUR"}`, `"available_credit":{"amount":200000,"currency":"EUR"}`,
			`cobre antes 3.000,00`, `"reservation_id":null`)
		id := r.json(t)["approval_id"].(string)
		admin.expect(admin.do("GET", "/api/v1/approvals?state=pending", ""), 200, id, `"customer_name":"Nueve"`)
		admin.expect(admin.do("POST", "/api/v1/approvals/"+id+"/approve", `{"comment":"buen cliente"}`, "Idempotency-Key", "k2"), 200,
			`"state":"reserved"`, `"approval":"approved"`)
		admin.expect(admin.do("GET", "/api/v1/credit-checks/"+id, ""), 200, `"state":"reserved"`)
		// What-if: the approved order now counts.
		admin.expect(admin.do("POST", "/api/v1/credit-checks", `{"customer_id":"C-9","amount":{"amount":1,"currency":"EUR"},"reserve":false}`), 200,
			`"risk":{"amount":5300000,"currency":"EUR"}`, `"collect_first":{"amount":300001,"currency":"EUR"}`)
		admin.expect(admin.do("POST", "/api/v1/credit-checks", `{"customer_id":"C-9","amount":{"amount":1,"currency":"USD"},"reserve":false}`), 422,
			`"code":"currency_mismatch"`, `"field":"amount.currency"`)
		admin.expect(admin.do("PUT", "/api/v1/credit-policy", `{"company":{"unpaid_action":"stop"}}`), 422,
			`"code":"bad_action"`, `"field":"company.unpaid_action"`)
		admin.expect(admin.do("DELETE", "/api/v1/credit-checks/"+id, "", "Idempotency-Key", "k3"), 200, `"state":"cancelled"`)
	})
}
