package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"cobro/internal/civil"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestStoreRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		limit := int64(100000)
		cust := ledger.Customer{ID: "C-1", Name: "Ferretería Núñez", Agent: "AG1", CreditLimit: &limit, Currency: "EUR"}
		doc := ledger.Document{ID: "F-1", CustomerID: "C-1", Kind: ledger.Invoice, Number: "1", IssueDate: day("2026-10-01"),
			DueDate: day("2026-11-01"), Currency: "EUR", Amount: 5000, ERPOpen: 5000, Instrument: ledger.Transfer}
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.SaveCompany(ctx, ledger.Company{Name: "X", Currency: "EUR", TimeZone: "Europe/Madrid", Language: "es"}, day("2026-11-23")); err != nil {
				return err
			}
			if err := tx.InsertCustomer(ctx, cust, now); err != nil {
				return err
			}
			if added, err := tx.EnsureAgents(ctx, []string{"AG1"}, now); err != nil || len(added) != 1 {
				t.Errorf("agents %v %v", added, err)
			}
			if err := tx.InsertDocuments(ctx, []ledger.Document{doc}, now); err != nil {
				return err
			}
			return tx.AddFigures(ctx, "C-1", ledger.OfDocument(doc, day("2026-11-23")), now)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			acc, err := tx.Account(ctx, "C-1", true)
			if err != nil {
				return err
			}
			if acc.Name != cust.Name || *acc.CreditLimit != limit || acc.Figures.Overdue != 5000 || acc.Figures.Risk() != 5000 {
				t.Errorf("account %+v", acc)
			}
			docs, err := tx.Documents(ctx, []string{"F-1", "nope"})
			if err != nil {
				return err
			}
			if len(docs) != 1 || docs["F-1"] != doc {
				t.Errorf("documents %+v", docs)
			}
			// The guard refuses more than is open, and accepts what fits.
			if ok, err := tx.AddPending(ctx, "F-1", 5001, now); err != nil || ok {
				t.Errorf("over-allocation accepted: %v %v", ok, err)
			}
			if ok, err := tx.AddPending(ctx, "F-1", 5000, now); err != nil || !ok {
				t.Errorf("allocation refused: %v %v", ok, err)
			}
			if ok, err := tx.AddPending(ctx, "F-1", 1, now); err != nil || ok {
				t.Errorf("allocation on a settled document accepted: %v %v", ok, err)
			}
			docs, _ = tx.Documents(ctx, []string{"F-1"})
			if d := docs["F-1"]; d.Pending != 5000 || d.Open() != 0 {
				t.Errorf("after allocation %+v", d)
			}
			if _, err := tx.Account(ctx, "C-404", false); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("missing customer: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		vs, err := db.CheckRows(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		// The pending amount has no allocation behind it: check must say so.
		if len(vs) != 1 || vs[0].Entity != "document" {
			t.Fatalf("violations %+v", vs)
		}
	})
}

func TestSearchKeyFoldsAccentsAndCase(t *testing.T) {
	for in, want := range map[string]string{"Ferretería NÚÑEZ": "ferreteria nunez", "Smith & Sons": "smith & sons", "Çé": "ce"} {
		if got := store.SearchKey(in); got != want {
			t.Errorf("SearchKey(%q) = %q, want %q", in, got, want)
		}
	}
}
