package money

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		cur  Currency
		mark DecimalMark
		want int64
		err  error
	}{
		// Both decimal marks, with and without thousands separators.
		{"1234.56", "EUR", MarkPoint, 123456, nil},
		{"1234,56", "EUR", MarkComma, 123456, nil},
		{"1,234.56", "EUR", MarkPoint, 123456, nil},
		{"1.234,56", "EUR", MarkComma, 123456, nil},
		{"1,234,567.89", "EUR", MarkPoint, 123456789, nil},
		{"1.234.567,89", "EUR", MarkComma, 123456789, nil},
		{"1,234", "EUR", MarkPoint, 123400, nil}, // thousands with a point mark
		{"1.234", "EUR", MarkComma, 123400, nil},
		{"1234,5", "EUR", MarkComma, 123450, nil},
		{".5", "EUR", MarkPoint, 50, nil},
		{",05", "EUR", MarkComma, 5, nil},
		{"0", "EUR", MarkPoint, 0, nil},
		// Signs and spaces.
		{"-0,05", "EUR", MarkComma, -5, nil},
		{" +7 ", "EUR", MarkPoint, 700, nil},
		{"- 7", "EUR", MarkPoint, -700, nil},
		{"--7", "EUR", MarkPoint, 0, ErrSyntax},
		{"7-", "EUR", MarkPoint, 0, ErrSyntax}, // a trailing sign is erpimport's business
		// Thousands separators only in their places.
		{"12,34.5", "EUR", MarkPoint, 0, ErrSyntax},
		{"1,2345.5", "EUR", MarkPoint, 0, ErrSyntax},
		{"1234,567.5", "EUR", MarkPoint, 0, ErrSyntax},
		{",234.5", "EUR", MarkPoint, 0, ErrSyntax},
		{"1.23,5", "EUR", MarkComma, 0, ErrSyntax},
		{"1,234.56", "EUR", MarkComma, 0, ErrSyntax}, // the other mark's style
		{"1.234,56", "EUR", MarkPoint, 0, ErrSyntax},
		{"1 234,56", "EUR", MarkComma, 0, ErrSyntax},
		{"1.5.0", "EUR", MarkPoint, 0, ErrSyntax},
		// Decimals: never rounded, trailing zeros included.
		{"10.001", "EUR", MarkPoint, 0, ErrTooManyDecimals},
		{"1.500", "EUR", MarkPoint, 0, ErrTooManyDecimals},
		{"1200", "JPY", MarkPoint, 1200, nil},
		{"1,200", "JPY", MarkPoint, 1200, nil},
		{"1.200", "JPY", MarkComma, 1200, nil},
		{"1.5", "JPY", MarkPoint, 0, ErrTooManyDecimals},
		{"1200,0", "JPY", MarkComma, 0, ErrTooManyDecimals},
		{"1.234", "KWD", MarkPoint, 1234, nil},
		{"1,234", "KWD", MarkComma, 1234, nil},
		{"0.001", "KWD", MarkPoint, 1, nil},
		{"1.2345", "KWD", MarkPoint, 0, ErrTooManyDecimals},
		// Not amounts.
		{"abc", "EUR", MarkPoint, 0, ErrSyntax},
		{"", "EUR", MarkPoint, 0, ErrSyntax},
		{"  ", "EUR", MarkPoint, 0, ErrSyntax},
		{"-", "EUR", MarkPoint, 0, ErrSyntax},
		{"1.", "EUR", MarkPoint, 0, ErrSyntax},
		{"1e3", "EUR", MarkPoint, 0, ErrSyntax},
		{"€12,00", "EUR", MarkComma, 0, ErrSyntax},
		{"١٢", "EUR", MarkPoint, 0, ErrSyntax}, // Arabic-Indic digits
		// Range: the largest int64 reads; one more minor unit overflows.
		{"92233720368547758.07", "EUR", MarkPoint, math.MaxInt64, nil},
		{"-92233720368547758.07", "EUR", MarkPoint, -math.MaxInt64, nil},
		{"92233720368547758.08", "EUR", MarkPoint, 0, ErrOverflow},
		{"-92233720368547758.08", "EUR", MarkPoint, math.MinInt64, nil},
		{"-92233720368547758.09", "EUR", MarkPoint, 0, ErrOverflow},
		{"9223372036854775807", "JPY", MarkPoint, math.MaxInt64, nil},
		{"9223372036854775808", "JPY", MarkPoint, 0, ErrOverflow},
		{"99999999999999999999", "EUR", MarkPoint, 0, ErrOverflow},
		// An unknown mark accepts only what reads the same either way.
		{"1234", "EUR", MarkUnknown, 123400, nil},
		{"-7", "EUR", MarkUnknown, -700, nil},
		{"1.234,56", "EUR", MarkUnknown, 123456, nil},
		{"1,234.56", "EUR", MarkUnknown, 123456, nil},
		{"1.234", "EUR", MarkUnknown, 0, ErrSyntax},
		{"12,50", "EUR", MarkUnknown, 0, ErrSyntax},
		// Currencies.
		{"5", "XXX", MarkPoint, 0, ErrUnknownCurrency},
		{"5", "eur", MarkPoint, 0, ErrUnknownCurrency}, // Parse takes a parsed Currency
		{"5", "", MarkPoint, 0, ErrUnknownCurrency},
	}
	for _, c := range cases {
		got, err := Parse(c.in, c.cur, c.mark)
		if !errors.Is(err, c.err) || (err == nil && got != New(c.want, c.cur)) {
			t.Errorf("Parse(%q, %s, %q) = %v, %v; want %d, %v", c.in, c.cur, c.mark, got, err, c.want, c.err)
		}
	}
}

