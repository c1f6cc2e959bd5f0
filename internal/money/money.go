package money

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Errors returned by this package; callers test them with errors.Is.
var (
	ErrUnknownCurrency  = errors.New("unknown currency")
	ErrCurrencyMismatch = errors.New("currency mismatch")
	ErrOverflow         = errors.New("amount out of range")
	ErrSyntax           = errors.New("not a valid amount")
	ErrTooManyDecimals  = errors.New("more decimals than the currency has")
)

// Amount is an exact sum of money: Minor units (cents for EUR) of Currency.
// The zero value has no currency and is only valid as "nothing yet".
type Amount struct {
	Minor    int64
	Currency Currency
}

// New returns an amount of minor units in currency c.
func New(minor int64, c Currency) Amount { return Amount{Minor: minor, Currency: c} }

// Zero returns a zero amount in currency c.
func Zero(c Currency) Amount { return Amount{Currency: c} }

// IsZero reports whether the amount is zero (whatever its currency).
func (a Amount) IsZero() bool { return a.Minor == 0 }

// IsNegative reports whether the amount is below zero.
func (a Amount) IsNegative() bool { return a.Minor < 0 }

func (a Amount) same(b Amount) error {
	if a.Currency != b.Currency {
		return fmt.Errorf("%w: %s and %s", ErrCurrencyMismatch, a.Currency, b.Currency)
	}
	return nil
}

// Add returns a+b; it fails on different currencies or overflow.
func (a Amount) Add(b Amount) (Amount, error) {
	if err := a.same(b); err != nil {
		return Amount{}, err
	}
	s, ok := AddMinor(a.Minor, b.Minor)
	if !ok {
		return Amount{}, ErrOverflow
	}
	return Amount{Minor: s, Currency: a.Currency}, nil
}

// Sub returns a-b; it fails on different currencies or overflow.
func (a Amount) Sub(b Amount) (Amount, error) {
	if err := a.same(b); err != nil {
		return Amount{}, err
	}
	d := a.Minor - b.Minor
	if (b.Minor > 0 && d > a.Minor) || (b.Minor < 0 && d < a.Minor) {
		return Amount{}, ErrOverflow
	}
	return Amount{Minor: d, Currency: a.Currency}, nil
}

// Neg returns -a.
func (a Amount) Neg() (Amount, error) {
	if a.Minor == math.MinInt64 {
		return Amount{}, ErrOverflow
	}
	return Amount{Minor: -a.Minor, Currency: a.Currency}, nil
}

// Cmp compares a and b: -1, 0 or +1. It fails on different currencies.
func (a Amount) Cmp(b Amount) (int, error) {
	if err := a.same(b); err != nil {
		return 0, err
	}
	switch {
	case a.Minor < b.Minor:
		return -1, nil
	case a.Minor > b.Minor:
		return 1, nil
	}
	return 0, nil
}

// AddMinor adds two minor-unit values, reporting false on overflow.
func AddMinor(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}

// Decimal renders the amount as a plain decimal string with the currency's
// decimals and a point ("1234.50", "-0.05", "1200" for JPY). Locale-aware
// formatting for people lives in the i18n package.
func (a Amount) Decimal() string {
	d := a.Currency.Digits()
	neg := a.Minor < 0
	u := uint64(a.Minor)
	if neg {
		u = uint64(-(a.Minor + 1)) + 1 // safe for MinInt64
	}
	s := strconv.FormatUint(u, 10)
	if d > 0 {
		if len(s) <= d {
			s = strings.Repeat("0", d-len(s)+1) + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// String is "EUR 1234.50", for logs and errors.
func (a Amount) String() string { return string(a.Currency) + " " + a.Decimal() }

// jsonAmount is the wire shape of every money field:
// {"amount": <integer minor units>, "currency": "EUR"}.
type jsonAmount struct {
	Amount   json.RawMessage
	Currency string
}

// readJSONAmount reads the object's two keys, each at most once.
func readJSONAmount(b []byte) (jsonAmount, error) {
	var j jsonAmount
	shape := fmt.Errorf("%w: money is {\"amount\": <integer minor units>, \"currency\": \"EUR\"}", ErrSyntax)
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return j, shape
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		var v json.RawMessage
		if err != nil || !ok || dec.Decode(&v) != nil {
			return j, shape
		}
		if seen[key] {
			return j, fmt.Errorf("%w: %q appears twice in an amount", ErrSyntax, key)
		}
		seen[key] = true
		switch key {
		case "amount":
			j.Amount = v
		case "currency":
			if json.Unmarshal(v, &j.Currency) != nil {
				return j, shape
			}
		default:
			return j, fmt.Errorf("%w: %q is not a key of an amount (amount, currency)", ErrSyntax, key)
		}
	}
	if _, err := dec.Token(); err != nil {
		return j, shape
	}
	return j, nil
}

// MarshalJSON writes {"amount": minor, "currency": "EUR"}.
func (a Amount) MarshalJSON() ([]byte, error) {
	return []byte(`{"amount":` + strconv.FormatInt(a.Minor, 10) + `,"currency":"` + string(a.Currency) + `"}`), nil
}

// UnmarshalJSON reads {"amount": minor, "currency": "EUR"}; the amount must
// be a JSON integer (no fraction, no exponent, no string) and the currency a
// known ISO 4217 code. A key given twice or a key of its own is refused:
// with {"amount": 1, "amount": 999} the last one must not silently win.
func (a *Amount) UnmarshalJSON(b []byte) error {
	j, err := readJSONAmount(b)
	if err != nil {
		return err
	}
	if len(j.Amount) == 0 || string(j.Amount) == "null" {
		return fmt.Errorf("%w: missing \"amount\"", ErrSyntax)
	}
	// A JSON number, not a string holding one.
	if c := j.Amount[0]; c != '-' && (c < '0' || c > '9') {
		return fmt.Errorf("%w: amount must be an integer number of minor units, not %s", ErrSyntax, j.Amount)
	}
	n, err := strconv.ParseInt(string(j.Amount), 10, 64)
	if err != nil {
		if strings.ContainsAny(string(j.Amount), ".eE") {
			return fmt.Errorf("%w: amount %s must be an integer number of minor units", ErrSyntax, j.Amount)
		}
		return fmt.Errorf("%w: %s", ErrOverflow, j.Amount)
	}
	c, err := ParseCurrency(j.Currency)
	if err != nil {
		return err
	}
	*a = Amount{Minor: n, Currency: c}
	return nil
}
