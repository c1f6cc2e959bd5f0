package app

import (
	"context"
	"fmt"

	"cobro/internal/ledger"
	"cobro/internal/store"
)

// Violation is a broken invariant: the rule, and the row that breaks it.
type Violation struct {
	Rule   string `json:"rule"`
	Entity string `json:"entity"`
	ID     string `json:"id"`
	Detail string `json:"detail"`
}

// Check verifies every ledger invariant on the whole database: the
// row-level rules, and each customer's stored figures against their
// recomputation from the raw rows for the day they are kept for. It returns
// the violations found (none is a clean ledger). A figure out of its
// bounds, or not an integer, is named as such, never a scan error.
func (a *App) Check(ctx context.Context) ([]Violation, error) {
	var out []Violation
	rows, err := a.db.CheckRows(ctx, 100)
	if err != nil {
		return nil, err
	}
	for _, v := range rows {
		out = append(out, Violation(v))
	}
	if store.OutOfBounds(rows) {
		// A figure that is no integer in range cannot be read, let alone
		// recomputed: the rows named above are repaired first.
		return append(out, Violation{Rule: "stored figures equal their recomputation", Entity: "ledger",
			Detail: "not recomputed: repair the figures out of bounds first"}), nil
	}
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		_, asOf, err := tx.Company(ctx, false)
		if err != nil {
			return err
		}
		after := ""
		for {
			accs, err := tx.AccountsPage(ctx, after, 500)
			if err != nil || len(accs) == 0 {
				return err
			}
			ids := make([]string, len(accs))
			for i, acc := range accs {
				ids[i] = acc.ID
			}
			docs, err := tx.OpenDocumentsOf(ctx, ids)
			if err != nil {
				return err
			}
			cols, err := tx.CollectionsOf(ctx, ids)
			if err != nil {
				return err
			}
			byDocs, byCols := map[string][]ledger.Document{}, map[string][]ledger.Collection{}
			for _, d := range docs {
				byDocs[d.CustomerID] = append(byDocs[d.CustomerID], d)
			}
			for _, c := range cols {
				byCols[c.CustomerID] = append(byCols[c.CustomerID], c)
			}
			for _, acc := range accs {
				want, err := ledger.Compute(byDocs[acc.ID], byCols[acc.ID], asOf)
				if err != nil {
					out = append(out, Violation{Rule: "stored figures equal their recomputation", Entity: "customer",
						ID: acc.ID, Detail: fmt.Sprintf("stored %+v, recomputed out of range: %v", acc.Figures, err)})
					continue
				}
				if want != acc.Figures {
					out = append(out, Violation{Rule: "stored figures equal their recomputation", Entity: "customer",
						ID: acc.ID, Detail: fmt.Sprintf("stored %+v, recomputed %+v", acc.Figures, want)})
				}
			}
			after = accs[len(accs)-1].ID
		}
	})
	if err != nil {
		return out, err
	}
	// No receipt number used twice (the schema's unique index) and none
	// disappeared: every number a series handed out is explained.
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		states, err := tx.SeriesStates(ctx)
		if err != nil {
			return err
		}
		for _, st := range states {
			for _, p := range ledger.CheckSeries(st, 20) {
				out = append(out, Violation{Rule: "every receipt number is a receipt, cancelled or unused on a live device",
					Entity: "receipt", ID: ledger.ReceiptNumber(p.Series, p.Number), Detail: p.What})
			}
		}
		return nil
	})
	return out, err
}
