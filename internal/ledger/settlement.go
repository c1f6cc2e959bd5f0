package ledger

import (
	"fmt"
	"slices"

	"cobro/internal/money"
)

// Settlement (liquidación): an agent hands the administration what was
// collected in a period — the cash, each cheque and promissory note — and
// the administration counts it. A settlement is drafted from the agent's
// collections, submitted by the agent, and verified by the administration
// with what it counted per instrument; every difference needs a reason,
// and a difference above the company's tolerance needs a supervisor's
// approval. A verified settlement is locked: a collection of it voided
// later shows as a correction on the agent's next settlement.

// SettlementState is where a settlement stands.
type SettlementState string

const (
	SettlementDraft     SettlementState = "draft"
	SettlementSubmitted SettlementState = "submitted"
	// SettlementApproval: counted with a difference over the tolerance,
	// waiting for a supervisor.
	SettlementApproval SettlementState = "awaiting_approval"
	SettlementVerified SettlementState = "verified"
)

// SettlementLine is a collection in a settlement: its amount counts, or,
// for a correction (a collection of a verified settlement voided since),
// its amount is taken back.
type SettlementLine struct {
	CollectionID string
	Instrument   Instrument
	Amount       int64
	Correction   bool
}

// Signed is what the line adds to its instrument's total.
func (l SettlementLine) Signed() int64 {
	if l.Correction {
		return -l.Amount
	}
	return l.Amount
}

// InstrumentTotal is what a settlement expects, or counted, of one
// instrument.
type InstrumentTotal struct {
	Instrument Instrument
	Count      int
	Amount     int64
}

// SettlementTotals sums lines by instrument, in the order instruments are
// offered (cash first); ErrOutOfRange if a sum overflows.
func SettlementTotals(lines []SettlementLine) ([]InstrumentTotal, int64, error) {
	by := map[Instrument]*InstrumentTotal{}
	var total int64
	for _, l := range lines {
		t := by[l.Instrument]
		if t == nil {
			t = &InstrumentTotal{Instrument: l.Instrument}
			by[l.Instrument] = t
		}
		var ok bool
		if t.Amount, ok = money.AddMinor(t.Amount, l.Signed()); !ok {
			return nil, 0, ErrOutOfRange
		}
		if total, ok = money.AddMinor(total, l.Signed()); !ok {
			return nil, 0, ErrOutOfRange
		}
		t.Count++
	}
	out := make([]InstrumentTotal, 0, len(by))
	for _, t := range by {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b InstrumentTotal) int { return instrumentOrder(a.Instrument) - instrumentOrder(b.Instrument) })
	return out, total, nil
}

var instrumentRank = map[Instrument]int{Cash: 0, Cheque: 1, PromissoryNote: 2, Transfer: 3, Card: 4, Bizum: 5, Other: 6}

func instrumentOrder(i Instrument) int {
	if r, ok := instrumentRank[i]; ok {
		return r
	}
	return len(instrumentRank)
}

// Difference is counted minus expected for one instrument.
type Difference struct {
	Instrument Instrument
	Expected   int64
	Counted    int64
	Diff       int64
	Reason     string
}

// Verification is the decided outcome of counting a settlement.
type Verification struct {
	Differences []Difference // one per instrument expected or counted
	Total       int64        // the sum of the differences
	// NeedsApproval: the differences add up, in absolute value, to more
	// than the tolerance.
	NeedsApproval bool
}

// VerifySettlement compares what was counted with what a settlement
// expects. counted names each instrument counted (a missing instrument is
// counted as zero); every instrument with a difference needs a reason.
func VerifySettlement(cur money.Currency, expected []InstrumentTotal, counted map[Instrument]int64, reasons map[Instrument]string, tolerance int64) (Verification, error) {
	var v Verification
	seen := map[Instrument]bool{}
	add := func(in Instrument, exp int64) error {
		seen[in] = true
		c := counted[in]
		if err := CheckAmount("counted."+string(in), money.New(c, cur)); err != nil {
			return err
		}
		if c < 0 {
			return ruleErr(ErrInvalid, "amount_not_positive", "counted."+string(in), "a counted amount is zero or more")
		}
		d := Difference{Instrument: in, Expected: exp, Counted: c, Diff: c - exp, Reason: reasons[in]}
		if d.Diff != 0 && trimmed(d.Reason) == "" {
			e := ruleErr(ErrInvalid, "reason_required", "reasons."+string(in),
				"counted %s of %s where %s was expected: say why", plain(money.New(c, cur)), in, plain(money.New(exp, cur)))
			e.Args = []any{"counted", money.New(c, cur), "instrument", string(in), "expected", money.New(exp, cur)}
			return e
		}
		if err := CheckText("reasons."+string(in), d.Reason, MaxNoteLen); err != nil {
			return err
		}
		v.Differences = append(v.Differences, d)
		var ok bool
		if v.Total, ok = money.AddMinor(v.Total, d.Diff); !ok {
			return ErrOutOfRange
		}
		return nil
	}
	for _, t := range expected {
		if err := add(t.Instrument, t.Amount); err != nil {
			return v, err
		}
	}
	extra := make([]Instrument, 0)
	for in := range counted {
		if !seen[in] {
			if !in.ValidCollected() {
				return v, ruleErr(ErrInvalid, "bad_instrument", "counted", "no instrument %q", in).WithValue(string(in))
			}
			extra = append(extra, in)
		}
	}
	slices.SortFunc(extra, func(a, b Instrument) int { return instrumentOrder(a) - instrumentOrder(b) })
	for _, in := range extra {
		if err := add(in, 0); err != nil {
			return v, err
		}
	}
	var sumAbs int64
	for _, d := range v.Differences {
		if d.Diff < 0 {
			sumAbs -= d.Diff
		} else {
			sumAbs += d.Diff
		}
	}
	// A shortfall in cash and a surplus in cheques do not cancel out.
	v.NeedsApproval = sumAbs > tolerance
	return v, nil
}

// SettlementMove checks that a settlement in state from may move to to.
func SettlementMove(from, to SettlementState) error {
	ok := map[SettlementState][]SettlementState{
		SettlementDraft:     {SettlementSubmitted},
		SettlementSubmitted: {SettlementVerified, SettlementApproval, SettlementDraft},
		SettlementApproval:  {SettlementVerified, SettlementDraft},
	}
	if slices.Contains(ok[from], to) {
		return nil
	}
	return &RuleError{Err: ErrState, Code: "settlement_state", Field: "state",
		Message: fmt.Sprintf("a %s settlement cannot become %s", from, to), Args: []any{"from", string(from), "to", string(to)}}
}

func trimmed(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n') {
		s = s[1:]
	}
	return s
}
