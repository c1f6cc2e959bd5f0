package app_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// A figure that overflowed before the database bounded it (on SQLite a
// REAL, on PostgreSQL a balance of minus 92 quadrillion) is named by the
// check; it neither aborts on a scan error nor passes as consistent.
func TestCheckNamesBrokenFigures(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			dsn := dbtest.DSN(t, kind)
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			a, _ := newApp(t, db)
			if _, err := a.ImportCustomers(ctx, sys, strings.NewReader(`[{"customer_id":"C-1","name":"Uno","currency":"EUR"},
				{"customer_id":"C-2","name":"Dos","currency":"EUR"}]`), app.ImportOptions{File: "c", Format: "json"}); err != nil {
				t.Fatal(err)
			}
			driver, name, q := "pgx", dsn, []string{
				"ALTER TABLE customers DROP CONSTRAINT figure_bounds_customers_balance_minor",
				"ALTER TABLE customers DROP CONSTRAINT figure_bounds_customers_risk_minor",
				"UPDATE customers SET balance_minor = -92233720368547758, risk_minor = -92233720368547758 WHERE id = 'C-1'"}
			if kind == "sqlite" {
				driver, name, q = "sqlite", strings.TrimPrefix(dsn, "sqlite:"), []string{
					"DROP TRIGGER figure_bounds_customers_update",
					"UPDATE customers SET balance_minor = 9223372036854775807 + 9223372036854775807, risk_minor = 1.8e19 WHERE id = 'C-1'"}
			}
			raw, err := sql.Open(driver, name)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			for _, s := range q {
				if _, err := raw.ExecContext(ctx, s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			vs, err := a.Check(ctx)
			if err != nil {
				t.Fatalf("check aborted: %v", err)
			}
			named := false
			for _, v := range vs {
				if v.Entity == "customer" && v.ID == "C-1" && strings.HasPrefix(v.Detail, "balance_minor") {
					named = true
				}
				if v.ID == "C-2" {
					t.Errorf("a sound customer reported: %+v", v)
				}
			}
			if !named {
				t.Fatalf("the broken balance is not named: %+v", vs)
			}
		})
	}
}
