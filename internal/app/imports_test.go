package app_test

import (
	"context"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// TestSnapshotClosesAbsentDocuments: a snapshot file holds all the open
// items of its customers; the open documents it leaves out are closed
// with a reason, a collection pending on one shows as a conflict, and the
// customers not in the file are untouched.
func TestSnapshotClosesAbsentDocuments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _ := world(t, db)
		// A pending collection on F1-1, which the snapshot will leave out.
		if _, _, err := a.RecordCollection(ctx, sys, app.Idem{Key: "p", Hash: "p"}, app.CollectionRequest{CustomerID: "C1",
			Amount: eur(5000), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash},
			Allocations: []app.AllocationRequest{{DocumentID: "F1-1", Amount: eur(5000)}}}); err != nil {
			t.Fatal(err)
		}
		// The ERP's snapshot of C1: only F1-0 is still open.
		snap := `[{"document_id":"F1-0","customer_id":"C1","kind":"invoice","issue_date":"2026-10-01","due_date":"2026-11-20",
		  "amount":{"amount":10000,"currency":"EUR"},"open_amount":{"amount":10000,"currency":"EUR"}}]`
		rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(snap), app.ImportOptions{File: "snap", Format: "json", Snapshot: app.SnapshotCustomers})
		if err != nil || rep.Rejected > 0 {
			t.Fatal(err, rep.Errors)
		}
		if rep.Closed != 8 { // F1-1..F1-7 and the credit note A1
			t.Fatalf("closed %d, want 8", rep.Closed)
		}
		page, err := a.CustomerDocuments(ctx, sys, "C1", false, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.Items {
			if d.ID != "F1-0" && (d.ERPOpenAmount.Minor != 0 || d.ClosedReason != app.SnapshotReason) {
				t.Errorf("%s not closed: %+v", d.ID, d)
			}
		}
		conflicts, err := a.Conflicts(ctx, sys, 10)
		if err != nil || len(conflicts) != 1 || conflicts[0].Document.ID != "F1-1" || conflicts[0].Excess.Minor != 5000 {
			t.Fatalf("conflicts %+v %v", conflicts, err)
		}
		c2, err := a.Customer(ctx, sys, "C2")
		if err != nil || c2.OpenDocuments != 8 {
			t.Fatalf("C2 must be untouched: %+v %v", c2, err)
		}
		checkClean(t, a)
		// With =all, customers missing from the file are closed too.
		rep, err = a.ImportDocuments(ctx, sys, strings.NewReader(snap), app.ImportOptions{File: "snap", Format: "json", Snapshot: app.SnapshotAll})
		if err != nil || rep.Closed != 18 {
			t.Fatalf("snapshot all closed %d: %v", rep.Closed, err)
		}
		checkClean(t, a)
	})
}

// TestImportRuleErrorsKeepTheValue: a document the ledger refuses is a row
// error that names the column and the value in the file.
func TestImportRuleErrorsKeepTheValue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, _, _ := world(t, db)
		doc := `[{"document_id":"U-1","customer_id":"C1","kind":"invoice","issue_date":"2026-10-01","due_date":"2026-11-20",
		  "amount":{"amount":10000,"currency":"USD"},"open_amount":{"amount":10000,"currency":"USD"}}]`
		rep, err := a.ImportDocuments(context.Background(), sys, strings.NewReader(doc), app.ImportOptions{File: "usd", Format: "json"})
		if err != nil || rep.Rejected != 1 || len(rep.Errors) != 1 {
			t.Fatalf("%+v %v", rep, err)
		}
		if e := rep.Errors[0]; e.Code != "currency_mismatch" || e.Column != "currency" || e.Value != "USD" || e.Line != 1 {
			t.Fatalf("row error %+v", e)
		}
	})
}
