package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// TestSummaryByHand checks the management summary against a computation
// by hand on a small ledger, with invoices on both edges of the DSO window
// (the 90 days ending today: issued from today−89 to today).
func TestSummaryByHand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := newApp(t, db) // today is 2026-11-23
		if rep, err := a.ImportCustomers(ctx, sys, strings.NewReader(`[{"customer_id": "C1", "name": "Uno", "agent": "A1", "currency": "EUR"}]`),
			app.ImportOptions{File: "c.json", Format: "json"}); err != nil || rep.Rejected > 0 {
			t.Fatal(err, rep.Errors)
		}
		day := func(n int) string { return startDay.AddDays(n).String() }
		doc := func(id string, kind ledger.Kind, issued, due int, amount, open int64, status string) string {
			return fmt.Sprintf(`{"document_id": %q, "customer_id": "C1", "kind": %q, "number": %q, "issue_date": %q, "due_date": %q,
				"currency": "EUR", "amount": {"amount": %d, "currency": "EUR"}, "open_amount": {"amount": %d, "currency": "EUR"}, "status": %q}`,
				id, kind, id, day(issued), day(due), amount, open, status)
		}
		docs := "[" + strings.Join([]string{
			doc("EDGE-IN", ledger.Invoice, -89, 30, 100000, 100000, ""), // first day of the window
			doc("EDGE-OUT", ledger.Invoice, -90, -60, 700000, 0, ""),    // the day before it: not a sale of the window
			doc("TODAY", ledger.Invoice, 0, 30, 30000, 30000, ""),       // last day of the window
			doc("TOMORROW", ledger.Invoice, 1, 60, 500000, 500000, ""),  // issued after today: open, not a sale yet
			doc("PAID", ledger.Invoice, -60, -30, 60000, 0, ""),         // a sale of the window, paid
			doc("DISPUTED", ledger.Invoice, -200, -150, 40000, 40000, "disputed"),
			doc("RETURNED", ledger.Returned, -5, -5, 25000, 25000, ""),
			doc("NOTE", ledger.CreditNote, -10, -10, 10000, 10000, ""),
		}, ",") + "]"
		if rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(docs), app.ImportOptions{File: "d.json", Format: "json"}); err != nil || rep.Rejected > 0 {
			t.Fatal(err, rep.Errors)
		}
		s, err := a.Summary(ctx, sys)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Currencies) != 1 {
			t.Fatalf("currencies %+v", s.Currencies)
		}
		r := s.Currencies[0]
		// By hand: owed open 1,000 + 300 + 5,000 + 400 + 250 = 6,950.00;
		// less the credit note 100.00: 6,850.00 open. Sales of the window:
		// 1,000 + 300 + 600 = 1,900.00. DSO = 6,850 ÷ 1,900 × 90 = 324.47.
		// Past due: the disputed 400 (91–180) and the returned 250 (1–30, 5
		// days); overdue is that less the disputed part: 250.
		want := map[string]int64{"owed": 695000, "credit_notes": 10000, "total_open": 685000, "sales": 190000,
			"past_due": 65000, "disputed_past_due": 40000, "overdue": 25000, "disputed": 40000}
		got := map[string]int64{"owed": r.Owed.Minor, "credit_notes": r.CreditNotes.Minor, "total_open": r.Open.Minor,
			"sales": r.CreditSales.Minor, "past_due": r.PastDue.Minor, "disputed_past_due": r.DisputedPastDue.Minor,
			"overdue": r.Overdue.Minor, "disputed": r.Disputed.Minor}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s = %d, by hand %d", k, got[k], w)
			}
		}
		if r.DSO == nil || r.DSO.String() != "324.5" {
			t.Errorf("DSO %v, by hand 324.5", r.DSO)
		}
		aging := map[string]int64{}
		var sum, disputed int64
		for _, b := range r.Aging {
			aging[b.Bucket] = b.Amount.Minor
			sum += b.Amount.Minor
			disputed += b.Disputed.Minor
		}
		if aging["current"] != 630000 || aging["1-30"] != 25000 || aging["91-180"] != 40000 || sum != r.Owed.Minor || disputed != r.Disputed.Minor {
			t.Errorf("aging %v (Σ %d, disputed %d)", aging, sum, disputed)
		}
	})
}
