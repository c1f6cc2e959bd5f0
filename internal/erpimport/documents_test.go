package erpimport

import (
	"slices"
	"strings"
	"testing"

	"cobro/internal/money"
)

var docHeader = []string{"document_id", "customer_id", "kind", "number", "issue_date", "due_date", "currency",
	"amount", "open_amount", "instrument", "status", "paid_on"}

// docRow is a valid invoice; a case changes some of its cells.
func docRow(changes map[string]string) []string {
	base := map[string]string{"document_id": "F-1", "customer_id": "C-1", "kind": "invoice", "number": "2026/001",
		"issue_date": "2026-01-15", "due_date": "15/02/2026", "currency": "EUR", "amount": "1210.00",
		"open_amount": "300.50", "instrument": "transfer", "status": "", "paid_on": ""}
	row := make([]string, len(docHeader))
	for i, c := range docHeader {
		row[i] = base[c]
		if v, ok := changes[c]; ok {
			row[i] = v
		}
	}
	return row
}

// commaStyle writes an amount written with a decimal point the Spanish
// way: "1,234.50" becomes "1.234,50".
func commaStyle(v string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '.':
			return ','
		case ',':
			return '.'
		}
		return r
	}, v)
}

// TestDocumentRules runs every row rule in a file with a decimal point
// and, with its amounts rewritten, in one with a decimal comma.
func TestDocumentRules(t *testing.T) {
	long := strings.Repeat("ñ", 1000)
	cases := []struct {
		name   string
		cells  map[string]string
		errs   []string                 // "column:code", sorted
		check  func(r DocumentRow) bool // for a valid row
		styles string                   // "" both, "point" or "comma" only
	}{
		{name: "a valid invoice", check: func(r DocumentRow) bool {
			return r.ID == "F-1" && r.CustomerID == "C-1" && r.Kind == "invoice" && r.Number == "2026/001" &&
				r.IssueDate.String() == "2026-01-15" && r.DueDate.String() == "2026-02-15" && r.PaidOn.IsZero() &&
				r.Currency == "EUR" && r.Amount == money.New(121000, "EUR") && r.Open == money.New(30050, "EUR") &&
				r.Instrument == "transfer" && !r.Disputed && r.Line == 2
		}},
		{name: "values are trimmed and currency read in any case", cells: map[string]string{"document_id": "  F-1 ", "currency": " eur", "amount": " 1210.00 "},
			check: func(r DocumentRow) bool { return r.ID == "F-1" && r.Currency == "EUR" && r.Amount.Minor == 121000 }},
		{name: "blank number is the id", cells: map[string]string{"number": ""}, check: func(r DocumentRow) bool { return r.Number == "F-1" }},
		{name: "thousands separators", cells: map[string]string{"amount": "1,234,567.89", "open_amount": "1,000"},
			check: func(r DocumentRow) bool { return r.Amount.Minor == 123456789 && r.Open.Minor == 100000 }},
		{name: "a trailing minus, as SAP writes it", cells: map[string]string{"kind": "abono", "amount": "1,210.00-", "open_amount": "10-"},
			check: func(r DocumentRow) bool { return r.Amount.Minor == 121000 && r.Open.Minor == 1000 }},
		{name: "a trailing minus on an invoice", cells: map[string]string{"amount": "1210.00-"}, errs: []string{"amount:negative_amount"}},
		{name: "a lone minus", cells: map[string]string{"amount": "-"}, errs: []string{"amount:bad_amount"}},
		{name: "a plus sign", cells: map[string]string{"amount": "+5.00", "open_amount": "0"}, check: func(r DocumentRow) bool { return r.Amount.Minor == 500 }},
		{name: "open equal to amount", cells: map[string]string{"open_amount": "1210"}, check: func(r DocumentRow) bool { return r.Open == r.Amount }},
		{name: "due before issue is allowed", cells: map[string]string{"due_date": "01/01/2026"},
			check: func(r DocumentRow) bool { return r.DueDate.Before(r.IssueDate) }},
		{name: "paid_on", cells: map[string]string{"paid_on": "2026-03-01"}, check: func(r DocumentRow) bool { return r.PaidOn.String() == "2026-03-01" }},
		{name: "one-digit day and month", cells: map[string]string{"issue_date": "5/1/2026"}, check: func(r DocumentRow) bool { return r.IssueDate.String() == "2026-01-05" }},
		{name: "31 February", cells: map[string]string{"due_date": "31/02/2026"}, errs: []string{"due_date:bad_date"}},
		{name: "month 13", cells: map[string]string{"issue_date": "2026-13-01"}, errs: []string{"issue_date:bad_date"}},
		{name: "a placeholder year", cells: map[string]string{"issue_date": "01/01/0001"}, errs: []string{"issue_date:bad_date"}},
		{name: "a date in words", cells: map[string]string{"due_date": "mañana", "paid_on": "2026/13/01"}, errs: []string{"due_date:bad_date", "paid_on:bad_date"}},
		{name: "unknown currency", cells: map[string]string{"currency": "EUR0"}, errs: []string{"currency:unknown_currency"}},
		{name: "unknown currency and text in amount", cells: map[string]string{"currency": "EURO", "amount": "diez"},
			errs: []string{"amount:bad_amount", "currency:unknown_currency"}},
		{name: "three decimals in EUR", cells: map[string]string{"amount": "10.001", "open_amount": "10.00"}, errs: []string{"amount:too_many_decimals"}},
		{name: "trailing zeros count", cells: map[string]string{"open_amount": "1.500"}, errs: []string{"open_amount:too_many_decimals"}, styles: "point"},
		{name: "decimals in JPY", cells: map[string]string{"currency": "JPY", "amount": "1000.5", "open_amount": "1000"}, errs: []string{"amount:too_many_decimals"}},
		{name: "JPY without decimals", cells: map[string]string{"currency": "JPY", "amount": "1000", "open_amount": "10"},
			check: func(r DocumentRow) bool { return r.Amount == money.New(1000, "JPY") }},
		{name: "three decimals in KWD", cells: map[string]string{"currency": "KWD", "amount": "10.125", "open_amount": "0.005"},
			check: func(r DocumentRow) bool { return r.Amount == money.New(10125, "KWD") && r.Open.Minor == 5 }},
		{name: "text in amount", cells: map[string]string{"amount": "diez"}, errs: []string{"amount:bad_amount"}},
		{name: "the row's currency symbol in amount", cells: map[string]string{"amount": "1210.00 €", "open_amount": "EUR 300.50"},
			check: func(r DocumentRow) bool { return r.Amount.Minor == 121000 && r.Open.Minor == 30050 }},
		{name: "another currency's symbol in amount", cells: map[string]string{"amount": "$1210.00", "open_amount": "300.50 GBP"},
			errs: []string{"amount:currency_mismatch", "open_amount:currency_mismatch"}},
		{name: "a symbol that is no currency", cells: map[string]string{"amount": "1210.00 eu"}, errs: []string{"amount:bad_amount"}},
		{name: "a negative in parentheses", cells: map[string]string{"kind": "abono", "amount": "(1,210.00)", "open_amount": "(€10)"},
			check: func(r DocumentRow) bool { return r.Amount.Minor == 121000 && r.Open.Minor == 1000 }},
		{name: "parentheses on an invoice", cells: map[string]string{"amount": "(1210.00)"}, errs: []string{"amount:negative_amount"}},
		{name: "a sign inside parentheses", cells: map[string]string{"amount": "(-1210.00)"}, errs: []string{"amount:bad_amount"}},
		{name: "two signs", cells: map[string]string{"amount": "-1210.00-"}, errs: []string{"amount:bad_amount"}},
		{name: "a sign after the symbol", cells: map[string]string{"kind": "abono", "amount": "€-1210.00", "open_amount": "-€10"},
			check: func(r DocumentRow) bool { return r.Amount.Minor == 121000 && r.Open.Minor == 1000 }},
		{name: "points that are no decimal mark", cells: map[string]string{"amount": "38.0.0"}, errs: []string{"amount:bad_amount"}},
		{name: "an amount too large", cells: map[string]string{"amount": "99999999999999999999"}, errs: []string{"amount:bad_amount"}},
		{name: "the other decimal mark", cells: map[string]string{"open_amount": "12,50"}, errs: []string{"open_amount:mixed_decimal"}},
		{name: "open greater than amount", cells: map[string]string{"amount": "100.00", "open_amount": "150.00"}, errs: []string{"open_amount:open_exceeds_amount"}},
		{name: "open over the amount by a cent", cells: map[string]string{"amount": "100.00", "open_amount": "100.01"}, errs: []string{"open_amount:open_exceeds_amount"}},
		{name: "negative invoice", cells: map[string]string{"amount": "-100.00", "open_amount": "-100.00"},
			errs: []string{"amount:negative_amount", "open_amount:negative_amount"}},
		{name: "negative open amount on a returned item", cells: map[string]string{"kind": "devuelto", "open_amount": "-1"}, errs: []string{"open_amount:negative_amount"}},
		{name: "negative credit note is read positive", cells: map[string]string{"kind": "abono", "amount": "-45.00", "open_amount": "-45.00"},
			check: func(r DocumentRow) bool {
				return r.Kind == "credit_note" && r.Amount.Minor == 4500 && r.Open.Minor == 4500
			}},
		{name: "credit note with only the amount negative", cells: map[string]string{"kind": "credit_note", "amount": "-45.00", "open_amount": "20"},
			check: func(r DocumentRow) bool { return r.Amount.Minor == 4500 && r.Open.Minor == 2000 }},
		{name: "credit note whose open exceeds its amount", cells: map[string]string{"kind": "credit", "amount": "-45.00", "open_amount": "-50"},
			errs: []string{"open_amount:open_exceeds_amount"}},
		{name: "an unknown kind leaves the sign alone", cells: map[string]string{"kind": "pedido", "amount": "-5"}, errs: []string{"kind:bad_kind"}},
		{name: "blank required values", cells: map[string]string{"document_id": "", "customer_id": " ", "kind": "", "issue_date": "",
			"due_date": "", "currency": "", "amount": "", "open_amount": ""},
			errs: []string{"amount:required", "currency:required", "customer_id:required", "document_id:required", "due_date:required",
				"issue_date:required", "kind:required", "open_amount:required"}},
		{name: "several mistakes in one row", cells: map[string]string{"due_date": "31/02/2026", "kind": "pedido", "instrument": "bitcoin", "status": "pagada"},
			errs: []string{"due_date:bad_date", "instrument:bad_instrument", "kind:bad_kind", "status:bad_status"}},
		{name: "a field at the limit", cells: map[string]string{"number": long}, check: func(r DocumentRow) bool { return r.Number == long }},
		{name: "a field over the limit", cells: map[string]string{"number": long + "x", "document_id": long + "ñ"},
			errs: []string{"document_id:field_too_long", "number:field_too_long"}},
		{name: "status pending is not a status", cells: map[string]string{"status": "pending"}, errs: []string{"status:bad_status"}},
	}
	for _, c := range cases {
		for _, style := range []string{"point", "comma"} {
			if c.styles != "" && c.styles != style {
				continue
			}
			t.Run(c.name+"/"+style, func(t *testing.T) {
				row := docRow(c.cells)
				sep, mark := ",", money.MarkPoint
				if style == "comma" {
					sep, mark = ";", money.MarkComma
					for _, col := range []int{7, 8} {
						row[col] = commaStyle(row[col])
					}
				}
				// A Spanish-speaking company: slashed dates that read both
				// ways are day first.
				res := readDocs(t, csvOf(sep, docHeader, row), Options{File: "d.csv", Decimal: mark, Language: "es"})
				if res.err != nil {
					t.Fatal(res.err)
				}
				want := c.errs
				if want == nil {
					want = []string{}
				}
				if got := colCodes(res.errs); !slices.Equal(got, want) {
					t.Fatalf("errors %v, want %v\n%v", got, want, res.errs)
				}
				if c.check != nil && (len(res.rows) != 1 || !c.check(res.rows[0])) {
					t.Fatalf("row %+v", res.rows)
				}
				if res.sum.Rows != 1 || res.sum.Valid+res.sum.Rejected != 1 || (res.sum.Valid == 1) != (len(want) == 0) {
					t.Fatalf("summary %+v", res.sum)
				}
			})
		}
	}
}

