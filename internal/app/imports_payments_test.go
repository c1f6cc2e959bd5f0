package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestImportPayments: a payment history fills each document's payments,
// partial payments on different days kept apart and equal ones on one day
// counted twice; a settled document with no paid date gets its last
// payment's day; the same file again adds nothing.
func TestImportPayments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _ := world(t, db)
		// The ERP settles F1-0 (100.00) without saying when.
		settled := `[{"document_id":"F1-0","customer_id":"C1","kind":"invoice","issue_date":"2026-10-01","due_date":"2026-11-20",
		  "amount":{"amount":10000,"currency":"EUR"},"open_amount":{"amount":0,"currency":"EUR"}}]`
		if rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(settled), app.ImportOptions{File: "s.json", Format: "json"}); err != nil || rep.Rejected > 0 {
			t.Fatal(err, rep.Errors)
		}
		file := "Factura;Fecha cobro;Importe cobrado\nF1-0;05/11/2026;40,00\nF1-0;20/11/2026;60,00\nF1-1;20/11/2026;10,00\nF1-1;20/11/2026;10,00\nF9;20/11/2026;1,00\nA1;20/11/2026;$5\n"
		rep, err := a.ImportPayments(ctx, sys, strings.NewReader(file), app.ImportOptions{File: "p.csv"})
		var codes []string
		for _, e := range rep.Errors {
			codes = append(codes, fmt.Sprintf("%d:%s", e.Line, e.Code))
		}
		slices.Sort(codes)
		if err != nil || rep.Inserted != 4 || rep.Rejected != 2 || !slices.Equal(codes, []string{"6:unknown_document", "7:currency_mismatch"}) {
			t.Fatalf("%v %+v", err, rep)
		}
		history := func(id string) []string {
			ps, err := a.DocumentPayments(ctx, sys, id)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range ps {
				out = append(out, fmt.Sprintf("%s %s", p.PaidOn, p.Amount))
			}
			return out
		}
		if got := history("F1-0"); !slices.Equal(got, []string{"2026-11-05 EUR 40.00", "2026-11-20 EUR 60.00"}) {
			t.Errorf("F1-0: %q", got)
		}
		if got := history("F1-1"); !slices.Equal(got, []string{"2026-11-20 EUR 10.00", "2026-11-20 EUR 10.00"}) {
			t.Errorf("F1-1: %q", got)
		}
		page, err := a.CustomerDocuments(ctx, sys, "C1", false, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.Items {
			want := ""
			if d.ID == "F1-0" {
				want = "2026-11-20" // settled: the day of its last payment
			}
			if got := d.PaidOn.String(); (want == "" && !d.PaidOn.IsZero()) || (want != "" && got != want) {
				t.Errorf("%s paid on %q, want %q", d.ID, got, want)
			}
		}
		rep, err = a.ImportPayments(ctx, sys, strings.NewReader(file), app.ImportOptions{File: "p.csv"})
		if err != nil || rep.Inserted != 0 || rep.Unchanged != 4 {
			t.Fatalf("again: %v %+v", err, rep)
		}
		// By number, when the file has no document id.
		rep, err = a.ImportPayments(ctx, sys, strings.NewReader("number,paid_on,amount\nN-F1-2,2026-11-21,5.00\nNOPE,2026-11-21,5.00\n"), app.ImportOptions{File: "n.csv"})
		if err != nil || rep.Inserted != 1 || rep.Rejected != 1 || rep.Errors[0].Column != "number" {
			t.Fatalf("by number: %v %+v", err, rep)
		}
		if got := history("F1-2"); !slices.Equal(got, []string{"2026-11-21 EUR 5.00"}) {
			t.Errorf("F1-2: %q", got)
		}
		checkClean(t, a)
	})
}
