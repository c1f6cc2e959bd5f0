package app

import (
	"context"
	"fmt"
	"time"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
)

// The field app works without network: the agent's device keeps a copy of
// the agent's customers and their open debts, taken when it last had
// signal, and records collections against it (see CollectionRequest's
// Offline). FieldData is that copy.

// Bounds of what a device keeps: an agent's whole book in the worst shape
// (every document open, many per customer) fits; a bigger one is cut and
// says so, so the agent knows a customer may be missing.
const (
	FieldMaxCustomers = 5000
	FieldMaxDocuments = 50000
)

// FieldData is an agent's customers and their open debts, as of At.
type FieldData struct {
	At        time.Time       `json:"at"`
	AsOf      civil.Date      `json:"as_of"`
	User      string          `json:"user"`
	Agent     string          `json:"agent"`
	Exponents map[string]int  `json:"exponents"` // minor-unit digits of each currency present
	Customers []FieldCustomer `json:"customers"`
	// Truncated: the book is larger than a device keeps (see the bounds).
	Truncated bool `json:"truncated"`
}

// FieldCustomer is a customer with the debts a collection may pay, oldest
// due first.
type FieldCustomer struct {
	CustomerView
	Documents []DocumentView `json:"documents"`
}

// FieldSnapshot is what the actor's device keeps to work offline: only an
// agent's own customers (the one place that decides what an actor sees,
// Customers and Debts, decides it here too).
func (a *App) FieldSnapshot(ctx context.Context, actor auth.Actor) (FieldData, error) {
	if err := actor.Check(auth.RecordCollection); err != nil {
		return FieldData{}, err
	}
	if actor.Role != auth.Agent || actor.Agent == "" {
		return FieldData{}, fmt.Errorf("the field app keeps an agent's own customers: %w", auth.ErrForbidden)
	}
	today, err := a.Today(ctx)
	if err != nil {
		return FieldData{}, err
	}
	out := FieldData{At: a.now(), AsOf: today, User: actor.Name, Agent: actor.Agent, Exponents: map[string]int{},
		Customers: []FieldCustomer{}}
	index := map[string]int{}
	cursor := ""
	for {
		page, err := a.Customers(ctx, actor, CustomerQuery{Cursor: cursor, Limit: maxLimit})
		if err != nil {
			return FieldData{}, err
		}
		for _, c := range page.Items {
			if len(out.Customers) == FieldMaxCustomers {
				out.Truncated = true
				break
			}
			index[c.ID] = len(out.Customers)
			out.Customers = append(out.Customers, FieldCustomer{CustomerView: c, Documents: []DocumentView{}})
			out.Exponents[string(c.Currency)] = c.Currency.Digits()
		}
		if cursor = page.NextCursor; cursor == "" || out.Truncated {
			break
		}
	}
	docs := 0
	q := DebtQuery{Limit: maxLimit, ItemsOnly: true}
	for {
		list, err := a.Debts(ctx, actor, q)
		if err != nil {
			return FieldData{}, err
		}
		for _, d := range list.Items {
			i, ok := index[d.CustomerID]
			if !ok || !d.Kind.Owed() || d.OpenAmount.Minor <= 0 || d.Kind == ledger.CreditNote {
				continue
			}
			if docs == FieldMaxDocuments {
				out.Truncated = true
				break
			}
			docs++
			out.Customers[i].Documents = append(out.Customers[i].Documents, d.DocumentView)
		}
		if q.Cursor = list.NextCursor; q.Cursor == "" || out.Truncated {
			break
		}
	}
	return out, nil
}
