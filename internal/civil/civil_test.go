package civil

import (
	"errors"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in, dmy string
		want    Date
	}{
		{"2026-11-30", "30/11/2026", Date{2026, 11, 30}},
		{"2024-02-29", "29/2/2024", Date{2024, 2, 29}},
		{"0001-01-01", "1/1/0001", Date{1, 1, 1}},
	} {
		if got, err := Parse(c.in); err != nil || got != c.want || got.String() != c.in {
			t.Errorf("Parse(%q) = %v, %v", c.in, got, err)
		}
		if got, err := ParseDMY(c.dmy); err != nil || got != c.want {
			t.Errorf("ParseDMY(%q) = %v, %v", c.dmy, got, err)
		}
	}
	for _, bad := range []string{"", "2025-02-29", "2026-13-01", "30/11/2026", "2026-1-5", " 2026-11-30"} {
		if _, err := Parse(bad); !errors.Is(err, ErrDate) {
			t.Errorf("Parse(%q): %v, want ErrDate", bad, err)
		}
	}
	for _, bad := range []string{"31/02/2026", "2026-11-30", "11/30/2026", "1/1/26"} {
		if _, err := ParseDMY(bad); !errors.Is(err, ErrDate) {
			t.Errorf("ParseDMY(%q): %v, want ErrDate", bad, err)
		}
	}
}

func TestToday(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	// 23:30 UTC on 30 November is already 1 December in Madrid.
	now := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	if got := Today(now, madrid); got != (Date{2026, 12, 1}) {
		t.Errorf("today in Madrid: %v", got)
	}
	if got := Today(now, time.UTC); got != (Date{2026, 11, 30}) {
		t.Errorf("today in UTC: %v", got)
	}
}

// Days added and days between agree, across months, leap years and the
// whole range of four-digit years (a time.Duration would overflow past
// 292 years).
func TestDaysProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := Of(time.Date(rapid.IntRange(1, 9999).Draw(t, "year"), time.January, 1, 0, 0, 0, 0, time.UTC).
			AddDate(0, 0, rapid.IntRange(0, 365).Draw(t, "day")))
		n := rapid.IntRange(-3_000_000, 3_000_000).Draw(t, "n")
		e := d.AddDays(n)
		if got := e.DaysSince(d); got != n {
			t.Fatalf("%v + %d days = %v, but DaysSince says %d", d, n, e, got)
		}
		if (n > 0) != e.After(d) || (n < 0) != e.Before(d) {
			t.Fatalf("order of %v and %v", d, e)
		}
		if e.Year >= 1 && e.Year <= 9999 {
			if back, err := Parse(e.String()); err != nil || back != e {
				t.Fatalf("round trip of %v: %v %v", e, back, err)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add("2026-11-30")
	f.Add("29/02/2024")
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := Parse(s); err == nil && d.String() != s {
			t.Fatalf("Parse(%q) = %v, which prints as %q", s, d, d.String())
		}
		if d, err := ParseDMY(s); err == nil && (d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 31) {
			t.Fatalf("ParseDMY(%q) = %v", s, d)
		}
	})
}
