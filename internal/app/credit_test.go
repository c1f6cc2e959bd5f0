package app_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/credit"
	"cobro/internal/dbtest"
	"cobro/internal/i18n"
	"cobro/internal/store"
)

func yes(b bool) *bool { return &b }

// TestCreditCheckFlow: an order within the limit is reserved; the next
// one over it needs approval with the amount to collect first; a
// supervisor approves it; cancelling and invoicing release the
// reservations; reserve=false writes nothing; a flag blocks; expiry ends
// what is left; cobro check finds the reserved totals exact throughout.
func TestCreditCheckFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, clk, _ := world(t, db)
		ctx := context.Background()
		ana := auth.Actor{Name: "ana", Role: auth.Agent, Agent: "A1", Source: "test"}
		bob := auth.Actor{Name: "bob", Role: auth.Agent, Agent: "A2", Source: "test"}
		sup := auth.Actor{Name: "sue", Role: auth.Supervisor, Source: "test"}
		key := 0
		k := func() app.Idem { key++; return app.Idem{Key: fmt.Sprint("c-", key), Hash: fmt.Sprint(key)} }
		clean := func() {
			t.Helper()
			vs, err := a.Check(ctx)
			if err != nil || len(vs) > 0 {
				t.Fatalf("check: %v %+v", err, vs)
			}
		}
		// What-if first: nothing written.
		what, _, err := a.CheckCredit(ctx, ana, app.Idem{}, app.CheckRequest{CustomerID: "C1", Amount: eur(1000_00), Reserve: yes(false)})
		if err != nil {
			t.Fatal(err)
		}
		risk := what.Risk.Minor
		if what.Decision != credit.Allow || what.CreditLimit.Minor != 5000_00 || what.AvailableCredit.Minor != 5000_00-risk || what.ReservationID != nil {
			t.Fatalf("what-if %+v", what)
		}
		if risk <= 0 || risk+1000_00 > 5000_00 {
			t.Fatalf("the world's C1 risk %d does not suit this test", risk)
		}
		// Reserved.
		first, _, err := a.CheckCredit(ctx, ana, k(), app.CheckRequest{CustomerID: "C1", Amount: eur(1000_00), OrderRef: "O1"})
		if err != nil {
			t.Fatal(err)
		}
		if first.Decision != credit.Allow || first.ReservationID == nil || first.ApprovalID != nil || first.Reserved.Minor != 1000_00 {
			t.Fatalf("first %+v", first)
		}
		// Over the limit: approval, collect the excess first.
		over := 5000_00 - risk - 1000_00 + 500_00
		second, _, err := a.CheckCredit(ctx, ana, k(), app.CheckRequest{CustomerID: "C1", Amount: eur(over), OrderRef: "O2", Lang: i18n.Spanish})
		if err != nil {
			t.Fatal(err)
		}
		if second.Decision != credit.ApprovalRequired || second.ApprovalID == nil || second.ReservationID != nil ||
			second.CollectFirst.Minor != 500_00 || second.Risk.Minor != risk+1000_00 || len(second.Reasons) != 1 ||
			second.Reasons[0].Code != credit.ReasonOverLimit || second.Reasons[0].Message != "Límite 5.000,00\u00a0€, usado "+
			i18n.Money(i18n.Spanish, eur(risk+1000_00))+", pedido "+i18n.Money(i18n.Spanish, eur(over))+": cobre antes 500,00\u00a0€ o pida aprobación" {
			t.Fatalf("second %+v", second)
		}
		// The agents' scope: another agent neither checks nor sees it.
		if _, _, err := a.CheckCredit(ctx, bob, k(), app.CheckRequest{CustomerID: "C1", Amount: eur(1), OrderRef: "X"}); err == nil {
			t.Fatal("an agent checked another agent's customer")
		}
		if _, err := a.CreditCheck(ctx, bob, i18n.English, *second.ApprovalID); err == nil {
			t.Fatal("an agent read another agent's approval")
		}
		if l, err := a.Approvals(ctx, bob, i18n.English, "pending"); err != nil || len(l) != 0 {
			t.Fatalf("bob's approvals %v %+v", err, l)
		}
		pending, err := a.Approvals(ctx, sup, i18n.English, "pending")
		if err != nil || len(pending) != 1 || pending[0].ID != *second.ApprovalID || pending[0].Risk.Minor != risk+1000_00 {
			t.Fatalf("pending %v %+v", err, pending)
		}
		// Agents may not approve; a rejection needs a comment.
		if _, _, err := a.ApproveCheck(ctx, ana, k(), i18n.English, *second.ApprovalID, ""); err == nil {
			t.Fatal("an agent approved")
		}
		if _, _, err := a.RejectCheck(ctx, sup, k(), i18n.English, *second.ApprovalID, " "); ruleCode(err) != "required" {
			t.Fatalf("reject without comment: %v", err)
		}
		ok, _, err := a.ApproveCheck(ctx, sup, k(), i18n.English, *second.ApprovalID, "good customer")
		if err != nil || ok.State != store.CheckReserved || ok.Approval != store.ApprovalApproved || ok.DecidedBy != "sue" {
			t.Fatalf("approve %v %+v", err, ok)
		}
		if _, _, err := a.ApproveCheck(ctx, sup, k(), i18n.English, *second.ApprovalID, ""); ruleCode(err) != "check_not_pending" {
			t.Fatalf("approve twice: %v", err)
		}
		clean()
		now, _, _ := a.CheckCredit(ctx, ana, app.Idem{}, app.CheckRequest{CustomerID: "C1", Amount: eur(1), Reserve: yes(false)})
		if now.Reserved.Minor != 1000_00+over || now.Risk.Minor != risk+1000_00+over {
			t.Fatalf("after approval %+v", now)
		}
		// The customer's figures everywhere count the reservations: the
		// sheet, the lists and their over-limit filter.
		cv, err := a.Customer(ctx, ana, "C1")
		if err != nil || cv.Risk != now.Risk || cv.Reserved.Minor != 1000_00+over || cv.AvailableCredit.Minor != 5000_00-now.Risk.Minor || !cv.OverLimit {
			t.Fatalf("customer after approval %v %+v", err, cv)
		}
		overList, err := a.Customers(ctx, ana, app.CustomerQuery{Status: "over_limit"})
		if err != nil || len(overList.Items) != 1 || overList.Items[0].ID != "C1" || overList.Items[0].Risk != now.Risk {
			t.Fatalf("over-limit list %v %+v", err, overList.Items)
		}
		// Cancel one, invoice the other.
		if c, _, err := a.CancelCheck(ctx, ana, k(), i18n.English, *first.ReservationID); err != nil || c.State != store.CheckCancelled {
			t.Fatalf("cancel %v %+v", err, c)
		}
		if _, _, err := a.CancelCheck(ctx, ana, k(), i18n.English, *first.ReservationID); ruleCode(err) != "check_not_live" {
			t.Fatalf("cancel twice: %v", err)
		}
		if c, _, err := a.InvoiceCheck(ctx, sys, k(), i18n.English, *second.ApprovalID); err != nil || c.State != store.CheckInvoiced {
			t.Fatalf("invoice %v %+v", err, c)
		}
		clean()
		// A new check of an order replaces its live one.
		r1, _, _ := a.CheckCredit(ctx, ana, k(), app.CheckRequest{CustomerID: "C1", Amount: eur(100_00), OrderRef: "O3"})
		r2, _, err := a.CheckCredit(ctx, ana, k(), app.CheckRequest{CustomerID: "C1", Amount: eur(200_00), OrderRef: "O3"})
		if err != nil || r2.Reserved.Minor != 200_00 {
			t.Fatalf("replace %v %+v", err, r2)
		}
		if c, _ := a.CreditCheck(ctx, ana, i18n.English, *r1.ReservationID); c.State != store.CheckCancelled || c.ClosedBy != "ana" {
			t.Fatalf("replaced %+v", c)
		}
		// A replayed key answers the same and reserves nothing more.
		idem := k()
		p1, _, _ := a.CheckCredit(ctx, ana, idem, app.CheckRequest{CustomerID: "C1", Amount: eur(10_00), OrderRef: "O4"})
		_, replay, err := a.CheckCredit(ctx, ana, idem, app.CheckRequest{CustomerID: "C1", Amount: eur(10_00), OrderRef: "O4"})
		if err != nil || replay == nil || p1.Reserved.Minor != 210_00 {
			t.Fatalf("replay %v %v %+v", err, replay, p1)
		}
		clean()
		// Flagged: blocked, whatever the amount; lifted with a reason.
		if _, err := a.SetFlag(ctx, sup, "C1", true, "fraud"); err == nil {
			t.Fatal("a supervisor flagged")
		}
		if _, err := a.SetFlag(ctx, sys, "C1", true, ""); ruleCode(err) != "required" {
			t.Fatalf("flag without reason: %v", err)
		}
		if f, err := a.SetFlag(ctx, sys, "C1", true, "cheques returned"); err != nil || !f.Flagged {
			t.Fatalf("flag %v %+v", err, f)
		}
		b, _, err := a.CheckCredit(ctx, ana, k(), app.CheckRequest{CustomerID: "C1", Amount: eur(1), OrderRef: "O5"})
		if err != nil || b.Decision != credit.Blocked || b.Reasons[0].Code != credit.ReasonFlagged || b.ReservationID != nil ||
			b.Reasons[0].Message != `The customer is flagged "do not sell": cheques returned` {
			t.Fatalf("flagged %v %+v", err, b)
		}
		if f, err := a.SetFlag(ctx, sys, "C1", false, "paid"); err != nil || f.Flagged {
			t.Fatalf("unflag %v %+v", err, f)
		}
		// Expiry: 7 days by default.
		clk.add(7*24*time.Hour + time.Minute)
		n, err := a.ExpireChecks(ctx)
		if err != nil || n != 2 {
			t.Fatalf("expired %d %v", n, err)
		}
		after, _, _ := a.CheckCredit(ctx, ana, app.Idem{}, app.CheckRequest{CustomerID: "C1", Amount: eur(1), Reserve: yes(false)})
		if after.Reserved.Minor != 0 {
			t.Fatalf("after expiry %+v", after)
		}
		clean()
	})
}

