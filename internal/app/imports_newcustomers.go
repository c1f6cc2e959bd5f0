package app

import (
	"context"
	"maps"

	"cobro/internal/erpimport"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// newCustomers creates a customer for each customer of rows that cobro
// does not have (ImportOptions.NewCustomers, for exports with no customer
// file): its id from customer_id, its name from customer_name (the id
// when the file has none), its currency the row's. The first row of a
// customer decides; a later one in another currency is then that row's
// currency error, as for any customer. It returns the currencies with the
// new customers in them, leaving known's cache alone: a transaction tried
// again must create them again.
func (a *App) newCustomers(ctx context.Context, tx *store.Tx, im *importer, rows []erpimport.DocumentRow,
	known map[string]money.Currency, write bool, res *batchResult) (map[string]money.Currency, error) {
	var created []ledger.Customer
	var withNew map[string]money.Currency
	for _, r := range rows {
		if _, ok := known[r.CustomerID]; ok || r.CustomerID == "" || !r.Currency.Valid() {
			continue
		}
		if _, ok := withNew[r.CustomerID]; ok {
			continue
		}
		if withNew == nil {
			withNew = maps.Clone(known)
		}
		name := r.CustomerName
		if name == "" {
			name = r.CustomerID
		}
		created = append(created, ledger.Customer{ID: r.CustomerID, Name: name, Currency: r.Currency})
		withNew[r.CustomerID] = r.Currency
		res.newCustomers = append(res.newCustomers, r.CustomerID)
	}
	if len(created) == 0 {
		return known, nil
	}
	if !write {
		return withNew, nil
	}
	now := a.now()
	if err := tx.InsertCustomers(ctx, created, now); err != nil {
		return nil, err
	}
	return withNew, tx.Audit(ctx, store.AuditEntry{At: now, Actor: im.actor.Name, Source: im.actor.Source, Action: "import.new_customers",
		Entity: "import", EntityID: im.run.ID, Detail: map[string]any{"file": im.opt.File, "batch": im.batch, "customers": res.newCustomers}})
}
