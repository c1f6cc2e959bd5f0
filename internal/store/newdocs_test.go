package store_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// InsertNewDocuments skips stored ids whichever way it goes in: straight
// COPY, COPY after asking which ids are stored, or (when another writer
// stores one of them meanwhile) the statement that skips conflicts.
func TestInsertNewDocuments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		doc := func(id string, open int64) ledger.Document {
			return ledger.Document{ID: id, CustomerID: "C-1", Kind: ledger.Invoice, Number: id, IssueDate: day("2026-10-01"),
				DueDate: day("2026-11-01"), Currency: "EUR", Amount: 5000, ERPOpen: open, Instrument: ledger.Transfer}
		}
		insert := func(docs []ledger.Document, likelyNew bool) []string {
			t.Helper()
			var got map[string]bool
			err := db.Write(ctx, func(tx *store.Tx) error {
				var err error
				got, err = tx.InsertNewDocuments(ctx, docs, now, likelyNew)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return slices.Sorted(maps.Keys(got))
		}
		stored := func(id string) ledger.Document {
			t.Helper()
			var d ledger.Document
			err := db.Write(ctx, func(tx *store.Tx) error {
				docs, err := tx.Documents(ctx, []string{id})
				d = docs[id]
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		err := db.Write(ctx, func(tx *store.Tx) error {
			return tx.InsertCustomers(ctx, []ledger.Customer{{ID: "C-1", Name: "Uno", Currency: "EUR"}}, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := insert([]ledger.Document{doc("F-1", 5000), doc("F-2", 5000)}, false); !slices.Equal(got, []string{"F-1", "F-2"}) {
			t.Errorf("first batch inserted %v", got)
		}
		// Expected new, but F-2 is stored: it is left as it is.
		if got := insert([]ledger.Document{doc("F-2", 100), doc("F-3", 5000)}, true); !slices.Equal(got, []string{"F-3"}) {
			t.Errorf("second batch inserted %v", got)
		}
		if d := stored("F-2"); d.ERPOpen != 5000 {
			t.Errorf("a stored document was rewritten: %+v", d)
		}
		if got := insert([]ledger.Document{doc("F-1", 1), doc("F-3", 1)}, false); len(got) != 0 {
			t.Errorf("stored documents inserted again: %v", got)
		}
		if db.Kind() != "postgres" {
			return // one writer at a time: no race to lose
		}
		// Another writer stores F-9 after this one looked for it and
		// before its COPY: F-9 is skipped, F-10 still goes in.
		held, done := make(chan struct{}), make(chan []string)
		go func() {
			<-held
			done <- insert([]ledger.Document{doc("F-9", 200), doc("F-10", 5000)}, false)
		}()
		err = db.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.InsertNewDocuments(ctx, []ledger.Document{doc("F-9", 5000)}, now, false); err != nil {
				return err
			}
			close(held)
			time.Sleep(300 * time.Millisecond) // the other's COPY waits on F-9
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := <-done; !slices.Equal(got, []string{"F-10"}) {
			t.Errorf("racing batch inserted %v", got)
		}
		if d := stored("F-9"); d.ERPOpen != 5000 {
			t.Errorf("the first writer's F-9 was overwritten: %+v", d)
		}
	})
}