func TestDocumentAliases(t *testing.T) {
	kinds := map[string]string{"invoice": "invoice", "Factura": "invoice", "FACTURA": "invoice",
		"credit_note": "credit_note", "abono": "credit_note", "Nota de Crédito": "credit_note", "nota de credito": "credit_note",
		"credit note": "credit_note", "credit": "credit_note", "Devuelto": "returned", "impagado": "returned",
		"returned item": "returned", "unpaid": "returned", "returned": "returned"}
	instruments := map[string]string{"": "other", "other": "other", "cash": "cash", "Efectivo": "cash", "cheque": "cheque",
		"Talón": "cheque", "talon": "cheque", "pagaré": "promissory_note", "PAGARE": "promissory_note",
		"promissory_note": "promissory_note", "transferencia": "transfer", "transfer": "transfer", "recibo": "direct_debit",
		"domiciliación": "direct_debit", "direct_debit": "direct_debit", "tarjeta": "card", "card": "card"}
	statuses := map[string]bool{"": false, "disputed": true, "Dispute": true, "en disputa": true, "DISPUTA": true}
	var rows [][]string
	rows = append(rows, docHeader)
	n := 0
	id := func() string { n++; return strings.Repeat("x", n) }
	for in := range kinds {
		rows = append(rows, docRow(map[string]string{"document_id": id(), "kind": in, "number": "kind:" + in}))
	}
	for in := range instruments {
		rows = append(rows, docRow(map[string]string{"document_id": id(), "instrument": in, "number": "instrument:" + in}))
	}
	for in := range statuses {
		rows = append(rows, docRow(map[string]string{"document_id": id(), "status": in, "number": "status:" + in}))
	}
	res := readDocs(t, csvOf(",", rows...), Options{File: "a.csv"})
	if res.err != nil || len(res.errs) > 0 || len(res.rows) != len(rows)-1 {
		t.Fatalf("%v %v", res.err, res.errs)
	}
	for _, r := range res.rows {
		what, in, _ := strings.Cut(r.Number, ":")
		switch what {
		case "kind":
			if r.Kind != kinds[in] {
				t.Errorf("kind %q read as %q", in, r.Kind)
			}
		case "instrument":
			if r.Instrument != instruments[in] {
				t.Errorf("instrument %q read as %q", in, r.Instrument)
			}
		case "status":
			if r.Disputed != statuses[in] {
				t.Errorf("status %q read as disputed=%v", in, r.Disputed)
			}
		}
	}
}

