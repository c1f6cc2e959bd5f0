package ledger

import (
	"fmt"
	"strconv"
	"strings"
)

// Receipt numbers. Every collection has one, from a series: an agent's
// server series (collections recorded online) or a device's (numbers
// reserved in blocks, so a phone offline prints final numbers). A number
// is written SERIES-NNNNNN (six digits at least). Within a series no
// number is used twice and none disappears unexplained: each number the
// series has handed out is a receipt, a cancellation with its reason, or
// an unused number of a block still held by a live device.

// MaxReceiptBlock bounds the numbers one block reserves.
const MaxReceiptBlock = 1000

// OfficeAgent is the series owner of collections keyed in at the office
// for no agent.
const OfficeAgent = "OFFICE"

// ServerSeries is the series of agent's collections recorded online.
func ServerSeries(agent string) string {
	if agent == "" {
		agent = OfficeAgent
	}
	return agent + "-W"
}

// DeviceSeries is the series of agent's nth device.
func DeviceSeries(agent string, n int) string { return fmt.Sprintf("%s-D%d", agent, n) }

// ReceiptNumber writes number n of series.
func ReceiptNumber(series string, n int64) string { return fmt.Sprintf("%s-%06d", series, n) }

// ParseReceiptNumber reads SERIES-NNNNNN; the series is everything before
// the last hyphen.
func ParseReceiptNumber(s string) (series string, n int64, err error) {
	i := strings.LastIndexByte(s, '-')
	if i <= 0 || i == len(s)-1 {
		return "", 0, ruleErr(ErrInvalid, "bad_receipt_number", "receipt_number",
			"a receipt number is its series, a hyphen and the number (e.g. AG01-D2-000017), not %q", s).WithValue(s)
	}
	digits := s[i+1:]
	for _, r := range digits {
		if r < '0' || r > '9' {
			return "", 0, ruleErr(ErrInvalid, "bad_receipt_number", "receipt_number",
				"a receipt number ends in digits, not %q", s).WithValue(s)
		}
	}
	n, err = strconv.ParseInt(digits, 10, 64)
	if err != nil || n < 1 || len(digits) < 6 {
		return "", 0, ruleErr(ErrInvalid, "bad_receipt_number", "receipt_number",
			"a receipt number ends in at least six digits, from 000001 (got %q)", s).WithValue(s)
	}
	return s[:i], n, nil
}

// ReceiptBlock is a run of numbers of a device's series reserved for it.
type ReceiptBlock struct {
	First, Last int64
}

// SeriesState is what a series holds, for the check that no number
// disappears: Next is the next number it would hand out.
type SeriesState struct {
	Series    string
	Next      int64
	Device    bool // a device's series: numbers go out in blocks
	Live      bool // the device is not retired: its unused numbers are explained
	Blocks    []ReceiptBlock
	Used      map[int64]bool
	Cancelled map[int64]bool
}

// SeriesProblem is a number of a series that is not explained, or a
// number out of what the series handed out.
type SeriesProblem struct {
	Series string
	Number int64
	What   string // "missing", "outside", "used_and_cancelled"
}

// CheckSeries lists the unexplained numbers of a series (at most limit).
func CheckSeries(s SeriesState, limit int) []SeriesProblem {
	var out []SeriesProblem
	add := func(n int64, what string) bool {
		out = append(out, SeriesProblem{Series: s.Series, Number: n, What: what})
		return len(out) < limit
	}
	inBlock := func(n int64) bool {
		for _, b := range s.Blocks {
			if n >= b.First && n <= b.Last {
				return true
			}
		}
		return false
	}
	for n := range s.Used {
		if n < 1 || n >= s.Next || (s.Device && !inBlock(n)) {
			if !add(n, "outside") {
				return out
			}
		}
		if s.Cancelled[n] {
			if !add(n, "used_and_cancelled") {
				return out
			}
		}
	}
	for n := int64(1); n < s.Next; n++ {
		if s.Used[n] || s.Cancelled[n] || (s.Device && s.Live && inBlock(n)) {
			continue
		}
		if !add(n, "missing") {
			return out
		}
	}
	return out
}
