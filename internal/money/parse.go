package money

import (
	"fmt"
	"math"
	"strings"
)

// DecimalMark says which character separates the decimals in a text amount.
type DecimalMark byte

const (
	// MarkUnknown means "not decided": Parse accepts only amounts that read
	// the same either way (no separator, or both separators present).
	MarkUnknown DecimalMark = 0
	MarkPoint   DecimalMark = '.'
	MarkComma   DecimalMark = ','
)

// Evidence is what a single text amount says about the decimal mark of the
// file it came from.
type Evidence int

const (
	NoEvidence     Evidence = iota // "1234", "-7": reads the same either way
	PointEvidence                  // "1234.5", "1,234.56", "1,234,567"
	CommaEvidence                  // "12,50", "1.234,56", "1.234.567"
	AmbiguousValue                 // "1,234" or "1.234": thousands or 3 decimals
)

// Sniff tells what the text amount s says about the decimal mark.
func Sniff(s string) Evidence {
	s = strings.TrimSpace(s)
	p, c := strings.Count(s, "."), strings.Count(s, ",")
	switch {
	case p == 0 && c == 0:
		return NoEvidence
	case p > 0 && c > 0:
		if strings.LastIndexByte(s, '.') > strings.LastIndexByte(s, ',') {
			return PointEvidence
		}
		return CommaEvidence
	case p > 1:
		return CommaEvidence // points are thousands separators
	case c > 1:
		return PointEvidence
	}
	sep := byte('.')
	if c == 1 {
		sep = ','
	}
	after := len(s) - strings.LastIndexByte(s, sep) - 1
	if after == 3 {
		return AmbiguousValue
	}
	if sep == '.' {
		return PointEvidence
	}
	return CommaEvidence
}

// Parse reads a decimal text amount exactly into minor units of c. mark is
// the decimal separator; the other one is accepted as a thousands separator
// in its proper places. A leading '-' or '+' and surrounding spaces are
// allowed; more decimals than the currency has is ErrTooManyDecimals (trailing
// zeros included: "1.500" is not read as EUR 1.50, since a file that writes
// three decimals for euros is probably using a point as thousands separator).
func Parse(s string, c Currency, mark DecimalMark) (Amount, error) {
	if !c.Valid() {
		return Amount{}, fmt.Errorf("%w: %q", ErrUnknownCurrency, string(c))
	}
	orig := s
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = strings.TrimSpace(s[1:])
	}
	if s == "" {
		return Amount{}, fmt.Errorf("%w: %q", ErrSyntax, orig)
	}
	if mark == MarkUnknown {
		switch Sniff(s) {
		case NoEvidence:
			mark = MarkPoint
		case PointEvidence:
			if strings.Contains(s, ",") {
				mark = MarkPoint
			}
		case CommaEvidence:
			if strings.Contains(s, ".") {
				mark = MarkComma
			}
		}
		if mark == MarkUnknown {
			return Amount{}, fmt.Errorf("%w: %q could use either decimal mark", ErrSyntax, orig)
		}
	}
	thousands := byte(',')
	if mark == MarkComma {
		thousands = '.'
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, byte(mark)); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
		if frac == "" || strings.IndexByte(frac, byte(mark)) >= 0 || strings.IndexByte(frac, thousands) >= 0 {
			return Amount{}, fmt.Errorf("%w: %q", ErrSyntax, orig)
		}
	}
	if intPart == "" {
		intPart = "0"
	}
	// Thousands separators must group by three: "1,234,567", never "12,34".
	if strings.IndexByte(intPart, thousands) >= 0 {
		groups := strings.Split(intPart, string(thousands))
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return Amount{}, fmt.Errorf("%w: %q", ErrSyntax, orig)
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return Amount{}, fmt.Errorf("%w: %q", ErrSyntax, orig)
			}
		}
		intPart = strings.Join(groups, "")
	}
	d := c.Digits()
	if len(frac) > d {
		return Amount{}, fmt.Errorf("%w: %q has %d, %s has %d", ErrTooManyDecimals, orig, len(frac), c, d)
	}
	frac += strings.Repeat("0", d-len(frac))
	// A negative amount may reach one more than the largest positive one.
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var n uint64
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return Amount{}, fmt.Errorf("%w: %q", ErrSyntax, orig)
		}
		if n > (limit-uint64(r-'0'))/10 {
			return Amount{}, fmt.Errorf("%w: %q", ErrOverflow, orig)
		}
		n = n*10 + uint64(r-'0')
	}
	v := int64(n) // 1<<63 becomes MinInt64, negated below to itself
	if neg {
		v = -v
	}
	return Amount{Minor: v, Currency: c}, nil
}

// Split divides a into len(weights) parts proportional to the weights by
// the largest-remainder method: the parts always add up to a exactly, and
// the leftover minor units go to the parts with the largest remainders
// (earlier parts first on ties). Weights must be non-negative with a
// positive sum.
func Split(a Amount, weights []int64) ([]Amount, error) {
	var total int64
	for _, w := range weights {
		if w < 0 {
			return nil, fmt.Errorf("money: negative weight %d", w)
		}
		var ok bool
		if total, ok = AddMinor(total, w); !ok {
			return nil, ErrOverflow
		}
	}
	if total == 0 {
		return nil, fmt.Errorf("money: weights sum to zero")
	}
	parts := make([]Amount, len(weights))
	rems := make([]uint64, len(weights))
	neg := a.Minor < 0
	abs := uint64(a.Minor)
	if neg {
		abs = uint64(-(a.Minor + 1)) + 1
	}
	var given uint64
	for i, w := range weights {
		q, r := mulDiv(abs, uint64(w), uint64(total))
		parts[i] = Amount{Minor: int64(q), Currency: a.Currency}
		rems[i] = r
		given += q
	}
	for left := abs - given; left > 0; left-- {
		best := 0
		for i := range rems {
			if rems[i] > rems[best] {
				best = i
			}
		}
		parts[best].Minor++
		rems[best] = 0
	}
	if neg {
		for i := range parts {
			parts[i].Minor = -parts[i].Minor
		}
	}
	return parts, nil
}

// mulDiv returns (a*b)/c and (a*b)%c without overflowing 64 bits.
func mulDiv(a, b, c uint64) (q, r uint64) {
	hi, lo := mul64(a, b)
	q, r = div128(hi, lo, c)
	return q, r
}
