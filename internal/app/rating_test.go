package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/credit"
	"cobro/internal/dbtest"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// TestCustomerRating: a payment history imported (paid dates in the
// documents' file, and the payments' file for a document settled without
// one) gives a rating computed on demand and stored after each import,
// whose average days late is the one computed by hand from the same
// invoices' due and paid dates.
func TestCustomerRating(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _ := world(t, db)
		paid := []struct {
			id, due, paid string
			amount        int64
		}{
			{"P1", "2026-10-01", "2026-10-11", 10000},
			{"P2", "2026-09-15", "2026-09-10", 20000},
			{"P3", "2026-06-30", "2026-08-04", 5000},
			{"P4", "2026-11-01", "", 10000}, // settled in the ERP; its payments say when
		}
		var js []string
		for _, p := range paid {
			js = append(js, fmt.Sprintf(`{"document_id":%q,"customer_id":"C1","kind":"invoice","issue_date":"2026-06-01","due_date":%q,
				"amount":{"amount":%d,"currency":"EUR"},"open_amount":{"amount":0,"currency":"EUR"},"paid_on":%q}`, p.id, p.due, p.amount, p.paid))
		}
		rep, err := a.ImportDocuments(ctx, sys, strings.NewReader("["+strings.Join(js, ",")+"]"), app.ImportOptions{File: "d.json", Format: "json"})
		if err != nil || rep.Rejected > 0 {
			t.Fatal(err, rep.Errors)
		}
		stored, err := a.StoredRating(ctx, sys, i18n.English, "C1")
		if err != nil || stored.Paid != 3 || stored.DaysLate != 45 {
			t.Fatalf("after the documents: %v %+v", err, stored)
		}
		rep, err = a.ImportPayments(ctx, sys, strings.NewReader("document_id,paid_on,amount\nP4,2026-11-03,40.00\nP4,2026-11-08,60.00\n"), app.ImportOptions{File: "p.csv"})
		if err != nil || rep.Inserted != 2 {
			t.Fatal(err, rep)
		}
		// By hand: the days from each due date to its paid date, late ones only.
		var sum float64
		for _, p := range paid {
			due, _ := time.Parse(time.DateOnly, p.due)
			day := p.paid
			if day == "" {
				day = "2026-11-08" // the last payment
			}
			pd, _ := time.Parse(time.DateOnly, day)
			sum += max(pd.Sub(due).Hours()/24, 0)
		}
		byHand := sum / float64(len(paid)) // (10 + 0 + 35 + 7) / 4 = 13
		r, err := a.CustomerRating(ctx, sys, i18n.English, "C1")
		if err != nil {
			t.Fatal(err)
		}
		if got := float64(r.DaysLate) / float64(r.Paid); got != byHand || byHand != 13 {
			t.Fatalf("average days late %v, by hand %v: %+v", got, byHand, r)
		}
		want := map[string]string{
			credit.FactorAvgLate:      "130 4 Paid on average 13.0 days late (last 12 months)",
			credit.FactorWeightedLate: "77 2 Weighted by amount, 7.7 days late on average", // (10000×10 + 5000×35 + 10000×7) / 45000
			credit.FactorLateShare:    "7500 15 75.0% of the invoices paid were paid late",
			credit.FactorTrend:        "-73 -5 Paying sooner lately: 7.3 days sooner on average in the last 3 months than over the year", // P1, P2, P4: 5.7 against 13.0
			credit.FactorOverdue:      "3 5 The oldest overdue invoice is 3 days late",
		}
		for _, f := range r.Factors {
			w, ok := want[f.Code]
			if got := fmt.Sprintf("%d %d %s", f.Value, f.Points, f.Message); ok && got != w {
				t.Errorf("%s: %q, want %q", f.Code, got, w)
			}
		}
		if r.Grade != credit.GradeB || r.Points != 21 {
			t.Errorf("rating %s %d: %+v", r.Grade, r.Points, r.Factors)
		}
		stored, err = a.StoredRating(ctx, sys, i18n.Spanish, "C1")
		if err != nil || stored.Grade != r.Grade || stored.Points != r.Points || stored.DaysLate != 52 || stored.Factors[0].Message != "Pagó de media con 13,0 días de retraso (últimos 12 meses)" {
			t.Fatalf("stored: %v %+v", err, stored)
		}
		// An agent sees only its own customers.
		other := auth.Actor{Name: "zoe", Role: auth.Agent, Agent: "NOPE", Source: "test"}
		if _, err := a.CustomerRating(ctx, other, i18n.English, "C1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another agent: %v", err)
		}
		// The daily job rates every customer.
		if n, err := a.RateAll(ctx); err != nil || n != 3 {
			t.Fatalf("rate all: %d %v", n, err)
		}
		if s, err := a.StoredRating(ctx, sys, i18n.English, "C3"); err != nil || s.Grade == "" {
			t.Fatalf("C3: %v %+v", err, s)
		}
	})
}

