package i18n

import (
	"fmt"
	"strings"

	"cobro/internal/money"
)

// AmountInWords writes an amount in words in lang, as a receipt states its
// total ("mil doscientos treinta y cuatro euros con cincuenta y seis
// céntimos", "one thousand two hundred thirty-four euros and fifty-six
// cents"). A negative amount is written as its absolute value: a receipt
// never states a negative total.
func AmountInWords(lang Lang, a money.Amount) string {
	minor := a.Minor
	if minor < 0 {
		minor = -minor
	}
	digits := a.Currency.Digits()
	scale := int64(1)
	for range digits {
		scale *= 10
	}
	units, cents := minor/scale, minor%scale
	cw, known := currencyWords[a.Currency]
	if !known {
		cw = currencyName{en: [2]string{string(a.Currency), string(a.Currency)}, es: [2]string{string(a.Currency), string(a.Currency)},
			enMinor: [2]string{"", ""}, esMinor: [2]string{"", ""}}
	}
	if lang == Spanish {
		s := spanishNumber(units, cw.esFem) + " "
		if units%1_000_000 == 0 && units >= 1_000_000 {
			s += "de "
		}
		s += numberForm(cw.es, units)
		if cents > 0 {
			if cw.esMinor[0] == "" {
				return s + fmt.Sprintf(" con %d/%d", cents, scale)
			}
			s += " con " + spanishNumber(cents, false) + " " + numberForm(cw.esMinor, cents)
		}
		return s
	}
	s := englishNumber(units) + " " + numberForm(cw.en, units)
	if cents > 0 {
		if cw.enMinor[0] == "" {
			return s + fmt.Sprintf(" and %d/%d", cents, scale)
		}
		s += " and " + englishNumber(cents) + " " + numberForm(cw.enMinor, cents)
	}
	return s
}

// currencyName is how a currency and its minor unit are named: singular
// and plural, and whether the Spanish noun is feminine (una libra).
type currencyName struct {
	en, es           [2]string
	enMinor, esMinor [2]string
	esFem            bool
}

var currencyWords = map[money.Currency]currencyName{
	"EUR": {en: [2]string{"euro", "euros"}, es: [2]string{"euro", "euros"}, enMinor: [2]string{"cent", "cents"}, esMinor: [2]string{"céntimo", "céntimos"}},
	"USD": {en: [2]string{"dollar", "dollars"}, es: [2]string{"dólar", "dólares"}, enMinor: [2]string{"cent", "cents"}, esMinor: [2]string{"centavo", "centavos"}},
	"MXN": {en: [2]string{"peso", "pesos"}, es: [2]string{"peso", "pesos"}, enMinor: [2]string{"centavo", "centavos"}, esMinor: [2]string{"centavo", "centavos"}},
	"GBP": {en: [2]string{"pound", "pounds"}, es: [2]string{"libra", "libras"}, enMinor: [2]string{"penny", "pence"}, esMinor: [2]string{"penique", "peniques"}, esFem: true},
	"CHF": {en: [2]string{"franc", "francs"}, es: [2]string{"franco", "francos"}, enMinor: [2]string{"centime", "centimes"}, esMinor: [2]string{"céntimo", "céntimos"}},
	"COP": {en: [2]string{"peso", "pesos"}, es: [2]string{"peso", "pesos"}, enMinor: [2]string{"centavo", "centavos"}, esMinor: [2]string{"centavo", "centavos"}},
	"ARS": {en: [2]string{"peso", "pesos"}, es: [2]string{"peso", "pesos"}, enMinor: [2]string{"centavo", "centavos"}, esMinor: [2]string{"centavo", "centavos"}},
	"CLP": {en: [2]string{"peso", "pesos"}, es: [2]string{"peso", "pesos"}},
	"PEN": {en: [2]string{"sol", "soles"}, es: [2]string{"sol", "soles"}, enMinor: [2]string{"céntimo", "céntimos"}, esMinor: [2]string{"céntimo", "céntimos"}},
}

func numberForm(forms [2]string, n int64) string {
	if n == 1 {
		return forms[0]
	}
	return forms[1]
}