func TestSniff(t *testing.T) {
	for in, want := range map[string]Evidence{
		"1234": NoEvidence, "-7": NoEvidence, "": NoEvidence,
		"12.5": PointEvidence, "1,234.56": PointEvidence, "1,234,567": PointEvidence, "0.05": PointEvidence, " 12.5 ": PointEvidence,
		"12,50": CommaEvidence, "1.234,56": CommaEvidence, "1.234.567": CommaEvidence, "-1.234,5": CommaEvidence, "12,5": CommaEvidence,
		"1.234": AmbiguousValue, "1,234": AmbiguousValue, "-0,123": AmbiguousValue,
	} {
		if got := Sniff(in); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseCurrency(t *testing.T) {
	for in, want := range map[string]Currency{"EUR": "EUR", " eur ": "EUR", "Jpy": "JPY", "KWD": "KWD"} {
		if got, err := ParseCurrency(in); err != nil || got != want {
			t.Errorf("ParseCurrency(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "EURO", "XXX", "€", "E U R"} {
		if got, err := ParseCurrency(in); !errors.Is(err, ErrUnknownCurrency) {
			t.Errorf("ParseCurrency(%q) = %q, %v; want ErrUnknownCurrency", in, got, err)
		}
	}
	for c, d := range map[Currency]int{"EUR": 2, "USD": 2, "JPY": 0, "CLP": 0, "KWD": 3, "BHD": 3} {
		if c.Digits() != d {
			t.Errorf("%s has %d digits, want %d", c, c.Digits(), d)
		}
	}
}

func TestDecimal(t *testing.T) {
	for _, c := range []struct {
		a    Amount
		want string
	}{
		{New(123456, "EUR"), "1234.56"},
		{New(0, "EUR"), "0.00"},
		{New(5, "EUR"), "0.05"},
		{New(-5, "EUR"), "-0.05"},
		{New(-100, "EUR"), "-1.00"},
		{New(7, "JPY"), "7"},
		{New(-1200, "JPY"), "-1200"},
		{New(1, "KWD"), "0.001"},
		{New(-1234, "KWD"), "-1.234"},
		{New(math.MaxInt64, "EUR"), "92233720368547758.07"},
		{New(math.MinInt64, "EUR"), "-92233720368547758.08"},
		{New(math.MinInt64, "JPY"), "-9223372036854775808"},
	} {
		if got := c.a.Decimal(); got != c.want {
			t.Errorf("%#v.Decimal() = %q, want %q", c.a, got, c.want)
		}
	}
	if s := New(-5, "EUR").String(); s != "EUR -0.05" {
		t.Errorf("String() = %q", s)
	}
}

func TestJSON(t *testing.T) {
	b, err := json.Marshal(New(150000, "EUR"))
	if err != nil || string(b) != `{"amount":150000,"currency":"EUR"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	good := map[string]Amount{
		`{"amount":150000,"currency":"EUR"}`:              New(150000, "EUR"),
		`{"currency":"JPY","amount":-7}`:                  New(-7, "JPY"),
		`{"amount":0,"currency":"KWD"}`:                   New(0, "KWD"),
		`{"amount":9223372036854775807,"currency":"EUR"}`: New(math.MaxInt64, "EUR"),
		` { "amount" : 5 , "currency" : "eur" } `:         New(5, "EUR"),
	}
	for in, want := range good {
		var a Amount
		if err := json.Unmarshal([]byte(in), &a); err != nil || a != want {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v", in, a, err, want)
		}
	}
	bad := map[string]error{
		`{"amount":1.5,"currency":"EUR"}`:                  ErrSyntax,
		`{"amount":1.0,"currency":"EUR"}`:                  ErrSyntax,
		`{"amount":"150","currency":"EUR"}`:                ErrSyntax,
		`{"amount":1e3,"currency":"EUR"}`:                  ErrSyntax,
		`{"amount":1E3,"currency":"EUR"}`:                  ErrSyntax,
		`{"amount":true,"currency":"EUR"}`:                 ErrSyntax,
		`{"amount":null,"currency":"EUR"}`:                 ErrSyntax,
		`{"amount":[1],"currency":"EUR"}`:                  ErrSyntax,
		`{"currency":"EUR"}`:                               ErrSyntax,
		`{"amount":99999999999999999999,"currency":"EUR"}`: ErrOverflow,
		`{"amount":9223372036854775808,"currency":"EUR"}`:  ErrOverflow,
		`{"amount":1,"currency":"EURO"}`:                   ErrUnknownCurrency,
		`{"amount":1}`:                                     ErrUnknownCurrency,
		`{"amount":1,"currency":7}`:                        ErrSyntax,
		`7`:                                                ErrSyntax,
		`"EUR 1.50"`:                                       ErrSyntax,
		`{"amount":01,"currency":"EUR"}`:                   nil, // not JSON: encoding/json's own error
		`{"amount":+5,"currency":"EUR"}`:                   nil,
		// A key twice is refused, not "the last one wins".
		`{"amount":1,"amount":999,"currency":"EUR"}`:     ErrSyntax,
		`{"amount":1,"currency":"EUR","currency":"USD"}`: ErrSyntax,
		`{"amount":1,"currency":"EUR","amonut":5}`:       ErrSyntax,
	}
	for in, want := range bad {
		a := New(42, "USD")
		err := json.Unmarshal([]byte(in), &a)
		if err == nil || want != nil && !errors.Is(err, want) {
			t.Errorf("Unmarshal(%s) = %v; want %v", in, err, want)
		}
		if a != New(42, "USD") {
			t.Errorf("Unmarshal(%s) failed but changed the amount to %v", in, a)
		}
	}
}

func TestArithmetic(t *testing.T) {
	if s, err := New(150, "EUR").Add(New(-50, "EUR")); err != nil || s != New(100, "EUR") {
		t.Errorf("add: %v %v", s, err)
	}
	if d, err := New(150, "EUR").Sub(New(200, "EUR")); err != nil || d != New(-50, "EUR") {
		t.Errorf("sub: %v %v", d, err)
	}
	if _, err := New(1, "EUR").Add(New(1, "USD")); !errors.Is(err, ErrCurrencyMismatch) {
		t.Errorf("mixing currencies: %v", err)
	}
	if _, err := New(1, "EUR").Sub(New(1, "USD")); !errors.Is(err, ErrCurrencyMismatch) {
		t.Errorf("mixing currencies on sub: %v", err)
	}
	if _, err := New(1, "EUR").Cmp(New(1, "USD")); !errors.Is(err, ErrCurrencyMismatch) {
		t.Errorf("comparing currencies: %v", err)
	}
	if _, err := New(math.MaxInt64, "EUR").Add(New(1, "EUR")); !errors.Is(err, ErrOverflow) {
		t.Errorf("overflow: %v", err)
	}
	if _, err := New(math.MinInt64, "EUR").Add(New(-1, "EUR")); !errors.Is(err, ErrOverflow) {
		t.Errorf("negative overflow: %v", err)
	}
	if _, err := New(0, "EUR").Sub(New(math.MinInt64, "EUR")); !errors.Is(err, ErrOverflow) {
		t.Errorf("overflow on sub: %v", err)
	}
	if d, err := New(-1, "EUR").Sub(New(math.MaxInt64, "EUR")); err != nil || d.Minor != math.MinInt64 {
		t.Errorf("-1 - MaxInt64 is MinInt64: %v %v", d, err)
	}
	if d, err := New(-1, "EUR").Sub(New(math.MinInt64, "EUR")); err != nil || d.Minor != math.MaxInt64 {
		t.Errorf("-1 - MinInt64 is MaxInt64: %v %v", d, err)
	}
	if _, err := New(math.MinInt64, "EUR").Neg(); !errors.Is(err, ErrOverflow) {
		t.Errorf("neg: %v", err)
	}
	for _, c := range []struct {
		a, b int64
		want int
	}{{1, 2, -1}, {2, 1, 1}, {-3, -3, 0}} {
		if got, err := New(c.a, "EUR").Cmp(New(c.b, "EUR")); err != nil || got != c.want {
			t.Errorf("Cmp(%d, %d) = %d, %v", c.a, c.b, got, err)
		}
	}
}

func TestSplit(t *testing.T) {
	cases := []struct {
		minor   int64
		weights []int64
		want    []int64
	}{
		{1000, []int64{1, 1, 1}, []int64{334, 333, 333}},
		{-1000, []int64{1, 1, 1}, []int64{-334, -333, -333}},
		{100, []int64{1, 2}, []int64{33, 67}},   // 33.3, 66.7: the larger remainder gets the cent
		{5, []int64{0, 3, 0}, []int64{0, 5, 0}}, // zero weights get nothing
		{2, []int64{1, 1, 1}, []int64{1, 1, 0}}, // ties go to the earlier parts
		{0, []int64{1, 2}, []int64{0, 0}},
		{math.MaxInt64, []int64{1 << 62, 1<<62 - 1}, []int64{1 << 62, 1<<62 - 1}}, // no overflow inside
	}
	for _, c := range cases {
		parts, err := Split(New(c.minor, "EUR"), c.weights)
		if err != nil {
			t.Errorf("Split(%d, %v): %v", c.minor, c.weights, err)
			continue
		}
		for i, p := range parts {
			if p != New(c.want[i], "EUR") {
				t.Errorf("Split(%d, %v) = %v, want %v", c.minor, c.weights, parts, c.want)
				break
			}
		}
	}
	for _, ws := range [][]int64{nil, {0, 0}, {1, -1}, {math.MaxInt64, 1, math.MaxInt64}} {
		if _, err := Split(New(100, "EUR"), ws); err == nil {
			t.Errorf("Split with weights %v accepted", ws)
		}
	}
}
