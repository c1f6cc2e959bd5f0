package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

func TestSearchTerms(t *testing.T) {
	for _, c := range []struct {
		id, name, tax string
		want          []string
	}{
		{"C-17", "Ferretería Núñez, S.L.", "B-12345678", []string{"12345678", "17", "b", "b12345678", "c", "c17", "ferreteria", "l", "nunez", "s"}},
		{"C1", "SMITH & SONS", "", []string{"c1", "smith", "sons"}},
		{"X", "Ελληνικά Çelik", "", []string{"celik", "x", "ελληνικα"}},
	} {
		if got := store.SearchTerms(c.id, c.name, c.tax); !slices.Equal(got, c.want) {
			t.Errorf("SearchTerms(%q, %q, %q) = %q, want %q", c.id, c.name, c.tax, got, c.want)
		}
	}
}

// TestSearchCustomers finds customers by the start of any word of their
// name, id or tax id, whatever the case and accents, in the customer list
// and the debt list, on both databases; a renamed customer is found by its
// new name only; the name sort sorts by name.
func TestSearchCustomers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		cs := []ledger.Customer{
			{ID: "C-3", Name: "Ferretería Núñez", TaxID: "B-12345678", Agent: "AG1", Currency: "EUR"},
			{ID: "C-1", Name: "Smith & Sons", Agent: "AG1", Currency: "EUR"},
			{ID: "C-2", Name: "Álvarez Hermanos", Agent: "AG2", Currency: "EUR"},
		}
		err := db.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.EnsureAgents(ctx, []string{"AG1", "AG2"}, now); err != nil {
				return err
			}
			if err := tx.InsertCustomers(ctx, cs[:2], now); err != nil {
				return err
			}
			return tx.InsertCustomer(ctx, cs[2], now)
		})
		if err != nil {
			t.Fatal(err)
		}
		find := func(q, sort string) []string {
			t.Helper()
			var ids []string
			err := db.Read(ctx, func(tx *store.Tx) error {
				accs, err := tx.ListAccounts(ctx, store.CustomerFilter{Search: q, Sort: sort, Limit: 10})
				for _, a := range accs {
					ids = append(ids, a.ID)
				}
				return err
			})
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			return ids
		}
		for _, c := range []struct {
			q    string
			want []string
		}{
			{"", []string{"C-1", "C-2", "C-3"}},
			{"nuñ", []string{"C-3"}},
			{"NUNEZ", []string{"C-3"}},
			{"núñez ferr", []string{"C-3"}},
			{"ferreteria smith", nil},
			{"b1234", []string{"C-3"}},
			{"12345678", []string{"C-3"}},
			{"c1", []string{"C-1"}},
			{"c-1", []string{"C-1", "C-3"}}, // words "c" and "1": C-3's tax id starts with 1
			{"sons", []string{"C-1"}},
			{"alv", []string{"C-2"}},
			{"ez", nil}, // the start of a word, not its middle
			{"%", nil},
			{"_", nil},
			{"'; DROP TABLE customers; --", nil},
		} {
			if got := find(c.q, ""); !slices.Equal(got, c.want) {
				t.Errorf("search %q: %q, want %q", c.q, got, c.want)
			}
		}
		if got, want := find("", "name"), []string{"C-2", "C-3", "C-1"}; !slices.Equal(got, want) {
			t.Errorf("sorted by name: %q, want %q", got, want)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			c := cs[0]
			c.Name = "Comercial Pérez"
			return tx.UpdateCustomer(ctx, c, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := find("nunez", ""); got != nil {
			t.Errorf("old name still found: %q", got)
		}
		if got := find("perez comer", ""); !slices.Equal(got, []string{"C-3"}) {
			t.Errorf("new name: %q", got)
		}
		if got := find("b12345678", ""); !slices.Equal(got, []string{"C-3"}) {
			t.Errorf("tax id after rename: %q", got)
		}
	})
}

// TestSearchMigration: a database from before the search terms (version 5)
// gets the terms of its customers, and name sort keys that begin with the
// name, when it migrates.
func TestSearchMigration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.MigrateDownTo(ctx, 5); err != nil {
			t.Fatal(err)
		}
		// As version 5 stored it: the key began with the id.
		err := db.RawExec(ctx, `INSERT INTO customers (id, name, search_key, tax_id, email, phone, language, agent, segment, zone, route,
			credit_limit_minor, currency, created_at, updated_at) VALUES ('Z-9', 'Bodega Íñiguez', 'z-9 bodega iniguez', '', '', '', 'es', '', '', '', '', NULL, 'EUR', 'x', 'x'),
			('A-1', 'Zapatería Ortiz', 'a-1 zapateria ortiz', '', '', '', 'es', '', '', '', '', NULL, 'EUR', 'x', 'x')`)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var found, byName []string
		err = db.Read(ctx, func(tx *store.Tx) error {
			accs, err := tx.ListAccounts(ctx, store.CustomerFilter{Search: "íñig", Limit: 10})
			for _, a := range accs {
				found = append(found, a.ID)
			}
			if err != nil {
				return err
			}
			accs, err = tx.ListAccounts(ctx, store.CustomerFilter{Sort: "name", Limit: 10})
			for _, a := range accs {
				byName = append(byName, a.ID)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(found, []string{"Z-9"}) || !slices.Equal(byName, []string{"Z-9", "A-1"}) {
			t.Errorf("after migrating: search %q, by name %q", found, byName)
		}
	})
}
