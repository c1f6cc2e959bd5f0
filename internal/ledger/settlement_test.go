package ledger

import (
	"testing"

	"pgregory.net/rapid"
)

func TestVerifySettlement(t *testing.T) {
	exp := []InstrumentTotal{{Instrument: Cash, Count: 2, Amount: 30000}, {Instrument: Cheque, Count: 1, Amount: 12000}}
	for _, c := range []struct {
		name     string
		counted  map[Instrument]int64
		reasons  map[Instrument]string
		tol      int64
		code     string
		approval bool
		total    int64
	}{
		{"exact", map[Instrument]int64{Cash: 30000, Cheque: 12000}, nil, 0, "", false, 0},
		{"short without reason", map[Instrument]int64{Cash: 29000, Cheque: 12000}, nil, 0, "reason_required", false, 0},
		{"short within tolerance", map[Instrument]int64{Cash: 29950, Cheque: 12000}, map[Instrument]string{Cash: "coins"}, 100, "", false, -50},
		{"short over tolerance", map[Instrument]int64{Cash: 29000, Cheque: 12000}, map[Instrument]string{Cash: "missing"}, 100, "", true, -1000},
		{"differences do not cancel", map[Instrument]int64{Cash: 29000, Cheque: 13000}, map[Instrument]string{Cash: "a", Cheque: "b"}, 100, "", true, 0},
		{"cheque missing counts zero", map[Instrument]int64{Cash: 30000}, map[Instrument]string{Cheque: "not handed in"}, 0, "", true, -12000},
		{"extra instrument", map[Instrument]int64{Cash: 30000, Cheque: 12000, Transfer: 500}, map[Instrument]string{Transfer: "?"}, 1000, "", false, 500},
		{"unknown instrument", map[Instrument]int64{Cash: 30000, Cheque: 12000, "gold": 1}, map[Instrument]string{"gold": "?"}, 0, "bad_instrument", false, 0},
		{"negative count", map[Instrument]int64{Cash: -1, Cheque: 12000}, map[Instrument]string{Cash: "?"}, 0, "amount_not_positive", false, 0},
	} {
		v, err := VerifySettlement("EUR", exp, c.counted, c.reasons, c.tol)
		code := ""
		if re, ok := err.(*RuleError); ok {
			code = re.Code
		} else if err != nil {
			code = err.Error()
		}
		if code != c.code {
			t.Errorf("%s: %v, want %q", c.name, err, c.code)
			continue
		}
		if err == nil && (v.NeedsApproval != c.approval || v.Total != c.total) {
			t.Errorf("%s: approval %v total %d, want %v %d", c.name, v.NeedsApproval, v.Total, c.approval, c.total)
		}
	}
}

// TestSettlementTotalsFoot: the totals by instrument add up to the total,
// which is the sum of the lines (corrections taken back), whatever the lines.
func TestSettlementTotalsFoot(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lines := rapid.SliceOf(rapid.Custom(func(t *rapid.T) SettlementLine {
			return SettlementLine{Instrument: rapid.SampledFrom([]Instrument{Cash, Cheque, PromissoryNote, Bizum}).Draw(t, "in"),
				Amount: rapid.Int64Range(1, 1e9).Draw(t, "amount"), Correction: rapid.IntRange(0, 5).Draw(t, "c") == 0}
		})).Draw(t, "lines")
		totals, total, err := SettlementTotals(lines)
		if err != nil {
			t.Fatal(err)
		}
		var sum, byIn int64
		n := 0
		for _, l := range lines {
			sum += l.Signed()
		}
		for _, tt := range totals {
			byIn += tt.Amount
			n += tt.Count
		}
		if sum != total || byIn != total || n != len(lines) {
			t.Fatalf("lines %d, totals %d, by instrument %d, count %d of %d", sum, total, byIn, n, len(lines))
		}
		// Counting exactly what is expected never needs a reason or approval.
		counted := map[Instrument]int64{}
		for _, tt := range totals {
			if tt.Amount >= 0 {
				counted[tt.Instrument] = tt.Amount
			}
		}
		v, err := VerifySettlement("EUR", totals, counted, map[Instrument]string{Cash: "x", Cheque: "x", PromissoryNote: "x", Bizum: "x"}, 0)
		if err == nil {
			for _, d := range v.Differences {
				if d.Diff != 0 && d.Expected >= 0 {
					t.Fatalf("difference %+v", d)
				}
			}
		}
	})
}

func TestSettlementMoves(t *testing.T) {
	for _, c := range []struct {
		from, to SettlementState
		ok       bool
	}{
		{SettlementDraft, SettlementSubmitted, true}, {SettlementSubmitted, SettlementVerified, true},
		{SettlementSubmitted, SettlementApproval, true}, {SettlementApproval, SettlementVerified, true},
		{SettlementSubmitted, SettlementDraft, true}, {SettlementVerified, SettlementDraft, false},
		{SettlementVerified, SettlementSubmitted, false}, {SettlementDraft, SettlementVerified, false},
	} {
		if err := SettlementMove(c.from, c.to); (err == nil) != c.ok {
			t.Errorf("%s → %s: %v", c.from, c.to, err)
		}
	}
}
