package ledger

import (
	"math"

	"cobro/internal/civil"
)

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

// ErrOutOfRange is the error of figures that would leave the range of
// int64: such a change is refused, never stored.
var ErrOutOfRange = &RuleError{Err: ErrInvalid, Code: "figures_out_of_range",
	Message: "the change would take the customer's figures out of range"}

// Add returns f+g, field by field, or ErrOutOfRange when a field (or the
// risk, balance plus in hand) would overflow.
func (f Figures) Add(g Figures) (Figures, error) {
	var out Figures
	var ok [9]bool
	out.Balance, ok[0] = add64(f.Balance, g.Balance)
	out.Overdue, ok[1] = add64(f.Overdue, g.Overdue)
	out.Owed, ok[8] = add64(f.Owed, g.Owed)
	out.Disputed, ok[2] = add64(f.Disputed, g.Disputed)
	out.InHand, ok[3] = add64(f.InHand, g.InHand)
	out.Unallocated, ok[4] = add64(f.Unallocated, g.Unallocated)
	out.Conflict, ok[5] = add64(f.Conflict, g.Conflict)
	out.OpenCount, ok[6] = add64(f.OpenCount, g.OpenCount)
	out.OverdueCount, ok[7] = add64(f.OverdueCount, g.OverdueCount)
	for _, o := range ok {
		if !o {
			return f, ErrOutOfRange
		}
	}
	if _, o := add64(out.Balance, out.InHand); !o {
		return f, ErrOutOfRange
	}
	return out, nil
}

// Sub returns f-g, field by field, or ErrOutOfRange on an overflow.
func (f Figures) Sub(g Figures) (Figures, error) {
	n, err := g.neg()
	if err != nil {
		return f, err
	}
	return f.Add(n)
}

func (f Figures) neg() (Figures, error) {
	for _, v := range [...]int64{f.Balance, f.Owed, f.Overdue, f.Disputed, f.InHand, f.Unallocated, f.Conflict, f.OpenCount, f.OverdueCount} {
		if v == math.MinInt64 {
			return f, ErrOutOfRange
		}
	}
	return Figures{
		Balance: -f.Balance, Owed: -f.Owed, Overdue: -f.Overdue, Disputed: -f.Disputed, InHand: -f.InHand,
		Unallocated: -f.Unallocated, Conflict: -f.Conflict, OpenCount: -f.OpenCount, OverdueCount: -f.OverdueCount,
	}, nil
}

// add64 is a+b and whether it did not overflow.
func add64(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
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

// DocumentDelta is how a change from old to new moves the figures on day
// today (ErrOutOfRange if the difference overflows).
func DocumentDelta(old, new Document, today civil.Date) (Figures, error) {
	return OfDocument(new, today).Sub(OfDocument(old, today))
}

// CollectionDelta is how a change from old to new moves the figures.
func CollectionDelta(old, new Collection) (Figures, error) {
	return OfCollection(new).Sub(OfCollection(old))
}

// Compute recomputes a customer's figures from its raw documents and
// collections on day today; ErrOutOfRange if they do not fit in int64.
func Compute(docs []Document, cols []Collection, today civil.Date) (Figures, error) {
	var f Figures
	var err error
	for _, d := range docs {
		if f, err = f.Add(OfDocument(d, today)); err != nil {
			return f, err
		}
	}
	for _, c := range cols {
		if f, err = f.Add(OfCollection(c)); err != nil {
			return f, err
		}
	}
	return f, nil
}