var esUnits = [...]string{"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
	"once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve", "veinte",
	"veintiuno", "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve"}

var esTens = [...]string{"", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"}

var esHundreds = [...]string{"", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos", "seiscientos",
	"setecientos", "ochocientos", "novecientos"}

// spanishBelow1000 writes 0 < n < 1000 before a noun: "uno" becomes "un"
// (masculine) or "una" (feminine), and hundreds agree ("doscientas").
func spanishBelow1000(n int64, fem bool) string {
	var parts []string
	if h := n / 100; h > 0 {
		w := esHundreds[h]
		if n == 100 {
			w = "cien"
		} else if fem && h > 1 {
			w = strings.TrimSuffix(w, "os") + "as"
		}
		parts = append(parts, w)
	}
	r := n % 100
	switch {
	case r == 0:
	case r < 30:
		parts = append(parts, apocope(esUnits[r], fem))
	default:
		w := esTens[r/10]
		if u := r % 10; u > 0 {
			w += " y " + apocope(esUnits[u], fem)
		}
		parts = append(parts, w)
	}
	return strings.Join(parts, " ")
}

// apocope is a number word ending in "uno" before a noun.
func apocope(w string, fem bool) string {
	if !strings.HasSuffix(w, "uno") {
		return w
	}
	if fem {
		return strings.TrimSuffix(w, "o") + "a"
	}
	if w == "veintiuno" {
		return "veintiún"
	}
	return strings.TrimSuffix(w, "o")
}

// spanishNumber writes n ≥ 0 before a noun of the given gender.
func spanishNumber(n int64, fem bool) string {
	if n == 0 {
		return "cero"
	}
	var parts []string
	// A billón is a million millions (long scale): amounts of a currency
	// without minor units reach it.
	if b := n / 1_000_000_000_000; b > 0 {
		if b == 1 {
			parts = append(parts, "un billón")
		} else {
			parts = append(parts, spanishThousands(b, false)+" billones")
		}
	}
	if m := n % 1_000_000_000_000 / 1_000_000; m > 0 {
		// millón is masculine, whatever the currency.
		if m == 1 {
			parts = append(parts, "un millón")
		} else {
			parts = append(parts, spanishThousands(m, false)+" millones")
		}
	}
	if rest := n % 1_000_000; rest > 0 {
		parts = append(parts, spanishThousands(rest, fem))
	}
	return strings.Join(parts, " ")
}

// spanishThousands writes 0 < n < 1,000,000.
func spanishThousands(n int64, fem bool) string {
	var parts []string
	if k := n / 1000; k > 0 {
		if k == 1 {
			parts = append(parts, "mil")
		} else {
			parts = append(parts, spanishBelow1000(k, fem)+" mil")
		}
	}
	if r := n % 1000; r > 0 {
		parts = append(parts, spanishBelow1000(r, fem))
	}
	return strings.Join(parts, " ")
}

var enUnits = [...]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}

var enTens = [...]string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}

func englishBelow1000(n int64) string {
	var parts []string
	if h := n / 100; h > 0 {
		parts = append(parts, enUnits[h]+" hundred")
	}
	r := n % 100
	switch {
	case r == 0:
	case r < 20:
		parts = append(parts, enUnits[r])
	default:
		w := enTens[r/10]
		if u := r % 10; u > 0 {
			w += "-" + enUnits[u]
		}
		parts = append(parts, w)
	}
	return strings.Join(parts, " ")
}

// englishNumber writes n ≥ 0 in short-scale English.
func englishNumber(n int64) string {
	if n == 0 {
		return "zero"
	}
	var parts []string
	for _, sc := range []struct {
		v    int64
		name string
	}{{1_000_000_000_000, "trillion"}, {1_000_000_000, "billion"}, {1_000_000, "million"}, {1000, "thousand"}} {
		if q := n / sc.v; q > 0 {
			parts = append(parts, englishNumber(q)+" "+sc.name)
			n %= sc.v
		}
	}
	if n > 0 {
		parts = append(parts, englishBelow1000(n))
	}
	return strings.Join(parts, " ")
}
