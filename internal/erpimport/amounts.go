package erpimport

import (
	"slices"
	"strings"
	"unicode"

	"cobro/internal/money"
)

// splitAmount takes an amount as people write it apart: a currency
// symbol or code before or after the number ("$1,234.56", "1.234,56 €",
// "USD 10"), a negative in parentheses ("(50.00)") or with a sign in
// front or behind ("-50", "50-", "-$50", "$-50"). num is the number with
// its sign in front, sym the symbol or code ("" when none). ok is false
// for what no one writes: two symbols, a sign inside parentheses, two
// signs.
func splitAmount(v string) (num, sym string, neg, ok bool) {
	s := strings.TrimSpace(v)
	paren := strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") && len(s) > 2
	if paren {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	signs := 0
	sign := func() {
		if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
			neg = neg || s[0] == '-'
			s, signs = strings.TrimSpace(s[1:]), signs+1
		}
	}
	sign()
	front := strings.TrimLeftFunc(s, isSymbol)
	sym, s = s[:len(s)-len(front)], strings.TrimSpace(front)
	sign()
	trailing := func() {
		if len(s) > 1 && strings.HasSuffix(s, "-") {
			s, neg, signs = strings.TrimSpace(s[:len(s)-1]), true, signs+1
		}
	}
	trailing() // "45,00- €"
	back := strings.TrimRightFunc(s, isSymbol)
	if tail := s[len(back):]; tail != "" {
		if sym != "" {
			return "", "", false, false
		}
		sym, s = tail, strings.TrimSpace(back)
	}
	trailing() // "45,00 €-"
	if signs > 1 || (paren && signs > 0) {
		return "", "", false, false
	}
	neg = neg || paren
	if neg {
		s = "-" + s
	}
	return s, strings.TrimSpace(sym), neg, true
}

// knownSymbol reports whether sym is a currency symbol or code.
func knownSymbol(sym string) bool {
	if _, ok := symbols[sym]; ok {
		return true
	}
	_, err := money.ParseCurrency(strings.ToUpper(sym))
	return err == nil && len(sym) == 3
}

// isSymbol is a character of a currency symbol or code.
func isSymbol(r rune) bool { return unicode.IsLetter(r) || unicode.Is(unicode.Sc, r) }

// symbols are the currency symbols people write, and the currencies each
// may stand for; an ISO code stands for itself.
var symbols = map[string][]money.Currency{
	"€": {"EUR"}, "$": {"USD", "CAD", "AUD", "NZD", "MXN", "ARS", "CLP", "COP", "SGD", "HKD", "UYU"},
	"US$": {"USD"}, "USD$": {"USD"}, "C$": {"CAD"}, "CA$": {"CAD"}, "A$": {"AUD"}, "AU$": {"AUD"}, "NZ$": {"NZD"},
	"MX$": {"MXN"}, "R$": {"BRL"}, "£": {"GBP"}, "¥": {"JPY", "CNY"}, "₹": {"INR"}, "₽": {"RUB"},
	"kr": {"SEK", "NOK", "DKK"}, "zł": {"PLN"}, "Fr": {"CHF"}, "Kč": {"CZK"}, "₺": {"TRY"},
}

// symbolCurrency checks sym against the row's currency cur. It returns
// the currency sym names when that is another one ("" when sym is no
// currency at all); ok when sym is cur's.
func symbolCurrency(sym string, cur money.Currency) (other string, ok bool) {
	if c, err := money.ParseCurrency(strings.ToUpper(sym)); err == nil && len(sym) == 3 {
		return string(c), c == cur
	}
	cs, known := symbols[sym]
	if !known {
		return "", false
	}
	if slices.Contains(cs, cur) {
		return "", true
	}
	return sym, false
}
