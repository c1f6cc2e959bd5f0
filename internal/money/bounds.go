package money

import (
	"errors"
	"fmt"
)

// MaxMinor is the largest magnitude of any one money value cobro accepts:
// a document's amount, a collection, an allocation, a credit limit. It is
// 10^13 minor units — 100,000,000,000.00 EUR, or 10 trillion JPY — far
// above any real invoice, and far enough below the int64 range (about
// 9.2 × 10^18) that sums of many such values cannot overflow.
const MaxMinor int64 = 10_000_000_000_000

// MaxTotal is the largest magnitude of any stored sum of money values: a
// customer's figures (balance, overdue, in hand…). It is 100 × MaxMinor,
// so that a figure and a few others added to it (risk is balance plus in
// hand) stay far inside int64; a change that would take a figure past it
// is refused, never stored.
const MaxTotal int64 = 100 * MaxMinor

// ErrTooLarge is returned for a money value whose magnitude is over
// MaxMinor (or a sum over MaxTotal).
var ErrTooLarge = errors.New("amount too large")

// CheckMinor reports whether minor units n are within ±MaxMinor: nil, or an
// error wrapping ErrTooLarge.
func CheckMinor(n int64) error {
	if n > MaxMinor || n < -MaxMinor {
		return fmt.Errorf("%w: %d minor units is over the limit of %d", ErrTooLarge, n, MaxMinor)
	}
	return nil
}

// Check reports whether a is within ±MaxMinor (see CheckMinor).
func (a Amount) Check() error { return CheckMinor(a.Minor) }

// CheckTotal reports whether a stored sum n is within ±MaxTotal.
func CheckTotal(n int64) error {
	if n > MaxTotal || n < -MaxTotal {
		return fmt.Errorf("%w: a total of %d minor units is over the limit of %d", ErrTooLarge, n, MaxTotal)
	}
	return nil
}

// Max is the largest amount accepted in currency c.
func Max(c Currency) Amount { return Amount{Minor: MaxMinor, Currency: c} }
