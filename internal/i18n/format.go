package i18n

import (
	"strings"
	"time"
	"unicode/utf8"

	"cobro/internal/civil"
	"cobro/internal/money"
)

var symbols = map[money.Currency]string{"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF"}

// Money formats an amount for people in lang: "1.234,56 €" in Spanish,
// "€1,234.56" in English. It works on the amount's decimal string, never on
// a float.
func Money(lang Lang, a money.Amount) string {
	dec := a.Decimal()
	neg := strings.HasPrefix(dec, "-")
	dec = strings.TrimPrefix(dec, "-")
	intPart, frac, _ := strings.Cut(dec, ".")
	thousands, mark := ",", "."
	if lang == Spanish {
		thousands, mark = ".", ","
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	num := b.String()
	if frac != "" {
		num += mark + frac
	}
	sym, ok := symbols[a.Currency]
	if !ok {
		sym = string(a.Currency)
	}
	sign := ""
	if neg {
		sign = "-"
	}
	if lang == Spanish || utf8.RuneCountInString(sym) > 1 {
		return sign + num + "\u00a0" + sym
	}
	return sign + sym + num
}

// Args returns name, value pairs for T with every money.Amount formatted
// for lang (see Money); other values are left as they are.
func Args(lang Lang, args ...any) []any {
	out := make([]any, len(args))
	for i, v := range args {
		if a, ok := v.(money.Amount); ok && i%2 == 1 {
			v = Money(lang, a)
		}
		out[i] = v
	}
	return out
}

// Rule is the message of a broken rule's code in lang, with field and the
// rule's args (see Args). A code whose message names facts has a second
// message, keyed "error.CODE.args", used when the rule gave them; ok is
// false when lang has no message for code.
func Rule(lang Lang, code, field string, args ...any) (msg string, ok bool) {
	key := "error." + code
	if len(args) > 0 && Has(lang, key+".args") {
		key += ".args"
	}
	if !Has(lang, key) {
		return "", false
	}
	return T(lang, key, append([]any{"field", field}, Args(lang, args...)...)...), true
}

var monthsEN = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// Date formats a date for people: "23/11/2026" in Spanish, "23 Nov 2026" in
// English.
func Date(lang Lang, d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	if lang == Spanish {
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format("02/01/2006")
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format("2 ") + monthsEN[d.Month-1] + " " +
		time.Date(d.Year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006")
}

// DateTime formats an instant in loc for people.
func DateTime(lang Lang, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return Date(lang, civil.Of(t)) + " " + t.Format("15:04")
}
