package money

import (
	"encoding/json"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

var testCurrencies = []Currency{"EUR", "USD", "JPY", "CLP", "KWD", "BHD"}

// anyMinor draws minor units from the whole int64 range, with the edges
// and small values drawn often.
func anyMinor() *rapid.Generator[int64] {
	return rapid.OneOf(
		rapid.Int64(),
		rapid.Int64Range(-100000, 100000),
		rapid.SampledFrom([]int64{0, 1, -1, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1}),
	)
}

func TestSplitProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := New(anyMinor().Draw(t, "minor"), rapid.SampledFrom(testCurrencies).Draw(t, "cur"))
		n := rapid.IntRange(1, 20).Draw(t, "n")
		// Weights up to the largest whose sum still fits in an int64.
		ws := rapid.SliceOfN(rapid.OneOf(rapid.Int64Range(0, math.MaxInt64/int64(n)), rapid.Int64Range(0, 10)), n, n).Draw(t, "weights")
		total := big.NewInt(0)
		for _, w := range ws {
			total.Add(total, big.NewInt(w))
		}
		parts, err := Split(a, ws)
		if total.Sign() == 0 {
			if err == nil {
				t.Fatal("weights that sum to zero accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != len(ws) {
			t.Fatalf("%d parts for %d weights", len(parts), len(ws))
		}
		sum := big.NewInt(0)
		for i, p := range parts {
			if p.Currency != a.Currency {
				t.Fatalf("part %d in %s", i, p.Currency)
			}
			sum.Add(sum, big.NewInt(p.Minor))
			// |part - a*w/total| < 1, i.e. |part*total - a*w| < total, exactly.
			diff := new(big.Int).Mul(big.NewInt(p.Minor), total)
			diff.Sub(diff, new(big.Int).Mul(big.NewInt(a.Minor), big.NewInt(ws[i])))
			if diff.Abs(diff).Cmp(total) >= 0 {
				t.Fatalf("part %d = %d is a minor unit or more away from its share %d*%d/%s", i, p.Minor, a.Minor, ws[i], total)
			}
			if ws[i] == 0 && p.Minor != 0 {
				t.Fatalf("part %d has weight 0 but gets %d", i, p.Minor)
			}
		}
		if sum.Cmp(big.NewInt(a.Minor)) != 0 {
			t.Fatalf("parts add up to %s, not %d", sum, a.Minor)
		}
	})
}

func TestArithmeticProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom(testCurrencies).Draw(t, "cur")
		a := New(anyMinor().Draw(t, "a"), cur)
		b := New(anyMinor().Draw(t, "b"), cur)
		inRange := func(x *big.Int) bool { return x.IsInt64() }
		exactSum := new(big.Int).Add(big.NewInt(a.Minor), big.NewInt(b.Minor))
		exactDiff := new(big.Int).Sub(big.NewInt(a.Minor), big.NewInt(b.Minor))

		s, err := a.Add(b)
		if inRange(exactSum) != (err == nil) || err == nil && s.Minor != exactSum.Int64() {
			t.Fatalf("%v + %v = %v, %v; exact %s", a, b, s, err, exactSum)
		}
		d, err := a.Sub(b)
		if inRange(exactDiff) != (err == nil) || err == nil && d.Minor != exactDiff.Int64() {
			t.Fatalf("%v - %v = %v, %v; exact %s", a, b, d, err, exactDiff)
		}
		// Add and Sub are inverse wherever they do not overflow.
		if s, err := a.Add(b); err == nil {
			if back, err := s.Sub(b); err != nil || back != a {
				t.Fatalf("(a+b)-b = %v, %v; a = %v", back, err, a)
			}
		}
		if d, err := a.Sub(b); err == nil {
			if back, err := d.Add(b); err != nil || back != a {
				t.Fatalf("(a-b)+b = %v, %v; a = %v", back, err, a)
			}
		}
		c, err := a.Cmp(b)
		if err != nil || c != exactDiff.Sign() {
			t.Fatalf("Cmp(%v, %v) = %d, %v", a, b, c, err)
		}
		if n, err := a.Neg(); (a.Minor == math.MinInt64) != (err != nil) || err == nil && n.Minor != -a.Minor {
			t.Fatalf("-%v = %v, %v", a, n, err)
		}
	})
}

// grouped writes a plain decimal ("-1234567.89") with thousands
// separators and the given decimal mark ("-1.234.567,89").
func grouped(dec string, mark DecimalMark) string {
	sign := ""
	if strings.HasPrefix(dec, "-") {
		sign, dec = "-", dec[1:]
	}
	intPart, frac, hasFrac := strings.Cut(dec, ".")
	sep := ","
	if mark == MarkComma {
		sep = "."
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte(byte(mark))
		b.WriteString(frac)
	}
	return sign + b.String()
}

func TestTextRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := New(anyMinor().Draw(t, "minor"), rapid.SampledFrom(testCurrencies).Draw(t, "cur"))
		dec := a.Decimal()
		if got, err := Parse(dec, a.Currency, MarkPoint); err != nil || got != a {
			t.Fatalf("Parse(%q) = %v, %v; want %v", dec, got, err, a)
		}
		comma := strings.Replace(dec, ".", ",", 1)
		if got, err := Parse(comma, a.Currency, MarkComma); err != nil || got != a {
			t.Fatalf("Parse(%q, comma) = %v, %v; want %v", comma, got, err, a)
		}
		for _, mark := range []DecimalMark{MarkPoint, MarkComma} {
			g := grouped(dec, mark)
			if got, err := Parse(g, a.Currency, mark); err != nil || got != a {
				t.Fatalf("Parse(%q, %q) = %v, %v; want %v", g, mark, got, err, a)
			}
		}
		var j Amount
		raw, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &j); err != nil || j != a {
			t.Fatalf("JSON round trip %s: %v %v", raw, j, err)
		}
	})
}

func TestGrouped(t *testing.T) {
	for _, c := range []struct {
		dec  string
		mark DecimalMark
		want string
	}{{"1234567.89", MarkComma, "1.234.567,89"}, {"-123.45", MarkPoint, "-123.45"}, {"1000", MarkPoint, "1,000"}, {"0.001", MarkComma, "0,001"}} {
		if got := grouped(c.dec, c.mark); got != c.want {
			t.Errorf("grouped(%q, %q) = %q, want %q", c.dec, c.mark, got, c.want)
		}
	}
}

// fixtureAmounts seeds the fuzzers with amounts as real bank files write
// them (../shared/fixtures beside the repository, when it is there).
func fixtureAmounts() []string {
	var out []string
	num := regexp.MustCompile(`[-+]?[0-9][0-9.,]*[0-9]`)
	_ = filepath.WalkDir(filepath.Join("..", "..", "..", "shared", "fixtures"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || len(out) > 300 {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		out = append(out, num.FindAllString(string(b), 20)...)
		return nil
	})
	return out
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.234,56", "1,234.56", "-0,05", "1e3", "99999999999999999999", ".5", "+ 1", "1.234", "45,00-",
		"92233720368547758.07", "-92233720368547758.08", "1,234,567", "12,50", " 7 ", "١٢", "0x10", "1_000"} {
		f.Add(s)
	}
	for _, s := range fixtureAmounts() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, cur := range []Currency{"EUR", "JPY", "KWD"} {
			var ok [3]*Amount
			for i, mark := range []DecimalMark{MarkPoint, MarkComma, MarkUnknown} {
				a, err := Parse(s, cur, mark)
				if err != nil {
					if a != (Amount{}) {
						t.Fatalf("Parse(%q, %s, %q) failed but returned %v", s, cur, mark, a)
					}
					continue
				}
				ok[i] = &a
				if a.Currency != cur {
					t.Fatalf("Parse(%q, %s) returned %s", s, cur, a.Currency)
				}
				back, err := Parse(a.Decimal(), cur, MarkPoint)
				if err != nil || back != a {
					t.Fatalf("%q read as %v does not round-trip: %v %v", s, a, back, err)
				}
			}
			// An unknown mark accepts only what one of the marks reads the
			// same way.
			if u := ok[2]; u != nil && !(ok[0] != nil && *ok[0] == *u || ok[1] != nil && *ok[1] == *u) {
				t.Fatalf("Parse(%q, %s, unknown) = %v; point %v, comma %v", s, cur, *u, ok[0], ok[1])
			}
			// With two or fewer decimals, no text reads as two different
			// amounts: what is valid with both marks reads the same.
			if cur.Digits() < 3 && ok[0] != nil && ok[1] != nil && *ok[0] != *ok[1] {
				t.Fatalf("%q reads as %v with a point and %v with a comma", s, *ok[0], *ok[1])
			}
		}
	})
}

func FuzzAmountJSON(f *testing.F) {
	for _, s := range []string{`{"amount":150000,"currency":"EUR"}`, `{"amount":1.5,"currency":"EUR"}`, `{"amount":"150","currency":"EUR"}`,
		`{"amount":1e3,"currency":"EUR"}`, `{"amount":-9223372036854775808,"currency":"jpy"}`, `{"currency":"EUR"}`, `null`, `{"amount":-0,"currency":"EUR"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a Amount
		if err := json.Unmarshal(b, &a); err != nil {
			return
		}
		if a == (Amount{}) && strings.TrimSpace(string(b)) == "null" {
			return // encoding/json's no-op for null
		}
		if !a.Currency.Valid() {
			t.Fatalf("%s accepted with currency %q", b, a.Currency)
		}
		out, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var back Amount
		if err := json.Unmarshal(out, &back); err != nil || back != a {
			t.Fatalf("%s → %v → %s → %v, %v", b, a, out, back, err)
		}
		if again, _ := json.Marshal(back); string(again) != string(out) {
			t.Fatalf("marshalling is not canonical: %s then %s", out, again)
		}
	})
}
