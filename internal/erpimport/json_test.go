package erpimport

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"cobro/internal/money"
)

// jsonDoc is a valid document item with some fields replaced (a value of
// "-" removes the field).
func jsonDoc(changes map[string]string) string {
	fields := []string{"document_id", "customer_id", "kind", "number", "issue_date", "due_date", "amount", "open_amount"}
	base := map[string]string{"document_id": `"F-1"`, "customer_id": `"C-1"`, "kind": `"invoice"`, "number": `"2026/1"`,
		"issue_date": `"2026-01-15"`, "due_date": `"15/02/2026"`,
		"amount": `{"amount": 12345, "currency": "EUR"}`, "open_amount": `{"amount": 345, "currency": "EUR"}`}
	for k := range changes {
		if !slices.Contains(fields, k) {
			fields = append(fields, k)
		}
	}
	var parts []string
	for _, f := range fields {
		v, ok := changes[f]
		if !ok {
			v = base[f]
		}
		if v != "-" {
			parts = append(parts, fmt.Sprintf("%q: %s", f, v))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func TestJSONDocuments(t *testing.T) {
	cases := []struct {
		name  string
		item  string
		errs  []string
		check func(r DocumentRow) bool
	}{
		{name: "valid, the currency from the amounts", item: jsonDoc(nil), check: func(r DocumentRow) bool {
			return r.Amount == money.New(12345, "EUR") && r.Open == money.New(345, "EUR") && r.Currency == "EUR" &&
				r.DueDate.String() == "2026-02-15" && r.Number == "2026/1" && r.Instrument == "other" && r.Line == 1
		}},
		{name: "currency given and matching", item: jsonDoc(map[string]string{"currency": `"eur"`}), check: func(r DocumentRow) bool { return r.Currency == "EUR" }},
		{name: "currency given and different", item: jsonDoc(map[string]string{"currency": `"USD"`}), errs: []string{"currency:currency_mismatch"}},
		{name: "amounts in two currencies", item: jsonDoc(map[string]string{"open_amount": `{"amount": 1, "currency": "USD"}`}),
			errs: []string{"open_amount:currency_mismatch"}},
		{name: "a fraction of a minor unit", item: jsonDoc(map[string]string{"amount": `{"amount": 1.5, "currency": "EUR"}`}), errs: []string{"amount:bad_amount"}},
		{name: "an amount as a string", item: jsonDoc(map[string]string{"amount": `"123.45"`}), errs: []string{"amount:bad_amount"}},
		{name: "an amount in an unknown currency", item: jsonDoc(map[string]string{"amount": `{"amount": 1, "currency": "EURO"}`}),
			errs: []string{"amount:unknown_currency"}},
		{name: "a missing amount", item: jsonDoc(map[string]string{"amount": "-"}), errs: []string{"amount:required"}},
		{name: "null is blank", item: jsonDoc(map[string]string{"number": "null", "status": "null"}), check: func(r DocumentRow) bool { return r.Number == "F-1" }},
		{name: "open greater than amount", item: jsonDoc(map[string]string{"open_amount": `{"amount": 99999, "currency": "EUR"}`}),
			errs: []string{"open_amount:open_exceeds_amount"}},
		{name: "a negative credit note", item: jsonDoc(map[string]string{"kind": `"credit_note"`, "amount": `{"amount": -500, "currency": "EUR"}`,
			"open_amount": `{"amount": -500, "currency": "EUR"}`}), check: func(r DocumentRow) bool { return r.Amount.Minor == 500 && r.Open.Minor == 500 }},
		{name: "a negative invoice", item: jsonDoc(map[string]string{"amount": `{"amount": -500, "currency": "EUR"}`}), errs: []string{"amount:negative_amount"}},
		{name: "a typo in a field", item: jsonDoc(map[string]string{"nmber": `"x"`}), errs: []string{"nmber:unknown_field"}},
		{name: "a field twice", item: `{"document_id": "F-1", "document_id": "F-2"}`,
			errs: []string{"customer_id:required", "document_id:duplicate_field", "due_date:required", "issue_date:required", "kind:required",
				"amount:required", "currency:required", "open_amount:required"}},
		{name: "a number where text goes", item: jsonDoc(map[string]string{"customer_id": "42"}), errs: []string{"customer_id:bad_value"}},
		{name: "an object where text goes", item: jsonDoc(map[string]string{"kind": `{"a": "b"}`}), errs: []string{"kind:bad_value"}},
		{name: "not an object", item: `["F-1"]`, errs: []string{":bad_value"}},
		{name: "null item", item: `null`, errs: []string{":bad_value"}},
		{name: "nested too deep", item: jsonDoc(map[string]string{"x": `[[[[[[[[{}]]]]]]]]`}), errs: []string{":too_deep"}},
		{name: "nested at the limit", item: jsonDoc(map[string]string{"x": `[[[[[[{}]]]]]]`}), errs: []string{"x:unknown_field"}},
		{name: "not UTF-8", item: jsonDoc(map[string]string{"number": "\"Mu\xf1oz\""}), errs: []string{":bad_encoding"}},
		{name: "a field over the limit", item: jsonDoc(map[string]string{"number": `"` + strings.Repeat("x", 1001) + `"`}), errs: []string{"number:field_too_long"}},
		{name: "escapes are read", item: jsonDoc(map[string]string{"number": `"A\u00f1o \"26\"\n"`}), check: func(r DocumentRow) bool { return r.Number == "Año \"26\"" }},
		{name: "a mistake in a date", item: jsonDoc(map[string]string{"due_date": `"2026-02-30"`}), errs: []string{"due_date:bad_date"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := readDocs(t, []byte("["+c.item+"]"), Options{File: "d.json"})
			if res.err != nil {
				t.Fatal(res.err)
			}
			want := slices.Clone(c.errs)
			slices.Sort(want)
			if want == nil {
				want = []string{}
			}
			if got := colCodes(res.errs); !slices.Equal(got, want) {
				t.Fatalf("errors %v, want %v\n%v", got, want, res.errs)
			}
			if c.check != nil && (len(res.rows) != 1 || !c.check(res.rows[0])) {
				t.Fatalf("row %+v", res.rows)
			}
			if res.sum.Rows != 1 || res.sum.Decimal != money.MarkPoint {
				t.Fatalf("summary %+v", res.sum)
			}
		})
	}
}

func TestJSONCustomers(t *testing.T) {
	data := `[
	  {"customer_id": "C-1", "name": "Bar", "currency": "EUR", "credit_limit": {"amount": 500000, "currency": "EUR"}, "language": "Español"},
	  {"customer_id": "C-2", "name": "Pub", "currency": "EUR", "credit_limit": null},
	  {"customer_id": "C-3", "name": "Pub", "currency": "EUR", "credit_limit": {"amount": 1, "currency": "USD"}},
	  {"customer_id": "C-1", "name": "Bar", "currency": "EUR", "credit_limit": {"amount": -1, "currency": "EUR"}}
	]`
	res := readCusts(t, []byte(data), Options{File: "c.json"})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if got, want := where(res.errs), []string{"3:currency:currency_mismatch", "4:customer_id:duplicate_id", "4:credit_limit:negative_amount"}; !slices.Equal(got, want) {
		t.Fatalf("errors %v, want %v", got, want)
	}
	if len(res.rows) != 2 || res.rows[0].CreditLimit.Minor != 500000 || res.rows[0].Language != "es" || res.rows[1].CreditLimit != nil {
		t.Fatalf("%+v", res.rows)
	}
}

func TestJSONFileErrors(t *testing.T) {
	item := jsonDoc(nil)
	cases := []struct{ name, data, code, message string }{
		{"empty", "", "empty_file", "d.json: the file is empty"},
		{"blank", "  \n", "empty_file", "d.json: the file is empty"},
		{"an object, not an array", `{"document_id": "x"}`, "bad_json", "d.json: not valid JSON: expected a JSON array of objects"},
		{"a syntax error in item 3", "[" + item + "," + item + ",\n{\"document_id\": \"F\" \"x\"}]", "bad_json", ""},
		{"no end", "[" + item, "bad_json", ""},
		{"something after the array", "[" + item + "] []", "bad_json", ""},
		{"nested beyond the decoder's limit", strings.Repeat("[", 20000), "bad_json", ""},
		{"an item too large", `[{"number": "` + strings.Repeat("x", 2<<20) + `"}]`, "row_too_long", "d.json: row 1 is too long for a row of an ERP file"},
		{"a later item too large", "[" + item + `, {"number": "` + strings.Repeat("x", 2<<20) + `"}]`, "row_too_long", "d.json: row 2 is too long for a row of an ERP file"},
		{"items near the limit are fine", "[" + strings.Repeat(`{"observaciones": "`+strings.Repeat("x", 1000_000)+`"},`, 3) + "{}]", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := readDocs(t, []byte(c.data), Options{File: "d.json"})
			if fileCode(res.err) != c.code || (c.message != "" && res.err.Error() != c.message) {
				t.Fatalf("got %v, want %s %s", res.err, c.code, c.message)
			}
		})
	}
	res := readDocs(t, []byte("["+item+","+item+",\n{\"document_id\": \"F\" \"x\"}]"), Options{File: "d.json"})
	if msg := res.err.Error(); !strings.Contains(msg, "item 3, byte") || res.sum.Rows != 2 {
		t.Fatalf("a syntax error says where, after the rows before it: %v %+v", msg, res.sum)
	}
	res = readDocs(t, []byte(strings.Repeat("[", 20000)), Options{File: "d.json"})
	if !strings.Contains(res.err.Error(), "exceeded max depth") {
		t.Fatalf("deep nesting: %v", res.err)
	}
	res = readDocs(t, []byte("[]"), Options{File: "d.json"})
	if res.err != nil || res.sum.Rows != 0 {
		t.Fatalf("an empty array: %v", res.err)
	}
}
