package i18n

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"cobro/internal/money"
)

func TestAmountInWords(t *testing.T) {
	for _, c := range []struct {
		minor int64
		cur   money.Currency
		es    string
		en    string
	}{
		{123456, "EUR", "mil doscientos treinta y cuatro euros con cincuenta y seis céntimos", "one thousand two hundred thirty-four euros and fifty-six cents"},
		{100, "EUR", "un euro", "one euro"},
		{1, "EUR", "cero euros con un céntimo", "zero euros and one cent"},
		{2100, "EUR", "veintiún euros", "twenty-one euros"},
		{3100, "EUR", "treinta y un euros", "thirty-one euros"},
		{10000, "EUR", "cien euros", "one hundred euros"},
		{10100, "EUR", "ciento un euros", "one hundred one euros"},
		{50000, "EUR", "quinientos euros", "five hundred euros"},
		{2100000, "EUR", "veintiún mil euros", "twenty-one thousand euros"},
		{100000000, "EUR", "un millón de euros", "one million euros"},
		{300000000, "EUR", "tres millones de euros", "three million euros"},
		{100000100, "EUR", "un millón un euros", "one million one euros"},
		{123456789012, "EUR", "mil doscientos treinta y cuatro millones quinientos sesenta y siete mil ochocientos noventa euros con doce céntimos",
			"one billion two hundred thirty-four million five hundred sixty-seven thousand eight hundred ninety euros and twelve cents"},
		{20100, "GBP", "doscientas una libras", "two hundred one pounds"},
		{100, "GBP", "una libra", "one pound"},
		{2101, "GBP", "veintiuna libras con un penique", "twenty-one pounds and one penny"},
		{1599, "USD", "quince dólares con noventa y nueve centavos", "fifteen dollars and ninety-nine cents"},
		{1000, "JPY", "mil JPY", "one thousand JPY"},
		{-5000, "EUR", "cincuenta euros", "fifty euros"},
		{1650, "MXN", "dieciséis pesos con cincuenta centavos", "sixteen pesos and fifty centavos"},
	} {
		a := money.New(c.minor, c.cur)
		if got := AmountInWords(Spanish, a); got != c.es {
			t.Errorf("%v es: %q, want %q", a, got, c.es)
		}
		if got := AmountInWords(English, a); got != c.en {
			t.Errorf("%v en: %q, want %q", a, got, c.en)
		}
	}
}

// TestAmountInWordsProperty: two different amounts never read the same, and
// no amount reads with a gap, a doubled space or a digit.
func TestAmountInWordsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Int64Range(0, money.MaxMinor).Draw(t, "a")
		b := rapid.Int64Range(0, money.MaxMinor).Draw(t, "b")
		for _, lang := range []Lang{English, Spanish} {
			wa, wb := AmountInWords(lang, money.New(a, "EUR")), AmountInWords(lang, money.New(b, "EUR"))
			if a != b && wa == wb {
				t.Fatalf("%d and %d both read %q", a, b, wa)
			}
			if strings.Contains(wa, "  ") || strings.TrimSpace(wa) != wa || strings.ContainsAny(wa, "0123456789") {
				t.Fatalf("%d reads %q", a, wa)
			}
		}
	})
}

// TestAmountInWordsLargest: the largest amount of a currency without minor
// units is ten billones in Spanish (long scale), not a panic.
func TestAmountInWordsLargest(t *testing.T) {
	for _, tc := range []struct {
		lang Lang
		a    money.Amount
		want string
	}{
		{Spanish, money.New(10_000_000_000_000, "JPY"), "diez billones de JPY"},
		{Spanish, money.New(1_000_000_000_000, "CLP"), "un billón de pesos"},
		{Spanish, money.New(1_002_000_001_000, "CLP"), "un billón dos mil millones mil pesos"},
		{English, money.New(10_000_000_000_000, "JPY"), "ten trillion JPY"},
	} {
		if got := AmountInWords(tc.lang, tc.a); got != tc.want {
			t.Errorf("%v in %s: %q, want %q", tc.a, tc.lang, got, tc.want)
		}
	}
}
