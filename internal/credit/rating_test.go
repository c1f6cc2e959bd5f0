package credit

import (
	"testing"
	"time"

	"cobro/internal/civil"
	"cobro/internal/ledger"
)

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func paidDoc(amount int64, due, paidOn string) ledger.Document {
	return ledger.Document{Kind: ledger.Invoice, Amount: amount, DueDate: day(due), PaidOn: day(paidOn), Currency: "EUR"}
}

func openDoc(kind ledger.Kind, amount int64, due string, disputed bool) ledger.Document {
	return ledger.Document{Kind: kind, Amount: amount, ERPOpen: amount, DueDate: day(due), Disputed: disputed, Currency: "EUR"}
}

func TestRate(t *testing.T) {
	today := day("2026-06-30")
	tests := []struct {
		name    string
		docs    []ledger.Document
		grade   Grade
		points  int
		factors []Factor
	}{
		{"no documents", nil, GradeB, 10, []Factor{
			{FactorNoHistory, 0, 10}, {FactorReturned, 0, 0}, {FactorOverdue, 0, 0}, {FactorDisputes, 0, 0}}},
		{"always on time", []ledger.Document{paidDoc(1000, "2026-06-01", "2026-05-20"), paidDoc(500, "2026-01-10", "2026-01-10")},
			GradeA, 0, []Factor{{FactorAvgLate, 0, 0}, {FactorWeightedLate, 0, 0}, {FactorLateShare, 0, 0},
				{FactorTrend, 0, 0}, {FactorReturned, 0, 0}, {FactorOverdue, 0, 0}, {FactorDisputes, 0, 0}}},
		{"late, improving", []ledger.Document{
			paidDoc(1000, "2026-05-01", "2026-05-11"), // 10 days late, recent
			paidDoc(3000, "2026-05-10", "2026-05-10"), // on time, recent
			paidDoc(1000, "2026-02-01", "2026-02-21"), // 20
			paidDoc(5000, "2025-12-01", "2025-12-31"), // 30
			paidDoc(9000, "2025-04-01", "2025-06-01"), // paid before the window: ignored
		}, GradeB, 21, []Factor{
			{FactorAvgLate, 150, 5},      // 60 days / 4 = 15.0
			{FactorWeightedLate, 180, 6}, // (1000×10 + 1000×20 + 5000×30) / 10000 = 18.0
			{FactorLateShare, 7500, 15},  // 3 of 4
			{FactorTrend, -100, -5},      // recent 5.0 against 15.0
			{FactorReturned, 0, 0}, {FactorOverdue, 0, 0}, {FactorDisputes, 0, 0}}},
		{"returned, overdue and disputed, no history", []ledger.Document{
			openDoc(ledger.Returned, 2000, "2026-06-20", false),
			openDoc(ledger.Invoice, 1000, "2026-05-15", false), // 46 days overdue
			openDoc(ledger.Invoice, 1000, "2026-01-15", true),  // disputed: not overdue here
			openDoc(ledger.Invoice, 1000, "2026-07-15", false), // not due
		}, GradeC, 40, []Factor{
			{FactorNoHistory, 0, 10}, {FactorReturned, 1, 15}, {FactorOverdue, 46, 10}, {FactorDisputes, 1, 5}}},
		{"very late, worsening, unpaid", []ledger.Document{
			paidDoc(1000, "2026-04-01", "2026-06-10"), // 70, recent
			paidDoc(1000, "2025-09-01", "2025-09-21"), // 20
			openDoc(ledger.Returned, 500, "2026-06-01", false),
			openDoc(ledger.Returned, 500, "2026-06-02", false),
			openDoc(ledger.Returned, 500, "2026-06-03", false),
			openDoc(ledger.Invoice, 1000, "2026-03-01", false), // 121 days overdue
		}, GradeE, 120, []Factor{
			{FactorAvgLate, 450, 15}, {FactorWeightedLate, 450, 15}, {FactorLateShare, 10000, 20},
			{FactorTrend, 250, 10}, {FactorReturned, 3, 30}, {FactorOverdue, 121, 30}, {FactorDisputes, 0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Rate(tt.docs, today)
			if r.Grade != tt.grade || r.Points != tt.points {
				t.Errorf("grade %s, %d points; want %s, %d", r.Grade, r.Points, tt.grade, tt.points)
			}
			if len(r.Factors) != len(tt.factors) {
				t.Fatalf("factors %+v\nwant    %+v", r.Factors, tt.factors)
			}
			for i := range r.Factors {
				if r.Factors[i] != tt.factors[i] {
					t.Errorf("factor %d: %+v, want %+v", i, r.Factors[i], tt.factors[i])
				}
			}
		})
	}
}

func TestGradeOf(t *testing.T) {
	for _, c := range []struct {
		points int
		want   Grade
	}{{0, GradeA}, {9, GradeA}, {10, GradeB}, {24, GradeB}, {25, GradeC}, {44, GradeC}, {45, GradeD}, {69, GradeD}, {70, GradeE}, {500, GradeE}} {
		if g := GradeOf(c.points); g != c.want {
			t.Errorf("GradeOf(%d) = %s, want %s", c.points, g, c.want)
		}
	}
}

// TestAverageDaysLateByHand checks the average days late against one
// computed by hand with the time package from the same invoices' due and
// paid dates.
func TestAverageDaysLateByHand(t *testing.T) {
	today := day("2026-12-01")
	type inv struct{ due, paid string }
	invs := []inv{{"2026-01-31", "2026-03-02"}, {"2026-02-28", "2026-02-27"}, {"2026-03-29", "2026-04-05"},
		{"2026-10-31", "2026-11-30"}, {"2026-06-15", "2026-06-15"}, {"2026-08-01", "2026-09-30"},
		{"2026-03-28", "2026-03-30"}, {"2025-12-31", "2026-01-01"}}
	var docs []ledger.Document
	var sum float64
	for i, v := range invs {
		docs = append(docs, paidDoc(int64(100*(i+1)), v.due, v.paid))
		due, _ := time.Parse(time.DateOnly, v.due)
		pd, _ := time.Parse(time.DateOnly, v.paid)
		if late := pd.Sub(due).Hours() / 24; late > 0 {
			sum += late
		}
	}
	want := sum / float64(len(invs)) // 30+0+7+30+0+60+2+1 = 130 / 8 = 16.25
	r := Rate(docs, today)
	if got := float64(r.DaysLate) / float64(r.Paid); got != want || want != 16.25 {
		t.Fatalf("average days late %v, by hand %v", got, want)
	}
	if r.Factors[0].Code != FactorAvgLate || r.Factors[0].Value != 163 { // 16.25 rounded half up to tenths
		t.Fatalf("factor %+v", r.Factors[0])
	}
}

// TestDecideRating: a policy's rating rule applies to customers rated D or
// E only.
func TestDecideRating(t *testing.T) {
	p := Default
	p.RatingAction = Block
	for _, c := range []struct {
		grade Grade
		want  Decision
	}{{"", Allow}, {GradeA, Allow}, {GradeC, Allow}, {GradeD, Blocked}, {GradeE, Blocked}} {
		r, err := Decide(p, Facts{Currency: "EUR", Order: 100, Grade: c.grade, Today: day("2026-06-30")})
		if err != nil || r.Decision != c.want {
			t.Errorf("grade %q: %s %v, want %s", c.grade, r.Decision, err, c.want)
		}
		if c.want == Blocked && (len(r.Reasons) != 1 || r.Reasons[0].Code != ReasonRating || r.Reasons[0].Args[1] != string(c.grade)) {
			t.Errorf("grade %q: reasons %+v", c.grade, r.Reasons)
		}
	}
	if r, _ := Decide(Default, Facts{Currency: "EUR", Order: 100, Grade: GradeE}); r.Decision != Allow {
		t.Errorf("the default policy ignores the rating: %s", r.Decision)
	}
}
