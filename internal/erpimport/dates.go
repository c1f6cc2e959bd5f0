package erpimport

import (
	"strconv"
	"strings"
	"time"

	"cobro/internal/civil"
)

// dateColumns hold dates: their slashed values tell a file's day-month
// order when it must be detected.
var dateColumns = map[string]bool{"issue_date": true, "due_date": true, "paid_on": true, "posted_on": true, "paid_date": true}

// dateLayouts are DateFormats as Go layouts; one-digit days and months
// are accepted in all but YYYY-MM-DD.
var dateLayouts = map[string]string{
	"YYYY-MM-DD": time.DateOnly,
	"DD/MM/YYYY": "2/1/2006",
	"MM/DD/YYYY": "1/2/2006",
	"DD.MM.YYYY": "2.1.2006",
	"YYYY/MM/DD": "2006/1/2",
}

// dateEvidence is what a value says about a file's day-month order:
// "DD/MM/YYYY" when its first part is over 12 (13/01/2026), "MM/DD/YYYY"
// when its second is (01/13/2026), "?" when it reads either way
// (05/06/2026), "" when it says nothing (ISO, YYYY/MM/DD, not a date).
func dateEvidence(v string) string {
	a, b, ok := slashParts(v)
	switch {
	case !ok:
		return ""
	case a > 12 && b <= 12:
		return "DD/MM/YYYY"
	case b > 12 && a <= 12:
		return "MM/DD/YYYY"
	case a <= 12 && b <= 12:
		return "?"
	}
	return ""
}

// slashParts are the first two numbers of a slashed date a/b/yyyy.
func slashParts(v string) (a, b int, ok bool) {
	parts := strings.Split(v, "/")
	if len(parts) != 3 || len(parts[0]) > 2 || len(parts[1]) > 2 || len(parts[2]) != 4 {
		return 0, 0, false
	}
	a, err1 := strconv.Atoi(parts[0])
	b, err2 := strconv.Atoi(parts[1])
	return a, b, err1 == nil && err2 == nil && a > 0 && b > 0
}

// parseDate reads v in format (one of DateFormats), or, when format is
// "", in the format its separators say: '-' YYYY-MM-DD, '.' DD.MM.YYYY,
// '/' YYYY/MM/DD with a four-digit year first and otherwise the file's
// day-month order (order). With no order known (JSON, where nothing is
// detected), a slashed value is read only when it reads one way. code is
// the error: bad_date, ambiguous_date, or date_order for a value that is
// a date only in the other order than the file's.
func parseDate(v, format, order string) (d civil.Date, code string, args []string) {
	if format == "" {
		switch {
		case strings.Contains(v, "/"):
			if parts := strings.Split(v, "/"); len(parts[0]) == 4 {
				format = "YYYY/MM/DD"
				break
			}
			ev := dateEvidence(v)
			switch {
			case order == "" && ev == "?":
				return civil.Date{}, "ambiguous_date", nil
			case order == "" && ev != "":
				format = ev
			case order == "":
				format = "DD/MM/YYYY"
			default:
				format = order
				if ev != "" && ev != "?" && ev != order {
					return civil.Date{}, "date_order", []string{order}
				}
			}
		case strings.Contains(v, "."):
			format = "DD.MM.YYYY"
		default:
			format = "YYYY-MM-DD"
		}
	}
	t, err := time.Parse(dateLayouts[format], v)
	if err != nil {
		return civil.Date{}, "bad_date", []string{format}
	}
	d = civil.Of(t)
	if d.Year < 1900 || d.Year > 2999 {
		return civil.Date{}, "bad_date", []string{format}
	}
	return d, "", nil
}
