package credit

import (
	"errors"
	"slices"
	"testing"

	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

var today = civil.Date{Year: 2026, Month: 6, Day: 30}

func lim(n int64) *int64 { return &n }

// doc is an open invoice of open minor units, days past due on today.
func doc(kind ledger.Kind, open int64, daysPastDue int, disputed bool) ledger.Document {
	return ledger.Document{ID: "D", CustomerID: "C", Kind: kind, Currency: "EUR", Amount: open, ERPOpen: open,
		IssueDate: today.AddDays(-daysPastDue - 30), DueDate: today.AddDays(-daysPastDue), Disputed: disputed}
}

func codes(r Result) []string {
	var out []string
	for _, x := range r.Reasons {
		out = append(out, x.Code)
	}
	return out
}

func TestDecide(t *testing.T) {
	strict := Policy{UnpaidAction: Block, OverdueAction: Block, OverdueDays: 30, MaterialityBP: 100, MaterialityMinor: 500_00,
		LimitAction: Block, ToleranceBP: 500, ToleranceMinor: 100_00, CountDisputed: true}
	cases := []struct {
		name     string
		p        Policy
		f        Facts
		want     Decision
		reasons  []string
		collect  int64
		exposure int64
	}{
		{name: "within the limit", p: Default, f: Facts{Limit: lim(50_000_00), Risk: 10_000_00, Order: 5_000_00},
			want: Allow, exposure: 5_000_00},
		{name: "the mission's example: collect 3,000 first", p: Default, f: Facts{Limit: lim(50_000_00), Risk: 48_000_00, Order: 5_000_00},
			want: ApprovalRequired, reasons: []string{ReasonOverLimit}, collect: 3_000_00, exposure: 5_000_00},
		{name: "exactly at the limit passes", p: Default, f: Facts{Limit: lim(50_000_00), Risk: 45_000_00, Order: 5_000_00},
			want: Allow, exposure: 5_000_00},
		{name: "no limit: the limit rule does not apply", p: Default, f: Facts{Risk: 1_000_000_00, Order: 5_000_00},
			want: Allow, exposure: 5_000_00},
		{name: "a zero limit is a limit", p: Default, f: Facts{Limit: lim(0), Order: 1},
			want: ApprovalRequired, reasons: []string{ReasonOverLimit}, collect: 1, exposure: 1},
		{name: "limit rule off", p: Policy{LimitAction: None}, f: Facts{Limit: lim(100), Risk: 100, Order: 5},
			want: Allow, exposure: 5},
		{name: "limit blocks", p: Policy{LimitAction: Block}, f: Facts{Limit: lim(100), Risk: 100, Order: 5},
			want: Blocked, reasons: []string{ReasonOverLimit}, collect: 5, exposure: 5},
		{name: "within the percent tolerance", p: Policy{LimitAction: Approval, ToleranceBP: 1000}, f: Facts{Limit: lim(1000_00), Risk: 1000_00, Order: 100_00},
			want: Allow, reasons: []string{ReasonTolerance}, exposure: 100_00},
		{name: "over the percent tolerance: collect what passes", p: Policy{LimitAction: Approval, ToleranceBP: 1000}, f: Facts{Limit: lim(1000_00), Risk: 1000_00, Order: 150_00},
			want: ApprovalRequired, reasons: []string{ReasonOverLimit}, collect: 50_00, exposure: 150_00},
		{name: "the larger tolerance counts (amount)", p: Policy{LimitAction: Approval, ToleranceBP: 100, ToleranceMinor: 200_00}, f: Facts{Limit: lim(1000_00), Risk: 1000_00, Order: 150_00},
			want: Allow, reasons: []string{ReasonTolerance}, exposure: 150_00},
		{name: "paid in part on the spot: only the rest counts", p: Default, f: Facts{Limit: lim(50_000_00), Risk: 48_000_00, Order: 5_000_00, PaidNow: 3_000_00},
			want: Allow, exposure: 2_000_00},
		{name: "paid in full on the spot passes", p: Default, f: Facts{Limit: lim(0), Risk: 48_000_00, Order: 5_000_00, PaidNow: 5_000_00,
			Documents: []ledger.Document{doc(ledger.Invoice, 9_000_00, 200, false)}},
			want: Allow, reasons: []string{ReasonPaidNow}},
		{name: "paid on the spot, policy says no", p: Policy{LimitAction: Approval}, f: Facts{Limit: lim(0), Order: 5_000_00, PaidNow: 5_000_00},
			want: Allow},
		{name: "paid on the spot never lifts a flag", p: Default, f: Facts{Order: 5_000_00, PaidNow: 5_000_00, Flagged: true, FlagReason: "fraud"},
			want: Blocked, reasons: []string{ReasonFlagged}},
		{name: "flagged is always blocked", p: Policy{}, f: Facts{Limit: lim(1_000_000_00), Order: 1, Flagged: true},
			want: Blocked, reasons: []string{ReasonFlagged}, exposure: 1},
		{name: "overdue 61 days above 1% of the limit", p: Default, f: Facts{Limit: lim(10_000_00), Risk: 200_00, Order: 100_00,
			Documents: []ledger.Document{doc(ledger.Invoice, 200_00, 61, false)}},
			want: ApprovalRequired, reasons: []string{ReasonOverdue}, exposure: 100_00},
		{name: "overdue exactly 60 days is not more than 60", p: Default, f: Facts{Limit: lim(10_000_00), Risk: 200_00, Order: 100_00,
			Documents: []ledger.Document{doc(ledger.Invoice, 200_00, 60, false)}},
			want: Allow, exposure: 100_00},
		{name: "a 3-euro residual does not stop a 30,000 order", p: Default, f: Facts{Limit: lim(50_000_00), Risk: 3_00, Order: 30_000_00,
			Documents: []ledger.Document{doc(ledger.Invoice, 3_00, 400, false)}},
			want: Allow, exposure: 30_000_00},
		{name: "exactly at the materiality threshold passes", p: Default, f: Facts{Limit: lim(10_000_00), Risk: 100_00, Order: 1,
			Documents: []ledger.Document{doc(ledger.Invoice, 100_00, 90, false)}},
			want: Allow, exposure: 1},
		{name: "disputed not counted by default", p: Default, f: Facts{Limit: lim(10_000_00), Risk: 5_000_00, Order: 1,
			Documents: []ledger.Document{doc(ledger.Invoice, 5_000_00, 90, true)}},
			want: Allow, exposure: 1},
		{name: "disputed counted when the policy says so", p: Policy{OverdueAction: Approval, OverdueDays: 60, CountDisputed: true}, f: Facts{Limit: lim(10_000_00), Risk: 5_000_00, Order: 1,
			Documents: []ledger.Document{doc(ledger.Invoice, 5_000_00, 90, true)}},
			want: ApprovalRequired, reasons: []string{ReasonOverdue}, exposure: 1},
		{name: "the amount threshold when larger than the percent", p: Policy{OverdueAction: Block, OverdueDays: 0, MaterialityBP: 100, MaterialityMinor: 500_00},
			f:    Facts{Limit: lim(10_000_00), Risk: 400_00, Order: 1, Documents: []ledger.Document{doc(ledger.Invoice, 400_00, 5, false)}},
			want: Allow, exposure: 1},
		{name: "overdue blocks", p: Policy{OverdueAction: Block, OverdueDays: 0},
			f:    Facts{Risk: 400_00, Order: 1, Documents: []ledger.Document{doc(ledger.Invoice, 400_00, 5, false)}},
			want: Blocked, reasons: []string{ReasonOverdue}, exposure: 1},
		{name: "not yet due is never overdue", p: Policy{OverdueAction: Block, OverdueDays: 0},
			f:    Facts{Risk: 400_00, Order: 1, Documents: []ledger.Document{doc(ledger.Invoice, 400_00, -5, false)}},
			want: Allow, exposure: 1},
		{name: "a credit note is never overdue", p: Policy{OverdueAction: Block, OverdueDays: 0},
			f:    Facts{Order: 1, Documents: []ledger.Document{doc(ledger.CreditNote, 400_00, 50, false)}},
			want: Allow, exposure: 1},
		{name: "an unpaid item blocks", p: Policy{UnpaidAction: Block},
			f:    Facts{Order: 1, Documents: []ledger.Document{doc(ledger.Returned, 10_00, 0, false)}},
			want: Blocked, reasons: []string{ReasonUnpaid}, exposure: 1},
		{name: "an unpaid item, rule off", p: Default,
			f:    Facts{Order: 1, Documents: []ledger.Document{doc(ledger.Returned, 10_00, 0, false)}},
			want: Allow, exposure: 1},
		{name: "a disputed unpaid item, not counted", p: Policy{UnpaidAction: Block},
			f:    Facts{Order: 1, Documents: []ledger.Document{doc(ledger.Returned, 10_00, 0, true)}},
			want: Allow, exposure: 1},
		{name: "every broken rule is a reason; the most severe decides", p: strict,
			f: Facts{Limit: lim(10_000_00), Risk: 12_000_00, Order: 1_000_00, Flagged: true, Documents: []ledger.Document{
				doc(ledger.Returned, 2_000_00, 40, false), doc(ledger.Invoice, 10_000_00, 45, true)}},
			want: Blocked, reasons: []string{ReasonFlagged, ReasonUnpaid, ReasonOverdue, ReasonOverLimit}, collect: 2_500_00, exposure: 1_000_00},
		{name: "approval and block: block wins", p: Policy{OverdueAction: Approval, LimitAction: Block},
			f:    Facts{Limit: lim(100), Risk: 100, Order: 1, Documents: []ledger.Document{doc(ledger.Invoice, 100, 5, false)}},
			want: Blocked, reasons: []string{ReasonOverdue, ReasonOverLimit}, collect: 1, exposure: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.f.Currency, c.f.Today = "EUR", today
			r, err := Decide(c.p, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if r.Decision != c.want {
				t.Errorf("decision %s, want %s (reasons %v)", r.Decision, c.want, codes(r))
			}
			if !slices.Equal(codes(r), c.reasons) {
				t.Errorf("reasons %v, want %v", codes(r), c.reasons)
			}
			if r.CollectFirst != c.collect {
				t.Errorf("collect first %d, want %d", r.CollectFirst, c.collect)
			}
			if r.Exposure != c.exposure {
				t.Errorf("exposure %d, want %d", r.Exposure, c.exposure)
			}
		})
	}
}

func TestReasonArgs(t *testing.T) {
	r, err := Decide(Default, Facts{Currency: "EUR", Limit: lim(50_000_00), Risk: 48_000_00, Order: 5_000_00, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if *r.Available != 2_000_00 {
		t.Errorf("available %d", *r.Available)
	}
	want := []any{"limit", money.New(50_000_00, "EUR"), "risk", money.New(48_000_00, "EUR"), "order", money.New(5_000_00, "EUR"),
		"collect", money.New(3_000_00, "EUR")}
	if !slices.Equal(r.Reasons[0].Args, want) {
		t.Errorf("args %v, want %v", r.Reasons[0].Args, want)
	}
}

func TestDecideOutOfRange(t *testing.T) {
	_, err := Decide(Default, Facts{Currency: "EUR", Limit: lim(money.MaxMinor), Risk: 1<<63 - 10, Order: 100, Today: today})
	if !errors.Is(err, ledger.ErrInvalid) {
		t.Fatalf("err %v", err)
	}
}

func TestPolicyValidate(t *testing.T) {
	if err := Default.Validate("company"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		p     Policy
		field string
	}{
		{Policy{UnpaidAction: "stop", OverdueAction: None, LimitAction: None}, "company.unpaid_action"},
		{Policy{UnpaidAction: None, OverdueAction: None, LimitAction: ""}, "company.limit_action"},
		{Policy{UnpaidAction: None, OverdueAction: None, LimitAction: None, OverdueDays: -1}, "company.overdue_days"},
		{Policy{UnpaidAction: None, OverdueAction: None, LimitAction: None, MaterialityBP: MaxBP + 1}, "company.materiality_bp"},
		{Policy{UnpaidAction: None, OverdueAction: None, LimitAction: None, ToleranceMinor: -1}, "company.tolerance_minor"},
	}
	for _, c := range cases {
		var re *ledger.RuleError
		if err := c.p.Validate("company"); !errors.As(err, &re) || re.Field != c.field {
			t.Errorf("%+v: err %v, want field %s", c.p, err, c.field)
		}
	}
	ps := Policies{Company: Default, Segments: map[string]Policy{"retail": {UnpaidAction: Block, OverdueAction: None, LimitAction: "x"}}}
	var re *ledger.RuleError
	if err := ps.Validate(); !errors.As(err, &re) || re.Field != "segments.retail.limit_action" {
		t.Errorf("segments: %v", err)
	}
	if ps.For("retail").UnpaidAction != Block || ps.For("wholesale") != Default || ps.For("") != Default {
		t.Error("For picks the wrong policy")
	}
}
