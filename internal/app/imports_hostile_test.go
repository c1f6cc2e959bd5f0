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

// TestImportRefusesControlCharacters: a NUL in an id is that row's error,
// with file, row and column, on both databases. Before, SQLite stored
// "N2\x00" as another customer than "N2", and PostgreSQL aborted the
// whole file with its own error and no row.
func TestImportRefusesControlCharacters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := newApp(t, db)
		file := "customer_id;name;currency\nN2;Bar Pepe;EUR\nN2\x00;Bar Pepe bis;EUR\nN3;Ana\x01;EUR\nN4;Tienda;EUR\n"
		rep, err := a.ImportCustomers(ctx, sys, strings.NewReader(file), app.ImportOptions{File: "c.csv"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range rep.Errors {
			got = append(got, e.Error())
		}
		want := []string{
			`c.csv: row 3, column "customer_id": "N2\x00" holds a control character (U+0000), which no name or id has`,
			`c.csv: row 4, column "name": "Ana\x01" holds a control character (U+0001), which no name or id has`,
		}
		if !slices.Equal(got, want) || rep.Inserted != 2 || rep.Rejected != 2 {
			t.Fatalf("inserted %d, rejected %d, errors:\n%s", rep.Inserted, rep.Rejected, strings.Join(got, "\n"))
		}
	})
}
