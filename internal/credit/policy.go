// Package credit decides whether a customer may place an order: the
// company's credit policy, the facts of the customer (limit, risk, open
// documents, a flag) and the order give a decision with its reasons. Pure
// rules: no SQL, no HTTP, no clock (the day is an argument).
package credit

import (
	"fmt"

	"cobro/internal/ledger"
	"cobro/internal/money"
)

// Action is what a rule does when it is broken.
type Action string

const (
	None     Action = "none"     // the rule is off
	Approval Action = "approval" // the order waits for a supervisor
	Block    Action = "block"    // the order is refused
)

// Policy is a credit policy: the company's, or a segment's, which replaces
// the company's whole for the customers of that segment. Percentages are
// basis points (100 = 1%); amounts are minor units of the company's
// currency and apply only to customers in that currency.
type Policy struct {
	// UnpaidAction applies when the customer has any open returned
	// (unpaid) item.
	UnpaidAction Action `json:"unpaid_action"`
	// OverdueAction applies when what is overdue by more than OverdueDays
	// days is above the materiality threshold: the larger of
	// MaterialityBP of the credit limit and MaterialityMinor.
	OverdueAction    Action `json:"overdue_action"`
	OverdueDays      int    `json:"overdue_days"`
	MaterialityBP    int64  `json:"materiality_bp"`
	MaterialityMinor int64  `json:"materiality_minor"`
	// LimitAction applies when risk + order exceeds the credit limit by
	// more than the tolerance: the larger of ToleranceBP of the limit and
	// ToleranceMinor.
	LimitAction    Action `json:"limit_action"`
	ToleranceBP    int64  `json:"tolerance_bp"`
	ToleranceMinor int64  `json:"tolerance_minor"`
	// CountDisputed: disputed documents count in the unpaid and overdue
	// rules.
	CountDisputed bool `json:"count_disputed"`
	// PaidNowPasses: an order paid in full on the spot passes every rule
	// but a flag.
	PaidNowPasses bool `json:"paid_now_passes"`
	// RatingAction applies when the customer's stored rating is D or E
	// ("" is None).
	RatingAction Action `json:"rating_action"`
}

// OrNone is a, or None when a is not set (a rule added after the policy
// was written: RatingAction).
func (a Action) OrNone() Action {
	if a == "" {
		return None
	}
	return a
}

// Default is the policy of a fresh database: approval when risk + order
// exceeds the limit, or when anything not disputed is more than 60 days
// overdue above 1% of the limit; flagged customers are always blocked.
var Default = Policy{
	UnpaidAction:  None,
	OverdueAction: Approval, OverdueDays: 60, MaterialityBP: 100,
	LimitAction:   Approval,
	PaidNowPasses: true,
	RatingAction:  None,
}

// Policies are the company's policy and the segments' overrides.
type Policies struct {
	Company  Policy            `json:"company"`
	Segments map[string]Policy `json:"segments"`
}

// For is the policy of a customer of segment.
func (ps Policies) For(segment string) Policy {
	if p, ok := ps.Segments[segment]; ok && segment != "" {
		return p
	}
	return ps.Company
}

// The bounds of a policy's numbers.
const (
	MaxOverdueDays = 3650
	MaxBP          = 100_000 // 1000%
)

// Validate checks a policy; field prefixes the fields named in its errors
// ("company", "segments.retail").
func (p Policy) Validate(field string) error {
	if field != "" {
		field += "."
	}
	for _, a := range []struct {
		name string
		v    Action
	}{{"unpaid_action", p.UnpaidAction}, {"overdue_action", p.OverdueAction}, {"limit_action", p.LimitAction}, {"rating_action", p.RatingAction.OrNone()}} {
		switch a.v {
		case None, Approval, Block:
		default:
			return invalid("bad_action", field+a.name, string(a.v), "%s must be none, approval or block", a.name)
		}
	}
	if p.OverdueDays < 0 || p.OverdueDays > MaxOverdueDays {
		return invalid("bad_days", field+"overdue_days", fmt.Sprint(p.OverdueDays), "overdue_days must be between 0 and %d", MaxOverdueDays)
	}
	for _, n := range []struct {
		name string
		v    int64
	}{{"materiality_bp", p.MaterialityBP}, {"tolerance_bp", p.ToleranceBP}} {
		if n.v < 0 || n.v > MaxBP {
			return invalid("bad_percent", field+n.name, fmt.Sprint(n.v), "%s must be between 0 and %d basis points", n.name, MaxBP)
		}
	}
	for _, n := range []struct {
		name string
		v    int64
	}{{"materiality_minor", p.MaterialityMinor}, {"tolerance_minor", p.ToleranceMinor}} {
		if n.v < 0 || n.v > money.MaxMinor {
			return invalid("bad_amount", field+n.name, fmt.Sprint(n.v), "%s must be between 0 and %d", n.name, money.MaxMinor)
		}
	}
	return nil
}

// Validate checks every policy of ps.
func (ps Policies) Validate() error {
	if err := ps.Company.Validate("company"); err != nil {
		return err
	}
	for seg, p := range ps.Segments {
		if seg == "" {
			return invalid("bad_segment", "segments", "", "a segment override needs the segment's name")
		}
		if err := p.Validate("segments." + seg); err != nil {
			return err
		}
	}
	return nil
}

func invalid(code, field, value, format string, args ...any) *ledger.RuleError {
	return &ledger.RuleError{Err: ledger.ErrInvalid, Code: code, Field: field, Value: value, Message: fmt.Sprintf(format, args...)}
}

// share is bp basis points of n, rounded down; 0 when n is not positive.
func share(n, bp int64) int64 {
	if n <= 0 || bp <= 0 {
		return 0
	}
	// n ≤ MaxMinor and bp ≤ MaxBP: split to stay in int64.
	return n/10_000*bp + n%10_000*bp/10_000
}
