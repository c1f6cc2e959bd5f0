package erpimport

import (
	"slices"
	"testing"

	"cobro/internal/money"
)

var custHeader = []string{"customer_id", "name", "tax_id", "email", "phone", "language", "agent", "segment",
	"credit_limit", "currency", "zone", "route"}

func custRow(changes map[string]string) []string {
	base := map[string]string{"customer_id": "C-1", "name": "Ferretería Muñoz, S.L.", "tax_id": "B12345678",
		"email": "pagos@munoz.example", "phone": "+34 600 000 000", "language": "es", "agent": "A-07", "segment": "retail",
		"credit_limit": "5000.00", "currency": "EUR", "zone": "Norte", "route": "R-3"}
	row := make([]string, len(custHeader))
	for i, c := range custHeader {
		row[i] = base[c]
		if v, ok := changes[c]; ok {
			row[i] = v
		}
	}
	return row
}

func TestCustomerRules(t *testing.T) {
	cases := []struct {
		name  string
		cells map[string]string
		errs  []string
		check func(r CustomerRow) bool
	}{
		{name: "a valid customer", check: func(r CustomerRow) bool {
			return r == CustomerRow{Line: 2, ID: "C-1", Name: "Ferretería Muñoz, S.L.", TaxID: "B12345678", Email: "pagos@munoz.example",
				Phone: "+34 600 000 000", Language: "es", Agent: "A-07", Segment: "retail", Zone: "Norte", Route: "R-3",
				CreditLimit: r.CreditLimit, Currency: "EUR"} && *r.CreditLimit == money.New(500000, "EUR")
		}},
		{name: "blank credit limit is no limit", cells: map[string]string{"credit_limit": " "}, check: func(r CustomerRow) bool { return r.CreditLimit == nil }},
		{name: "zero credit limit", cells: map[string]string{"credit_limit": "0"}, check: func(r CustomerRow) bool { return r.CreditLimit != nil && r.CreditLimit.Minor == 0 }},
		{name: "thousands in the limit", cells: map[string]string{"credit_limit": "1,500,000.00"}, check: func(r CustomerRow) bool { return r.CreditLimit.Minor == 150000000 }},
		{name: "negative credit limit", cells: map[string]string{"credit_limit": "-1.00"}, errs: []string{"credit_limit:negative_amount"}},
		{name: "too many decimals in the limit", cells: map[string]string{"credit_limit": "10.555"}, errs: []string{"credit_limit:too_many_decimals"}},
		{name: "text in the limit", cells: map[string]string{"credit_limit": "sin límite"}, errs: []string{"credit_limit:bad_amount"}},
		{name: "required values", cells: map[string]string{"customer_id": "", "name": "", "currency": ""},
			errs: []string{"currency:required", "customer_id:required", "name:required"}},
		{name: "unknown currency", cells: map[string]string{"currency": "PTS"}, errs: []string{"currency:unknown_currency"}},
		{name: "optional columns blank", cells: map[string]string{"tax_id": "", "email": "", "phone": "", "language": "", "agent": "", "segment": "", "zone": "", "route": ""},
			check: func(r CustomerRow) bool { return r.Language == "" && r.Agent == "" && r.Zone == "" }},
		{name: "unknown language", cells: map[string]string{"language": "pt"}, errs: []string{"language:bad_language"}},
		{name: "language with a region", cells: map[string]string{"language": "es-ES"}, check: func(r CustomerRow) bool { return r.Language == "es" }},
		{name: "unknown language with a region", cells: map[string]string{"language": "pt-BR"}, errs: []string{"language:bad_language"}},
	}
	for _, c := range cases {
		for _, comma := range []bool{false, true} {
			name := c.name + "/point"
			if comma {
				name = c.name + "/comma"
			}
			t.Run(name, func(t *testing.T) {
				row := custRow(c.cells)
				sep, mark := ",", money.MarkPoint
				if comma {
					sep, mark = ";", money.MarkComma
					row[8] = commaStyle(row[8])
				}
				res := readCusts(t, csvOf(sep, custHeader, row), Options{File: "c.csv", Decimal: mark})
				if res.err != nil {
					t.Fatal(res.err)
				}
				want := c.errs
				if want == nil {
					want = []string{}
				}
				if got := colCodes(res.errs); !slices.Equal(got, want) {
					t.Fatalf("errors %v, want %v", got, want)
				}
				if c.check != nil && (len(res.rows) != 1 || !c.check(res.rows[0])) {
					t.Fatalf("row %+v", res.rows)
				}
			})
		}
	}
}

func TestLanguages(t *testing.T) {
	for in, want := range map[string]string{"en": "en", "EN": "en", "en-GB": "en", "English": "en", "inglés": "en", "INGLES": "en",
		"es": "es", "ES": "es", "es-ES": "es", "es_MX": "es", "Spanish": "es", "español": "es", "Español": "es", "castellano": "es", "": ""} {
		res := readCusts(t, csvOf(",", custHeader, custRow(map[string]string{"language": in})), Options{})
		if len(res.errs) > 0 || res.rows[0].Language != want {
			t.Errorf("%q: %v %+v", in, res.errs, res.rows)
		}
	}
}

func TestCustomersWithoutOptionalColumns(t *testing.T) {
	res := readCusts(t, []byte("Customer ID,NAME, Currency \nC-1,Bar Pepe,EUR\nC-1,Bar Pepe,EUR\n"), Options{File: "c.csv"})
	if res.err != nil || len(res.rows) != 1 || res.rows[0].CreditLimit != nil || res.rows[0].Name != "Bar Pepe" {
		t.Fatalf("%v %+v", res.err, res.rows)
	}
	if got := where(res.errs); !slices.Equal(got, []string{"3:customer_id:duplicate_id"}) {
		t.Fatalf("errors %v", got)
	}
	res = readCusts(t, []byte("customer_id,nom\nC-1,Bar Pepe\n"), Options{File: "c.csv"})
	if fe, ok := res.err.(*FileError); !ok || fe.Code != "missing_column" || fe.Message != `missing required columns: name, currency (the header read is "customer_id, nom"); name the file's columns with a mapping (--map FILE) or a preset (--preset NAME; cobro import presets lists them)` {
		t.Fatalf("missing columns: %v", res.err)
	}
	if len(res.errs)+len(res.rows) > 0 {
		t.Fatal("rows given for a file with missing columns")
	}
}