func TestDuplicateIDs(t *testing.T) {
	res := readDocs(t, csvOf(",", docHeader,
		docRow(map[string]string{"document_id": "F-1"}),
		docRow(map[string]string{"document_id": "F-2"}),
		docRow(map[string]string{"document_id": "F-1", "due_date": "bad"}),
		docRow(map[string]string{"document_id": "F-1"}),
	), Options{File: "d.csv"})
	want := []string{"4:document_id:duplicate_id", "4:due_date:bad_date", "5:document_id:duplicate_id"}
	if got := where(res.errs); !slices.Equal(got, want) {
		t.Fatalf("errors %v, want %v", got, want)
	}
	if len(res.rows) != 2 || res.rows[0].ID != "F-1" || res.rows[0].Line != 2 {
		t.Fatalf("the first F-1 stands: %+v", res.rows)
	}
}

func TestBlankRowsAreSkipped(t *testing.T) {
	data := csvOf(",", docHeader, docRow(nil), make([]string, len(docHeader)), []string{" ", ""},
		docRow(map[string]string{"document_id": "F-2"}))
	res := readDocs(t, data, Options{File: "d.csv"})
	if res.err != nil || len(res.errs) > 0 || res.sum.Rows != 2 || len(res.rows) != 2 || res.rows[1].Line != 5 {
		t.Fatalf("%v %v %+v %+v", res.err, res.errs, res.sum, res.rows)
	}
}

// TestStopsWhenTold: an error from the caller stops the read and comes
// back as it is.
func TestStopsWhenTold(t *testing.T) {
	rows := [][]string{docHeader}
	for _, id := range []string{"1", "2", "3"} {
		rows = append(rows, docRow(map[string]string{"document_id": id}))
	}
	stop := errStop{}
	seen := 0
	sum, err := ReadDocuments(strings.NewReader(string(csvOf(",", rows...))), Options{}, func(DocumentRow, []*RowError) error {
		seen++
		if seen == 2 {
			return stop
		}
		return nil
	})
	if err != stop || seen != 2 || sum.Rows != 2 {
		t.Fatalf("err %v, %d rows seen, %+v", err, seen, sum)
	}
}

type errStop struct{}

func (errStop) Error() string { return "stop" }
