package credit

import (
	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

// Decision is the answer of a credit check.
type Decision string

const (
	Allow            Decision = "allow"
	ApprovalRequired Decision = "approval_required"
	Blocked          Decision = "block"
)

func (d Decision) rank() int {
	switch d {
	case ApprovalRequired:
		return 1
	case Blocked:
		return 2
	}
	return 0
}

func (a Action) decision() Decision {
	switch a {
	case Approval:
		return ApprovalRequired
	case Block:
		return Blocked
	}
	return Allow
}

// Facts are what a check knows of a customer and the order.
type Facts struct {
	Currency money.Currency
	Limit    *int64 // nil: no limit set
	// Risk is the customer's risk before the order: open debts,
	// instruments not cleared and orders reserved.
	Risk int64
	// Order is the order's amount; PaidNow what is collected with it.
	Order, PaidNow int64
	Flagged        bool
	FlagReason     string
	// Documents are the customer's open documents.
	Documents []ledger.Document
	Today     civil.Date
	// Grade is the customer's stored rating ("" when never rated).
	Grade Grade
}

// Reason is one reason of a decision: a stable code, the decision it
// leads to, and the facts its message names (name, value pairs; amounts
// as money.Amount).
type Reason struct {
	Code     string
	Decision Decision
	Args     []any
}

// The reasons' codes.
const (
	ReasonFlagged   = "flagged"
	ReasonUnpaid    = "unpaid_items"
	ReasonOverdue   = "overdue"
	ReasonOverLimit = "over_limit"
	ReasonTolerance = "within_tolerance" // over the limit, within the tolerance: allowed
	ReasonPaidNow   = "paid_now"         // paid on the spot: allowed
	ReasonRating    = "rating"           // rated D or E
)

// Result is a decided check.
type Result struct {
	Decision Decision
	Reasons  []Reason
	// Exposure is what the order adds to the risk: the order less what is
	// paid with it (never below zero). It is what a reservation holds.
	Exposure int64
	// Available is the limit less the risk before the order (nil: no
	// limit).
	Available *int64
	// CollectFirst is what must be collected for the order to pass the
	// limit (0 when it does).
	CollectFirst int64
}

// RatingsMatter reports whether p looks at the customer's rating.
func (p Policy) RatingsMatter() bool { return p.RatingAction.OrNone() != None }

// Decide applies policy p to the facts. Every broken rule is a reason; the
// decision is the most severe of them. A flagged customer is always
// blocked; an order paid in full on the spot passes every other rule when
// the policy says so.
func Decide(p Policy, f Facts) (Result, error) {
	r := Result{Exposure: max(f.Order-f.PaidNow, 0)}
	cur := f.Currency
	amt := func(n int64) money.Amount { return money.New(n, cur) }
	if f.Limit != nil {
		avail := *f.Limit - f.Risk
		r.Available = &avail
	}
	add := func(code string, d Decision, args ...any) {
		r.Reasons = append(r.Reasons, Reason{Code: code, Decision: d, Args: args})
		if d.rank() > r.Decision.rank() {
			r.Decision = d
		}
	}
	r.Decision = Allow
	if f.Flagged {
		add(ReasonFlagged, Blocked, "reason", f.FlagReason)
	}
	if p.PaidNowPasses && f.Order > 0 && f.PaidNow >= f.Order {
		if !f.Flagged {
			add(ReasonPaidNow, Allow, "paid", amt(f.PaidNow))
		}
		return r, nil
	}
	var unpaid, overdue int64
	var unpaidN, overdueN int
	for _, d := range f.Documents {
		open := d.Open()
		if open == 0 || !d.Kind.Owed() {
			continue
		}
		st := d.StateAsOf(f.Today).Status
		if st == ledger.Disputed && !p.CountDisputed {
			continue
		}
		if d.Kind == ledger.Returned {
			unpaid += open
			unpaidN++
		}
		if d.DaysOverdue(f.Today) > p.OverdueDays {
			overdue += open
			overdueN++
		}
		if unpaid > money.MaxTotal || overdue > money.MaxTotal {
			return r, ledger.ErrOutOfRange
		}
	}
	if p.RatingsMatter() && (f.Grade == GradeD || f.Grade == GradeE) {
		add(ReasonRating, p.RatingAction.decision(), "grade", string(f.Grade))
	}
	if p.UnpaidAction != None && unpaidN > 0 {
		add(ReasonUnpaid, p.UnpaidAction.decision(), "count", unpaidN, "amount", amt(unpaid))
	}
	if p.OverdueAction != None && overdueN > 0 {
		limit := int64(0)
		if f.Limit != nil {
			limit = *f.Limit
		}
		threshold := max(share(limit, p.MaterialityBP), p.MaterialityMinor)
		if overdue > threshold {
			add(ReasonOverdue, p.OverdueAction.decision(), "days", p.OverdueDays, "count", overdueN,
				"amount", amt(overdue), "threshold", amt(threshold))
		}
	}
	if p.LimitAction != None && f.Limit != nil {
		after, ok := money.AddMinor(f.Risk, r.Exposure)
		if !ok {
			return r, ledger.ErrOutOfRange
		}
		tolerance := max(share(*f.Limit, p.ToleranceBP), p.ToleranceMinor)
		ceiling, ok := money.AddMinor(*f.Limit, tolerance)
		if !ok {
			return r, ledger.ErrOutOfRange
		}
		switch {
		case after > ceiling:
			r.CollectFirst = after - ceiling
			add(ReasonOverLimit, p.LimitAction.decision(), "limit", amt(*f.Limit), "risk", amt(f.Risk),
				"order", amt(r.Exposure), "collect", amt(r.CollectFirst))
		case after > *f.Limit:
			add(ReasonTolerance, Allow, "limit", amt(*f.Limit), "over", amt(after-*f.Limit), "tolerance", amt(tolerance))
		}
	}
	return r, nil
}
