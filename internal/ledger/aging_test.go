package ledger

import (
	"testing"

	"cobro/internal/civil"
)

func TestAgingEdges(t *testing.T) {
	today, _ := civil.Parse("2026-06-30")
	for _, c := range []struct {
		kind Kind
		due  int // days before today
		want Bucket
		days int
	}{
		{Invoice, -5, BucketCurrent, 0}, {Invoice, 0, BucketCurrent, 0}, {Invoice, 1, Bucket1to30, 1},
		{Invoice, 30, Bucket1to30, 30}, {Invoice, 31, Bucket31to60, 31}, {Invoice, 60, Bucket31to60, 60},
		{Invoice, 61, Bucket61to90, 61}, {Invoice, 90, Bucket61to90, 90}, {Invoice, 91, Bucket91to180, 91},
		{Invoice, 180, Bucket91to180, 180}, {Invoice, 181, BucketOver180, 181},
		// A returned item is unpaid from the day it comes back: never current.
		{Returned, 0, Bucket1to30, 1}, {Returned, -3, Bucket1to30, 1}, {Returned, 45, Bucket31to60, 45},
	} {
		d := Document{Kind: c.kind, DueDate: today.AddDays(-c.due), Amount: 10, ERPOpen: 10}
		if got := d.BucketAsOf(today); got != c.want || d.AgingDays(today) != c.days {
			t.Errorf("%s due %d days ago: bucket %s (%d days), want %s (%d)", c.kind, c.due, got, d.AgingDays(today), c.want, c.days)
		}
	}
}

func TestStatusPrecedenceEndsWithAlways(t *testing.T) {
	last := StatusPrecedence[len(StatusPrecedence)-1]
	if last.When != Always || Aging[len(Aging)-1].MaxDays >= 0 {
		t.Fatal("the precedence must end with Always and the aging table with an unbounded bucket")
	}
	for _, s := range Statuses() {
		if s.PastDue() != (s == Overdue || s == Unpaid) {
			t.Errorf("%s past due %v", s, s.PastDue())
		}
	}
}

func TestOverLimit(t *testing.T) {
	l := int64(100)
	for _, c := range []struct {
		risk  int64
		limit *int64
		want  bool
	}{{100, &l, false}, {101, &l, true}, {1 << 40, nil, false}, {-5, &l, false}} {
		if got := OverLimit(c.risk, c.limit); got != c.want {
			t.Errorf("risk %d limit %v: %v", c.risk, c.limit, got)
		}
	}
}
