package erpimport

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"cobro/internal/money"
)

// writeAmount writes minor units of cur as a person might: grouped
// thousands with mark, a symbol or code before or after, a negative in
// parentheses, in front, behind, or after the symbol.
func writeAmount(minor int64, cur money.Currency, mark money.DecimalMark, style uint8) string {
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = uint64(-minor)
	}
	digits := strconv.FormatUint(u, 10)
	d := cur.Digits()
	for len(digits) <= d {
		digits = "0" + digits
	}
	intPart, frac := digits[:len(digits)-d], digits[len(digits)-d:]
	thousands := ","
	if mark == money.MarkComma {
		thousands = "."
	}
	var g []string
	for len(intPart) > 3 {
		g = append([]string{intPart[len(intPart)-3:]}, g...)
		intPart = intPart[:len(intPart)-3]
	}
	num := strings.Join(append([]string{intPart}, g...), thousands)
	if frac != "" {
		num += string(rune(mark))
	}
	num += frac
	sym := map[money.Currency]string{"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}[cur]
	switch style % 4 {
	case 1:
		num = sym + num
	case 2:
		num = num + " " + sym
	case 3:
		num = string(cur) + " " + num
	}
	if !neg {
		return num
	}
	switch style / 4 % 4 {
	case 0:
		return "(" + num + ")"
	case 1:
		return "-" + num
	case 2:
		return num + "-"
	}
	if style%4 == 1 {
		return sym + "-" + num[len(sym):]
	}
	return "-" + num
}

// FuzzAmountAsWritten: every way people write an amount reads back to
// the same minor units, never another number.
func FuzzAmountAsWritten(f *testing.F) {
	for _, m := range []int64{0, 1, -1, 123456, -5000, 100000000, -9223372036854775807} {
		f.Add(m, uint8(0), uint8(0), false)
	}
	f.Fuzz(func(t *testing.T, minor int64, ci, style uint8, comma bool) {
		if minor == -1<<63 {
			return
		}
		cur := []money.Currency{"EUR", "USD", "GBP", "JPY"}[int(ci)%4]
		mark := money.MarkPoint
		if comma {
			mark = money.MarkComma
		}
		v := writeAmount(minor, cur, mark, style)
		r := &row{cr: &cellReader{file: "f", mark: mark}, line: 2}
		a, ok := r.parseAmount("amount", v, cur)
		if !ok || a.Minor != minor || a.Currency != cur {
			t.Fatalf("%q (%d %s %c) read as %v %v %v", v, minor, cur, mark, a, ok, r.errs)
		}
		// Another currency's symbol is an error, never a number.
		other := money.Currency("EUR")
		if cur == "EUR" {
			other = "GBP"
		}
		if style%4 != 0 {
			r := &row{cr: &cellReader{file: "f", mark: mark}, line: 2}
			if _, ok := r.parseAmount("amount", v, other); ok || len(r.errs) != 1 {
				t.Fatalf("%q read in %s: %v", v, other, r.errs)
			}
		}
	})
}

// FuzzSplitAmount: whatever the text, splitting it never panics and
// never changes its number: the digits left are the digits given, in
// order, and a minus is kept or moved to the front, never invented.
func FuzzSplitAmount(f *testing.F) {
	for _, s := range []string{"$1,234.56", "(50.00)", "1.234,56 €", "USD 10", "38.0.0", "-$5", "$-5", "5-", "((5))", "€", "()", "-", "(-5)"} {
		f.Add(s)
	}
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		num, _, neg, ok := splitAmount(s)
		if !ok {
			return
		}
		if digits(num) != digits(s) {
			t.Fatalf("%q split to %q", s, num)
		}
		if neg != strings.HasPrefix(num, "-") || (neg && !strings.ContainsAny(s, "-(")) {
			t.Fatalf("%q split to %q (negative %v)", s, num, neg)
		}
	})
}