// TestCreditChecksConcurrent: 50 simultaneous checks for one customer
// never reserve more than the limit allows.
func TestCreditChecksConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, _, _ := world(t, db)
		ctx := context.Background()
		what, _, err := a.CheckCredit(ctx, sys, app.Idem{}, app.CheckRequest{CustomerID: "C1", Amount: eur(1), Reserve: yes(false)})
		if err != nil {
			t.Fatal(err)
		}
		room := what.AvailableCredit.Minor
		const order = 100_00
		var wg sync.WaitGroup
		var mu sync.Mutex
		allowed, pending := 0, 0
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, _, err := a.CheckCredit(ctx, sys, app.Idem{Key: fmt.Sprint("k", i), Hash: "h"},
					app.CheckRequest{CustomerID: "C1", Amount: eur(order), OrderRef: fmt.Sprint("O", i)})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				switch v.Decision {
				case credit.Allow:
					allowed++
				case credit.ApprovalRequired:
					pending++
				}
			}()
		}
		wg.Wait()
		if want := int(room / order); allowed != want || pending != 50-want {
			t.Fatalf("allowed %d, pending %d; room for %d", allowed, pending, want)
		}
		final, _, _ := a.CheckCredit(ctx, sys, app.Idem{}, app.CheckRequest{CustomerID: "C1", Amount: eur(1), Reserve: yes(false)})
		if final.Reserved.Minor != int64(allowed)*order || final.AvailableCredit.Minor < 0 {
			t.Fatalf("final %+v", final)
		}
		if vs, err := a.Check(ctx); err != nil || len(vs) > 0 {
			t.Fatalf("check: %v %+v", err, vs)
		}
	})
}

