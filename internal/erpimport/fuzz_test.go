package erpimport

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"cobro/internal/money"
)

// The fuzz targets start from the files in testdata and check what must
// hold whatever the input: no panic, every rejected row has a row number
// and a known code, every valid row keeps the amount rules.

func seed(f *testing.F, paths ...string) {
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checker checks the rows of one read.
type checker struct {
	t        *testing.T
	file     string
	lastLine int
	rows     int
}

func (c *checker) errors(line int, errs []*RowError) {
	c.rows++
	if line <= c.lastLine {
		c.t.Fatalf("row %d after row %d", line, c.lastLine)
	}
	c.lastLine = line
	for _, e := range errs {
		if e.Line != line || e.File != c.file || e.Message == "" {
			c.t.Fatalf("error without its place: %+v (row %d)", e, line)
		}
		if _, ok := messages[e.Code]; !ok {
			c.t.Fatalf("error with an unknown code: %+v", e)
		}
	}
}

// amount checks a valid amount: positive, of cur, and with no more
// decimals than cur has (it reads back from its decimal form).
func (c *checker) amount(what string, a money.Amount, cur money.Currency) {
	if a.Currency != cur || !cur.Valid() || a.IsNegative() {
		c.t.Fatalf("%s %v of a row in %q", what, a, cur)
	}
	if back, err := money.Parse(a.Decimal(), cur, money.MarkPoint); err != nil || back != a {
		c.t.Fatalf("%s %v does not read back: %v %v", what, a, back, err)
	}
}

func (c *checker) text(max int, values ...string) {
	for _, v := range values {
		if utf8.RuneCountInString(v) > max || v != strings.TrimSpace(v) {
			c.t.Fatalf("a valid row with the value %q", v)
		}
	}
}

func (c *checker) document(r DocumentRow, errs []*RowError) {
	c.errors(r.Line, errs)
	if len(errs) > 0 {
		return
	}
	if r.ID == "" || r.CustomerID == "" || r.Number == "" || r.IssueDate.IsZero() || r.DueDate.IsZero() {
		c.t.Fatalf("a valid row with a blank required value: %+v", r)
	}
	c.text(defaultMaxFieldLen, r.ID, r.CustomerID, r.Number)
	c.amount("amount", r.Amount, r.Currency)
	c.amount("open amount", r.Open, r.Currency)
	if r.Open.Minor > r.Amount.Minor {
		c.t.Fatalf("open amount over the amount: %+v", r)
	}
	if _, ok := map[string]bool{"invoice": true, "credit_note": true, "returned": true}[r.Kind]; !ok {
		c.t.Fatalf("kind %q", r.Kind)
	}
	if _, ok := map[string]bool{"cash": true, "cheque": true, "promissory_note": true, "transfer": true, "direct_debit": true,
		"card": true, "other": true}[r.Instrument]; !ok {
		c.t.Fatalf("instrument %q", r.Instrument)
	}
}

func (c *checker) customer(r CustomerRow, errs []*RowError) {
	c.errors(r.Line, errs)
	if len(errs) > 0 {
		return
	}
	if r.ID == "" || r.Name == "" || !r.Currency.Valid() || (r.Language != "" && r.Language != "en" && r.Language != "es") {
		c.t.Fatalf("valid customer breaks the rules: %+v", r)
	}
	c.text(defaultMaxFieldLen, r.ID, r.Name, r.TaxID, r.Email, r.Phone, r.Agent, r.Segment, r.Zone, r.Route)
	if r.CreditLimit != nil {
		c.amount("credit limit", *r.CreditLimit, r.Currency)
	}
}

func (c *checker) summary(sum Summary, err error) {
	if err != nil {
		if _, ok := err.(*FileError); !ok {
			c.t.Fatalf("an error that is not a *FileError: %v", err)
		}
		return
	}
	if sum.Rows != c.rows || sum.Valid+sum.Rejected != sum.Rows {
		c.t.Fatalf("summary %+v after %d rows", sum, c.rows)
	}
	if sum.Decimal != money.MarkPoint && sum.Decimal != money.MarkComma {
		c.t.Fatalf("decimal mark %v", sum.Decimal)
	}
}

func readDocsChecked(t *testing.T, data []byte, opt Options) {
	c := &checker{t: t, file: opt.File}
	c.summary(ReadDocuments(bytes.NewReader(data), opt, func(r DocumentRow, errs []*RowError) error {
		c.document(r, errs)
		return nil
	}))
}

func FuzzReadDocumentsCSV(f *testing.F) {
	seed(f, "testdata/documents-with-mistakes.csv", "testdata/erp-export.csv")
	f.Add([]byte("document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\nA,B,invoice,2026-01-01,01/02/2026,EUR,\"1,234.50\",0\n"))
	f.Add([]byte("\ufeffdocument_id;customer_id;kind;issue_date;due_date;currency;amount;open_amount\n\"x\ny\";B;abono;2026-01-01;2026-01-01;JPY;-5;-5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		readDocsChecked(t, data, Options{File: "fuzz.csv"})
	})
}

func FuzzReadCustomersCSV(f *testing.F) {
	seed(f, "testdata/customers.csv")
	f.Add([]byte("customer_id;name;currency;credit_limit;language\nC;N;EUR;1.000,00;es-ES\n"))
	f.Add([]byte("customer_id\tname\tcurrency\n\t\t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &checker{t: t, file: "fuzz.csv"}
		c.summary(ReadCustomers(bytes.NewReader(data), Options{File: "fuzz.csv"}, func(r CustomerRow, errs []*RowError) error {
			c.customer(r, errs)
			return nil
		}))
	})
}

func FuzzReadDocumentsJSON(f *testing.F) {
	seed(f, "testdata/documents.json")
	f.Add([]byte(`[{"amount":{"amount":1e3,"currency":"EUR"}}, 7, null, "x"]`))
	f.Add([]byte(strings.Repeat("[", 64)))
	f.Fuzz(func(t *testing.T, data []byte) {
		readDocsChecked(t, data, Options{File: "fuzz.json", Format: FormatJSON})
	})
}

// FuzzMapping loads mapping files and reads the ERP exports of testdata
// through the ones that load.
func FuzzMapping(f *testing.F) {
	seed(f, "testdata/mapping.json")
	f.Add([]byte(`{"columns": {"Cliente": "customer_id"}, "values": {"kind": {"FAC": "invoice"}}, "decimal": "comma"}`))
	f.Add([]byte(`{"columns": {"Importe": "open_amount", "Pendiente": "amount"}, "values": {"amount": {"": "-1"}}, "date_format": "YYYY-MM-DD"}`))
	exports := map[string][]byte{}
	for _, p := range []string{"testdata/erp-export.csv", "testdata/documents-with-mistakes.csv", "testdata/documents.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		exports[p] = b
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := LoadMapping(bytes.NewReader(data))
		if err != nil {
			if fileCode(err) != "bad_mapping" {
				t.Fatalf("error %v", err)
			}
			return
		}
		for p, b := range exports {
			readDocsChecked(t, b, Options{File: p, Mapping: m})
		}
	})
}

func FuzzReadDocumentsXLSX(f *testing.F) {
	x := excelize.NewFile()
	for i, r := range [][]any{xlsxDocHeader, {"F-1", "C-1", "invoice", 46037, "15/02/2026", "EUR", 1234.56, "1234,56"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		_ = x.SetSheetRow("Sheet1", cell, &r)
	}
	var buf bytes.Buffer
	_ = x.Write(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		readDocsChecked(t, data, Options{File: "fuzz.xlsx", Format: FormatXLSX})
	})
}