// TestAmountDetectionSeesThroughSymbols: "1.234,56 €" tells a decimal
// comma, "$1,234.56" a point; "38.0.0" tells nothing.
func TestAmountDetectionSeesThroughSymbols(t *testing.T) {
	head := "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n"
	cases := []struct {
		rows string
		mark money.DecimalMark
		errs []string
	}{
		{"F1,C1,invoice,2026-01-01,2026-02-01,USD,\"$1,234.56\",($0.00)\n", money.MarkPoint, nil},
		{"F1,C1,invoice,2026-01-01,2026-02-01,EUR,\"1.234,56 €\",\"EUR 1.234,56\"\n", money.MarkComma, nil},
		{"F1,C1,invoice,2026-01-01,2026-02-01,EUR,38.0.0,\"10,50\"\n", money.MarkComma, []string{"2:amount:bad_amount"}},
		{"F1,C1,invoice,2026-01-01,2026-02-01,EUR,38.0.0,10.50\n", money.MarkPoint, []string{"2:amount:bad_amount"}},
	}
	for _, c := range cases {
		res := readDocs(t, []byte(head+c.rows), Options{File: "d.csv"})
		if res.err != nil || res.sum.Decimal != c.mark || !slices.Equal(where(res.errs), append([]string{}, c.errs...)) {
			t.Errorf("%s: %v mark %c errors %q", c.rows, res.err, res.sum.Decimal, where(res.errs))
		}
	}
}

// TestUsualHeaders: the names Spanish and English tools give the columns
// are read without a mapping.
func TestUsualHeaders(t *testing.T) {
	custs := []string{
		"Código cliente;Razón social;NIF;Correo electrónico;Teléfono;Comercial;Límite de crédito;Moneda\nC1;Bar Pepe;B123;a@b.es;600;A1;1.000,00;EUR\n",
		"Customer Code,Customer Name,VAT Number,Email Address,Phone Number,Sales Rep,Credit Limit,Currency Code\nC1,Bar Pepe,B123,a@b.es,600,A1,\"1,000.00\",EUR\n",
	}
	for _, f := range custs {
		res := readCusts(t, []byte(f), Options{File: "c.csv"})
		if res.err != nil || len(res.rows) != 1 || len(res.sum.Warnings) > 0 {
			t.Fatalf("%s: %v %v %v", f, res.err, res.errs, res.sum.Warnings)
		}
		c := res.rows[0]
		if c.ID != "C1" || c.Name != "Bar Pepe" || c.TaxID != "B123" || c.Email != "a@b.es" || c.Phone != "600" || c.Agent != "A1" ||
			c.CreditLimit == nil || c.CreditLimit.Minor != 100000 || c.Currency != "EUR" {
			t.Errorf("%s: %+v", f, c)
		}
	}
	docs := []string{
		"Nº Factura;Cliente;Nombre;Tipo;Fecha factura;Vencimiento;Divisa;Importe;Pendiente;Forma de pago\nF1;C1;Bar Pepe;Factura;01/02/2026;13/03/2026;EUR;100,00;40,00;Transferencia\n",
		"Invoice #,Customer,Type,Invoice Date,Due Date,Currency,Amount,Open Balance,Payment Method\nF1,C1,Invoice,02/01/2026,03/13/2026,EUR,100.00,40.00,Bank transfer\n",
	}
	for _, f := range docs {
		res := readDocs(t, []byte(f), Options{File: "d.csv"})
		if res.err != nil || len(res.rows) != 1 || len(res.sum.Warnings) > 0 {
			t.Fatalf("%s: %v %v %v", f, res.err, res.errs, res.sum.Warnings)
		}
		if got := docLine(res.rows[0]); got != "2 F1 C1 invoice F1 2026-02-01..2026-03-13 EUR 100.00/40.00" || res.rows[0].Instrument != "transfer" {
			t.Errorf("%s: %s", f, got)
		}
	}
	res := readDocs(t, []byte("Factura;Cliente;Fecha\nF1;C1;01/02/2026\n"), Options{File: "d.csv"})
	want := `d.csv: missing required columns: kind, due_date, currency, amount, open_amount (the header read is "Factura, Cliente, Fecha"); name the file's columns with a mapping (--map FILE) or a preset (--preset NAME; cobro import presets lists them)`
	if res.err == nil || res.err.Error() != want {
		t.Fatalf("%v\nwant %s", res.err, want)
	}
}
