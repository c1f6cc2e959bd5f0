package ledger

import "cobro/internal/civil"

// Figures are a customer's stored figures. They are kept current in the
// same transaction as every change that moves them, by adding the change's
// Delta, and recomputed from raw rows by Compute to check them. All amounts
// are minor units of the customer's currency.
type Figures struct {
	// Balance is what the customer owes: open amounts of owed documents
	// minus open credit notes minus unallocated collections.
	Balance int64
	// Owed is the open amount of owed documents (invoices and returned
	// items, disputed included): Balance + open credit notes + Unallocated.
	Owed int64
	// Overdue is the open amount of overdue and unpaid documents.
	Overdue int64
	// Disputed is the open amount of disputed documents (also in Balance).
	Disputed int64
	// InHand is the amount of instruments received but not cleared yet.
	InHand int64
	// Unallocated is collected money not applied to any document and not
	// yet acknowledged by the ERP (an advance payment).
	Unallocated int64
	// Conflict is the sum of documents' conflicts (see Document.Conflict).
	Conflict int64
	// OpenCount and OverdueCount count open owed documents and those
	// overdue or unpaid.
	OpenCount    int64
	OverdueCount int64
}

// Risk is what the company stands to lose: the balance plus instruments
// not yet cleared. Orders not yet invoiced join it with credit control.
func (f Figures) Risk() int64 { return f.Balance + f.InHand }

// Available is the credit left under limit, and false when no limit is set.
func (f Figures) Available(limit *int64) (int64, bool) {
	if limit == nil {
		return 0, false
	}
	return *limit - f.Risk(), true
}

// Add returns f+g, field by field.
func (f Figures) Add(g Figures) Figures {
	return Figures{
		Balance:      f.Balance + g.Balance,
		Owed:         f.Owed + g.Owed,
		Overdue:      f.Overdue + g.Overdue,
		Disputed:     f.Disputed + g.Disputed,
		InHand:       f.InHand + g.InHand,
		Unallocated:  f.Unallocated + g.Unallocated,
		Conflict:     f.Conflict + g.Conflict,
		OpenCount:    f.OpenCount + g.OpenCount,
		OverdueCount: f.OverdueCount + g.OverdueCount,
	}
}

// Sub returns f-g, field by field.
func (f Figures) Sub(g Figures) Figures {
	return f.Add(Figures{
		Balance: -g.Balance, Owed: -g.Owed, Overdue: -g.Overdue, Disputed: -g.Disputed, InHand: -g.InHand,
		Unallocated: -g.Unallocated, Conflict: -g.Conflict, OpenCount: -g.OpenCount, OverdueCount: -g.OverdueCount,
	})
}

// IsZero reports whether every field is zero.
func (f Figures) IsZero() bool { return f == Figures{} }

// OfDocument is what one document adds to its customer's figures on day today.
func OfDocument(d Document, today civil.Date) Figures {
	open := d.Open()
	f := Figures{Conflict: d.Conflict()}
	if open == 0 {
		return f
	}
	if !d.Kind.Owed() {
		f.Balance = -open
		return f
	}
	f.Balance = open
	f.Owed = open
	f.OpenCount = 1
	switch st := d.StateAsOf(today).Status; {
	case st == Disputed:
		f.Disputed = open
	case st.PastDue():
		f.Overdue = open
		f.OverdueCount = 1
	}
	return f
}

// OfCollection is what one collection adds to its customer's figures,
// beyond what its allocations take off documents' open amounts.
func OfCollection(c Collection) Figures {
	var f Figures
	if c.State == InHand {
		f.InHand = c.Amount.Minor
	}
	if !c.Acked() && (c.State == InHand || c.State == Cleared) {
		f.Unallocated = c.Amount.Minor - c.Allocated()
		f.Balance = -f.Unallocated
	}
	return f
}

// DocumentDelta is how a change from old to new moves the figures on day today.
func DocumentDelta(old, new Document, today civil.Date) Figures {
	return OfDocument(new, today).Sub(OfDocument(old, today))
}

// CollectionDelta is how a change from old to new moves the figures.
func CollectionDelta(old, new Collection) Figures {
	return OfCollection(new).Sub(OfCollection(old))
}

// Compute recomputes a customer's figures from its raw documents and
// collections on day today.
func Compute(docs []Document, cols []Collection, today civil.Date) Figures {
	var f Figures
	for _, d := range docs {
		f = f.Add(OfDocument(d, today))
	}
	for _, c := range cols {
		f = f.Add(OfCollection(c))
	}
	return f
}