// TestInvoiceFromImportEndsReservation: the ERP's invoice naming the order
// (order_ref) ends its reservation in the import's transaction; the risk
// now holds the invoice instead, and cobro check stays clean.
func TestInvoiceFromImportEndsReservation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, _, _ := world(t, db)
		ctx := context.Background()
		ana := auth.Actor{Name: "ana", Role: auth.Agent, Agent: "A1", Source: "test"}
		c, _, err := a.CheckCredit(ctx, ana, app.Idem{Key: "o1", Hash: "o1"}, app.CheckRequest{CustomerID: "C1", Amount: eur(1000_00), OrderRef: "SO-77"})
		if err != nil || c.ReservationID == nil {
			t.Fatalf("check: %+v %v", c, err)
		}
		before, err := a.Customer(ctx, sys, "C1")
		if err != nil {
			t.Fatal(err)
		}
		csv := "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount,order_ref\n" +
			"INV-SO-77,C1,invoice,2026-11-23,2026-12-23,EUR,1000.00,1000.00,SO-77\n" +
			"INV-OTHER,C1,invoice,2026-11-23,2026-12-23,EUR,10.00,10.00,NO-SUCH-ORDER\n"
		rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(csv), app.ImportOptions{File: "d.csv", Format: "csv"})
		if err != nil || rep.Rejected > 0 || rep.Inserted != 2 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		got, err := a.CreditCheck(ctx, ana, i18n.English, *c.ReservationID)
		if err != nil || got.State != store.CheckInvoiced {
			t.Fatalf("the reservation after its invoice: %+v %v", got, err)
		}
		after, err := a.Customer(ctx, sys, "C1")
		if err != nil {
			t.Fatal(err)
		}
		// The reservation (1,000.00) left, the invoices (1,010.00) came in.
		if after.Risk.Minor != before.Risk.Minor+10_00 {
			t.Fatalf("risk %v, before %v", after.Risk, before.Risk)
		}
		if vs, err := a.Check(ctx); err != nil || len(vs) > 0 {
			t.Fatalf("check: %v %+v", err, vs)
		}
	})
}
