package credit

import (
	"math/big"

	"cobro/internal/civil"
	"cobro/internal/ledger"
)

// Grade is a customer's rating, A (best) to E (worst).
type Grade string

// The grades, best first.
const (
	GradeA Grade = "A"
	GradeB Grade = "B"
	GradeC Grade = "C"
	GradeD Grade = "D"
	GradeE Grade = "E"
)

// Grades are the grades, best first.
var Grades = []Grade{GradeA, GradeB, GradeC, GradeD, GradeE}

// Valid reports whether g is a known grade.
func (g Grade) Valid() bool {
	for _, x := range Grades {
		if g == x {
			return true
		}
	}
	return false
}

// GradeOf is the grade of a number of penalty points: under 10 A, under
// 25 B, under 45 C, under 70 D, else E.
func GradeOf(points int) Grade {
	switch {
	case points < 10:
		return GradeA
	case points < 25:
		return GradeB
	case points < 45:
		return GradeC
	case points < 70:
		return GradeD
	}
	return GradeE
}

// The factors' codes. Each factor's Value has its own unit:
const (
	FactorAvgLate      = "avg_days_late"      // tenths of a day
	FactorWeightedLate = "weighted_days_late" // tenths of a day, weighted by amount
	FactorLateShare    = "paid_late_share"    // basis points of the documents paid
	FactorReturned     = "returned_items"     // open returned (unpaid) items
	FactorOverdue      = "open_overdue"       // days the oldest open overdue invoice is late
	FactorDisputes     = "open_disputes"      // open disputed documents
	FactorTrend        = "trend"              // tenths of a day: 3-month average less 12-month average
	FactorNoHistory    = "no_history"         // no document paid in the last 12 months
)

// RatingWindow and TrendWindow are the days of payment history a rating
// reads, and the recent part of it the trend compares.
const (
	RatingWindow = 365
	TrendWindow  = 91
)

// Factor is one reason of a rating: a code, its value (in the unit of the
// code) and the penalty points it adds (negative: it improves the rating).
type Factor struct {
	Code   string `json:"code"`
	Value  int64  `json:"value"`
	Points int    `json:"points"`
}

// Rating is a customer's rating as of a day, with the factors that made
// it, and the figures of its payment history (the average days late is
// DaysLate / Paid).
type Rating struct {
	Grade   Grade      `json:"grade"`
	Points  int        `json:"points"`
	Factors []Factor   `json:"factors"`
	AsOf    civil.Date `json:"as_of"`
	// Paid documents (invoices settled in the last RatingWindow days),
	// how many of them were paid late, and their days late summed.
	Paid     int   `json:"paid"`
	PaidLate int   `json:"paid_late"`
	DaysLate int64 `json:"days_late"`
}

// Paid reports whether d is an invoice the customer paid: nothing open,
// a paid date, not closed by cobro for another reason.
func paid(d ledger.Document) bool {
	return d.Kind == ledger.Invoice && d.Open() == 0 && !d.PaidOn.IsZero() && d.ClosedReason == ""
}

// DaysLate is how many days after its due date d was paid (0 when on
// time or not paid).
func DaysLate(d ledger.Document) int {
	if !paid(d) || !d.PaidOn.After(d.DueDate) {
		return 0
	}
	return d.PaidOn.DaysSince(d.DueDate)
}

// history is the paid documents' figures of one window.
type history struct {
	n, late  int
	days     int64
	weighted big.Int // sum of amount × days late
	amount   big.Int // sum of amounts
}

func (h *history) add(d ledger.Document) {
	late := DaysLate(d)
	h.n++
	if late > 0 {
		h.late++
	}
	h.days += int64(late)
	var x big.Int
	x.SetInt64(d.Amount)
	h.amount.Add(&h.amount, &x)
	x.Mul(&x, big.NewInt(int64(late)))
	h.weighted.Add(&h.weighted, &x)
}

// ratio10 is 10 × num / den rounded half up (den > 0, num >= 0).
func ratio10(num, den *big.Int) int64 {
	var q big.Int
	q.Mul(num, big.NewInt(20))
	q.Add(&q, den)
	q.Quo(&q, new(big.Int).Mul(den, big.NewInt(2)))
	return q.Int64()
}

func (h *history) avg10() int64 {
	return ratio10(big.NewInt(h.days), big.NewInt(int64(h.n)))
}

func (h *history) weighted10() int64 {
	if h.amount.Sign() == 0 {
		return h.avg10()
	}
	return ratio10(&h.weighted, &h.amount)
}

// Rate rates a customer on day today from its documents: those paid in
// the last RatingWindow days and those open (others are ignored).
//
// Points: one per 3 days of average lateness and one per 3 days of
// amount-weighted lateness (each at most 20), one per 5% of documents paid
// late (at most 20), 15 per open returned item (at most 30), for the
// oldest open overdue invoice 5 (1–30 days), 10 (31–60), 20 (61–90) or 30
// (over 90), 5 per open dispute (at most 10), 10 for no payment history;
// the trend adds 10 when the last TrendWindow days are 5 days or more
// later on average than the year, and takes 5 off when they are 5 days or
// more earlier. The total, never below 0, gives the grade (GradeOf).
func Rate(docs []ledger.Document, today civil.Date) Rating {
	from, recent := today.AddDays(-RatingWindow), today.AddDays(-TrendWindow)
	var year, last history
	var returned, disputes int64
	oldest := 0
	for _, d := range docs {
		switch {
		case paid(d):
			if !d.PaidOn.After(from) || d.PaidOn.After(today) {
				continue
			}
			year.add(d)
			if d.PaidOn.After(recent) {
				last.add(d)
			}
		case d.Open() > 0:
			if d.Disputed {
				disputes++
				continue
			}
			if d.Kind == ledger.Returned {
				returned++
			} else if d.Kind == ledger.Invoice {
				oldest = max(oldest, d.DaysOverdue(today))
			}
		}
	}
	r := Rating{AsOf: today, Paid: year.n, PaidLate: year.late, DaysLate: year.days}
	add := func(code string, value int64, points int) {
		r.Factors = append(r.Factors, Factor{Code: code, Value: value, Points: points})
		r.Points += points
	}
	if year.n == 0 {
		add(FactorNoHistory, 0, 10)
	} else {
		avg, w := year.avg10(), year.weighted10()
		add(FactorAvgLate, avg, int(min(avg, 600)/30))
		add(FactorWeightedLate, w, int(min(w, 600)/30))
		share := int64(year.late) * 10000 / int64(year.n)
		add(FactorLateShare, share, int(share/500))
		if last.n > 0 {
			diff := last.avg10() - avg
			points := 0
			if diff >= 50 {
				points = 10
			} else if diff <= -50 {
				points = -5
			}
			add(FactorTrend, diff, points)
		}
	}
	add(FactorReturned, returned, int(min(returned*15, 30)))
	overdue := 0
	switch {
	case oldest > 90:
		overdue = 30
	case oldest > 60:
		overdue = 20
	case oldest > 30:
		overdue = 10
	case oldest > 0:
		overdue = 5
	}
	add(FactorOverdue, int64(oldest), overdue)
	add(FactorDisputes, disputes, int(min(disputes*5, 10)))
	r.Points = max(r.Points, 0)
	r.Grade = GradeOf(r.Points)
	return r
}
