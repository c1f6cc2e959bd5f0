// Package civil is a calendar date with no time and no zone: due dates,
// issue dates and "today in the company's time zone". It is stored and sent
// as "YYYY-MM-DD", which sorts as text on every database.
package civil

import (
	"errors"
	"fmt"
	"time"
)

// Date is a day of the Gregorian calendar. The zero value is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ErrDate is wrapped by every parse error.
var ErrDate = errors.New("not a valid date")

// Of returns the calendar date of t in t's location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today returns today's date in loc.
func Today(now time.Time, loc *time.Location) Date { return Of(now.In(loc)) }

// Parse reads "YYYY-MM-DD".
func Parse(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w: %q (expected YYYY-MM-DD)", ErrDate, s)
	}
	return Of(t), nil
}

// ParseDMY reads "DD/MM/YYYY" (one-digit day and month allowed).
func ParseDMY(s string) (Date, error) {
	t, err := time.Parse("2/1/2006", s)
	if err != nil {
		return Date{}, fmt.Errorf("%w: %q (expected DD/MM/YYYY)", ErrDate, s)
	}
	return Of(t), nil
}

// IsZero reports whether d is the zero "no date".
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) t() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String is "YYYY-MM-DD", or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t().Format(time.DateOnly)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t().Before(e.t()) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t().After(e.t()) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Of(d.t().AddDate(0, 0, n)) }

// DaysSince returns the number of days from e to d (d - e).
func (d Date) DaysSince(e Date) int { return int((d.t().Unix() - e.t().Unix()) / 86400) }

// MarshalText writes "YYYY-MM-DD" (JSON string), empty for the zero date.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "YYYY-MM-DD"; the empty string is the zero date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MustParse is Parse for dates written in code; it panics on a bad one.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}