// TestCreditCheckRating: a policy may block customers rated D or E, by
// their stored rating.
func TestCreditCheckRating(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _ := world(t, db)
		// C2: nothing paid in a year (10), two returned items unpaid (30),
		// an invoice 145 days overdue (30): 70 points, E.
		docs := `[{"document_id":"R1","customer_id":"C2","kind":"returned","issue_date":"2026-11-01","due_date":"2026-11-01","amount":{"amount":100,"currency":"EUR"},"open_amount":{"amount":100,"currency":"EUR"}},
			{"document_id":"R2","customer_id":"C2","kind":"returned","issue_date":"2026-11-01","due_date":"2026-11-01","amount":{"amount":100,"currency":"EUR"},"open_amount":{"amount":100,"currency":"EUR"}},
			{"document_id":"OLD","customer_id":"C2","kind":"invoice","issue_date":"2026-06-01","due_date":"2026-07-01","amount":{"amount":100,"currency":"EUR"},"open_amount":{"amount":100,"currency":"EUR"}}]`
		if rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(docs), app.ImportOptions{File: "d.json", Format: "json"}); err != nil || rep.Rejected > 0 {
			t.Fatal(err, rep.Errors)
		}
		if r, err := a.StoredRating(ctx, sys, i18n.English, "C2"); err != nil || r.Grade != credit.GradeE || r.Points != 70 {
			t.Fatalf("C2: %v %+v", err, r)
		}
		check := func() app.CheckAnswer {
			t.Helper()
			ans, _, err := a.CheckCredit(ctx, sys, app.Idem{}, app.CheckRequest{CustomerID: "C2", Amount: eur(1), Reserve: yes(false), Lang: i18n.Spanish})
			if err != nil {
				t.Fatal(err)
			}
			return ans
		}
		if ans := check(); ans.Decision == credit.Blocked {
			t.Fatalf("blocked before the rule: %+v", ans)
		}
		v, err := a.CreditPolicy(ctx, sys)
		if err != nil {
			t.Fatal(err)
		}
		v.Company.LimitAction, v.Company.OverdueAction, v.Company.RatingAction = credit.None, credit.None, credit.Block
		if v, err = a.SaveCreditPolicy(ctx, sys, v); err != nil || v.Company.RatingAction != credit.Block {
			t.Fatal(err, v)
		}
		ans := check()
		if ans.Decision != credit.Blocked || len(ans.Reasons) != 1 || ans.Reasons[0].Code != "rating" ||
			ans.Reasons[0].Message != "El cliente tiene calificación E: paga muy tarde o no paga" {
			t.Fatalf("%+v", ans)
		}
		// C1 (rated B once rated) passes.
		if err := a.RateCustomers(ctx, []string{"C1"}); err != nil {
			t.Fatal(err)
		}
		if ans, _, err := a.CheckCredit(ctx, sys, app.Idem{}, app.CheckRequest{CustomerID: "C1", Amount: eur(1), Reserve: yes(false)}); err != nil || ans.Decision != credit.Allow {
			t.Fatalf("C1: %v %+v", err, ans)
		}
	})
}

// TestRatingDropAlerts: a rating that worsens raises an alert for the
// agent and the office; a first rating raises none.
func TestRatingDropAlerts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, _, _ := world(t, db)
		ctx := context.Background()
		if err := a.RateCustomers(ctx, []string{"C1"}); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			t.Helper()
			b, err := a.Alerts(ctx, sys, false, 100)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, al := range b.Alerts {
				if al.Kind == ledger.TopicRatingDropped && al.CustomerID == "C1" {
					n++
				}
			}
			return n
		}
		if n := count(); n != 0 {
			t.Fatalf("%d alerts for a first rating", n)
		}
		before, err := a.CustomerRating(ctx, sys, i18n.English, "C1")
		if err != nil {
			t.Fatal(err)
		}
		// Two returned items long overdue: the rating worsens.
		csv := "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n" +
			"RET-1,C1,returned,2026-06-01,2026-06-01,EUR,500.00,500.00\nRET-2,C1,returned,2026-06-02,2026-06-02,EUR,500.00,500.00\n"
		if rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(csv), app.ImportOptions{File: "r.csv", Format: "csv"}); err != nil || rep.Rejected > 0 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		after, err := a.CustomerRating(ctx, sys, i18n.English, "C1")
		if err != nil {
			t.Fatal(err)
		}
		if after.Grade <= before.Grade {
			t.Fatalf("the rating did not worsen: %s then %s", before.Grade, after.Grade)
		}
		if n := count(); n != 1 {
			t.Fatalf("%d rating alerts after it dropped from %s to %s", n, before.Grade, after.Grade)
		}
		// The same rating again: no new alert.
		if err := a.RateCustomers(ctx, []string{"C1"}); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 1 {
			t.Fatalf("%d rating alerts after rating again", n)
		}
	})
}

// TestApprovalsShowRating: a request for approval is listed with the
// customer's stored rating beside it.
func TestApprovalsShowRating(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, _, _ := world(t, db)
		ctx := context.Background()
		if err := a.RateCustomers(ctx, []string{"C1"}); err != nil {
			t.Fatal(err)
		}
		stored, err := a.StoredRating(ctx, sys, i18n.English, "C1")
		if err != nil {
			t.Fatal(err)
		}
		ana := auth.Actor{Name: "ana", Role: auth.Agent, Agent: "A1", Source: "test"}
		c, _, err := a.CheckCredit(ctx, ana, app.Idem{Key: "big", Hash: "big"}, app.CheckRequest{CustomerID: "C1", Amount: eur(1_000_000_00), OrderRef: "BIG"})
		if err != nil || c.ApprovalID == nil {
			t.Fatalf("an order far over the limit: %+v %v", c, err)
		}
		sue := auth.Actor{Name: "sue", Role: auth.Supervisor, Source: "test"}
		list, err := a.Approvals(ctx, sue, i18n.English, "pending")
		if err != nil || len(list) != 1 || list[0].Rating != stored.Grade || stored.Grade == "" {
			t.Fatalf("approvals %+v (stored %q) %v", list, stored.Grade, err)
		}
	})
}
