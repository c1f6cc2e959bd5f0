package ledger

import "cobro/internal/civil"

// This file is the one definition of a document's status precedence, days
// overdue, aging bucket and of "over the credit limit". Package store
// renders the SQL its lists and reports need from these tables
// (store/rules.go), and a property test on both databases shows the SQL
// and StateAsOf agree.

// Condition is one test of the status precedence, on a document and a day.
type Condition int

// The conditions of the status precedence.
const (
	// IsClosed: nothing is open (Open() == 0).
	IsClosed Condition = iota
	// IsDisputed: the document is in dispute.
	IsDisputed
	// IsReturned: a returned (unpaid) item, whatever its due date.
	IsReturned
	// IsInvoicePastDue: an invoice whose due date is before the day.
	IsInvoicePastDue
	// Always holds.
	Always
)

// Holds reports whether c holds for d on day today.
func (c Condition) Holds(d Document, today civil.Date) bool {
	switch c {
	case IsClosed:
		return d.Open() == 0
	case IsDisputed:
		return d.Disputed
	case IsReturned:
		return d.Kind == Returned
	case IsInvoicePastDue:
		return d.Kind == Invoice && d.DueDate.Before(today)
	case Always:
		return true
	}
	panic("ledger: unknown condition")
}

// StatusRule is one line of the precedence: the status of a document for
// which When holds and no earlier line's condition does.
type StatusRule struct {
	Status Status
	When   Condition
}

// StatusPrecedence is the order in which a document's status is decided:
// collected, disputed, unpaid, overdue, pending.
var StatusPrecedence = []StatusRule{
	{Collected, IsClosed},
	{Disputed, IsDisputed},
	{Unpaid, IsReturned},
	{Overdue, IsInvoicePastDue},
	{Pending, Always},
}

// statusOf walks the precedence.
func statusOf(d Document, today civil.Date) Status {
	for _, r := range StatusPrecedence {
		if r.When.Holds(d, today) {
			return r.Status
		}
	}
	panic("ledger: the status precedence ends without Always")
}

// PastDue reports whether a document of status s counts in the overdue
// figure (overdue invoices and unpaid returned items; a disputed document
// counts in the disputed figure instead).
func (s Status) PastDue() bool { return s == Overdue || s == Unpaid }

// Statuses lists the statuses in precedence order.
func Statuses() []Status {
	out := make([]Status, len(StatusPrecedence))
	for i, r := range StatusPrecedence {
		out[i] = r.Status
	}
	return out
}

// DaysOverdue is how many days past its due date an open owed document is
// on day today: 0 until the day after its due date, and 0 for a closed
// document or a credit note.
func (d Document) DaysOverdue(today civil.Date) int {
	if d.Open() > 0 && d.Kind.Owed() && d.DueDate.Before(today) {
		return today.DaysSince(d.DueDate)
	}
	return 0
}

// Bucket is an aging bucket by days past the due date.
type Bucket string

// The aging buckets, in order.
const (
	BucketCurrent Bucket = "current"
	Bucket1to30   Bucket = "1-30"
	Bucket31to60  Bucket = "31-60"
	Bucket61to90  Bucket = "61-90"
	Bucket91to180 Bucket = "91-180"
	BucketOver180 Bucket = "180+"
)

// BucketBound is one aging bucket and the most days past due it holds; the
// last bucket has MaxDays -1 (no bound).
type BucketBound struct {
	Bucket  Bucket
	MaxDays int
}

// Aging is the aging table, youngest first: a document due today or later
// is current; due yesterday, 1 day past due.
var Aging = []BucketBound{
	{BucketCurrent, 0},
	{Bucket1to30, 30},
	{Bucket31to60, 60},
	{Bucket61to90, 90},
	{Bucket91to180, 180},
	{BucketOver180, -1},
}

// Buckets lists the aging buckets in order.
var Buckets = func() []Bucket {
	out := make([]Bucket, len(Aging))
	for i, b := range Aging {
		out[i] = b.Bucket
	}
	return out
}()

// ValidBucket reports whether b is one of the aging buckets.
func ValidBucket(b Bucket) bool {
	for _, x := range Aging {
		if x.Bucket == b {
			return true
		}
	}
	return false
}

// BucketOfDays is the aging bucket of a number of days past due (0 or
// less is current).
func BucketOfDays(days int) Bucket {
	for _, b := range Aging {
		if b.MaxDays < 0 || days <= b.MaxDays {
			return b.Bucket
		}
	}
	panic("ledger: the aging table ends with a bounded bucket")
}

// ReturnedMinDays is the fewest days past due a returned item ages by: it
// is unpaid, and in the overdue figure, from the day it comes back, so it
// is never current. This keeps the overdue figure equal to the past-due
// buckets less what is disputed in them.
const ReturnedMinDays = 1

// AgingDays is the days past due the document is aged by on day today:
// days since its due date (0 until the day after), at least
// ReturnedMinDays for a returned item.
func (d Document) AgingDays(today civil.Date) int {
	days := 0
	if d.DueDate.Before(today) {
		days = today.DaysSince(d.DueDate)
	}
	if d.Kind == Returned && days < ReturnedMinDays {
		days = ReturnedMinDays
	}
	return days
}

// BucketAsOf is the document's aging bucket on day today (any kind; the
// lists and reports age owed documents).
func (d Document) BucketAsOf(today civil.Date) Bucket { return BucketOfDays(d.AgingDays(today)) }

// OverLimit reports whether risk exceeds the credit limit; a customer
// without a limit (nil) is never over it.
func OverLimit(risk int64, limit *int64) bool {
	return limit != nil && risk > *limit
}

// OverLimit reports whether the figures' risk exceeds limit.
func (f Figures) OverLimit(limit *int64) bool { return OverLimit(f.Risk(), limit) }
