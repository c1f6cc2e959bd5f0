package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestImportNewCustomers: --new-customers creates each unknown customer
// once, named from customer_name (or its id), in the row's currency, and
// reports it; without it the rows are unknown_customer; a dry run creates
// nothing; a second run creates nothing more.
func TestImportNewCustomers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := newApp(t, db)
		file := "document_id;customer_id;customer_name;kind;issue_date;due_date;currency;amount;open_amount\n" +
			"F1;N1;Bar Núñez;factura;2026-11-01;2026-12-01;EUR;100,00;100,00\n" +
			"F2;N1;Bar Núñez;factura;2026-11-02;2026-12-02;EUR;50,00;50,00\n" +
			"F3;N2;;factura;2026-11-03;2026-12-03;EUR;10,00;10,00\n" +
			"F4;N2;;factura;2026-11-03;2026-12-03;USD;10,00;10,00\n"
		rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(file), app.ImportOptions{File: "d.csv"})
		if err != nil || rep.Rejected != 4 || rep.Errors[0].Code != "unknown_customer" {
			t.Fatalf("without --new-customers: %v %+v", err, rep)
		}
		rep, err = a.ImportDocuments(ctx, sys, strings.NewReader(file), app.ImportOptions{File: "d.csv", NewCustomers: true, DryRun: true})
		if err != nil || !slices.Equal(rep.NewCustomers, []string{"N1", "N2"}) || rep.Rejected != 1 {
			t.Fatalf("dry run: %v %+v", err, rep)
		}
		if _, err := a.Customer(ctx, sys, "N1"); err == nil {
			t.Fatal("a dry run created a customer")
		}
		rep, err = a.ImportDocuments(ctx, sys, strings.NewReader(file), app.ImportOptions{File: "d.csv", NewCustomers: true})
		if err != nil || !slices.Equal(rep.NewCustomers, []string{"N1", "N2"}) || rep.Inserted != 3 || rep.Rejected != 1 ||
			rep.Errors[0].Line != 5 {
			t.Fatalf("import: %v %+v", err, rep)
		}
		n1, err := a.Customer(ctx, sys, "N1")
		if err != nil || n1.Name != "Bar Núñez" || n1.Currency != "EUR" {
			t.Fatalf("N1: %v %+v", err, n1)
		}
		n2, err := a.Customer(ctx, sys, "N2")
		if err != nil || n2.Name != "N2" || n2.Currency != "EUR" {
			t.Fatalf("N2: %v %+v", err, n2)
		}
		rep, err = a.ImportDocuments(ctx, sys, strings.NewReader(file), app.ImportOptions{File: "d.csv", NewCustomers: true})
		if err != nil || len(rep.NewCustomers) != 0 || rep.Unchanged != 3 {
			t.Fatalf("again: %v %+v", err, rep)
		}
		checkClean(t, a)
	})
}
