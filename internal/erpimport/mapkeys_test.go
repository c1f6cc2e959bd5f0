package erpimport

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func mustMapping(t *testing.T, js string) *Mapping {
	t.Helper()
	m, err := LoadMapping(strings.NewReader(js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return m
}

// docLine renders a document read back, for comparing.
func docLine(d DocumentRow) string {
	return fmt.Sprintf("%d %s %s %s %s %s..%s %s %s/%s", d.Line, d.ID, d.CustomerID, d.Kind, d.Number, d.IssueDate, d.DueDate,
		d.Currency, d.Amount.Decimal(), d.Open.Decimal())
}

// TestMappingKeys runs each key of the mapping file on a small file:
// what is read, what is rejected, what is warned.
func TestMappingKeys(t *testing.T) {
	cases := []struct {
		name, mapping, file string
		opt                 Options
		docs                []string // valid rows, as docLine
		errs                []string // "row:column:code"
		code                string   // a file error
		warn                string   // a warning that must be given
		skipped             int
	}{
		{name: "header_row skips a preamble",
			mapping: `{"header_row": 3}`,
			file:    "Open items,,,\nAs of 2026-03-01,,,\ndocument_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\nF1,C1,invoice,2026-01-01,2026-02-01,EUR,10.00,10.00\n",
			docs:    []string{"4 F1 C1 invoice F1 2026-01-01..2026-02-01 EUR 10.00/10.00"}},
		{name: "header_row on the wrong row",
			mapping: `{"header_row": 2}`,
			file:    "Open items\nAs of 2026-03-01\ndocument_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n",
			code:    "missing_column"},
		{name: "the header is found below a preamble, and said",
			file: "ACME S.L.;;\nCartera a 01/03/2026;;\n;;\ndocument_id;customer_id;kind;issue_date;due_date;currency;amount;open_amount\nF1;C1;invoice;2026-01-01;2026-02-01;EUR;10,00;10,00\n",
			docs: []string{"5 F1 C1 invoice F1 2026-01-01..2026-02-01 EUR 10.00/10.00"},
			warn: "d.csv: the header is row 4; the rows above it are skipped"},
		{name: "no header anywhere shows the closest row",
			file: "Report\ndocument_id,customer_id,kind\nF1,C1,invoice\n",
			code: "missing_column"},
		{name: "constants for columns the file lacks",
			mapping: `{"constants": {"kind": "factura", "currency": "USD"}}`,
			file:    "document_id,customer_id,issue_date,due_date,amount,open_amount\nF1,C1,2026-01-01,2026-02-01,10.00,4.00\n",
			docs:    []string{"2 F1 C1 invoice F1 2026-01-01..2026-02-01 USD 10.00/4.00"}},
		{name: "a constant fills blank cells only",
			mapping: `{"constants": {"currency": "EUR"}}`,
			file:    "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\nF1,C1,invoice,2026-01-01,2026-02-01,,10.00,4.00\nF2,C1,invoice,2026-01-01,2026-02-01,USD,10.00,4.00\n",
			docs:    []string{"2 F1 C1 invoice F1 2026-01-01..2026-02-01 EUR 10.00/4.00", "3 F2 C1 invoice F2 2026-01-01..2026-02-01 USD 10.00/4.00"}},
		{name: "the company's currency as a constant",
			mapping: `{"constants": {"currency": "company"}}`,
			opt:     Options{CompanyCurrency: "MXN"},
			file:    "document_id,customer_id,kind,issue_date,due_date,amount,open_amount\nF1,C1,invoice,2026-01-01,2026-02-01,10.00,4.00\n",
			docs:    []string{"2 F1 C1 invoice F1 2026-01-01..2026-02-01 MXN 10.00/4.00"}},
		{name: "sums: open is total minus paid",
			mapping: `{"sums": {"open_amount": ["Total", "-Paid", "-Credited"]}, "columns": {"Total": "amount"}}`,
			file:    "document_id,customer_id,kind,issue_date,due_date,currency,Total,Paid,Credited\nF1,C1,invoice,2026-01-01,2026-02-01,EUR,100.00,30.00,\nF2,C1,invoice,2026-01-01,2026-02-01,EUR,100.00,,\nF3,C1,invoice,2026-01-01,2026-02-01,EUR,100.00,x,\nF4,C1,invoice,2026-01-01,2026-02-01,EUR,100.00,60.00,50.00\n",
			docs:    []string{"2 F1 C1 invoice F1 2026-01-01..2026-02-01 EUR 100.00/70.00", "3 F2 C1 invoice F2 2026-01-01..2026-02-01 EUR 100.00/100.00"},
			errs:    []string{"4:Paid:bad_amount", "5:open_amount:negative_amount"}},
		{name: "sums name a column the file lacks",
			mapping: `{"sums": {"open_amount": ["amount", "-Paid"]}}`,
			file:    "document_id,customer_id,kind,issue_date,due_date,currency,amount\n",
			code:    "missing_column"},
		{name: "skip_when: drafts, voids and totals are skipped, not errors",
			mapping: `{"skip_when": {"Invoice State": ["Draft", "void"], "customer_id": ["Total*", "*subtotal*"]}}`,
			file: "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount,Invoice State\n" +
				"F1,C1,invoice,2026-01-01,2026-02-01,EUR,10.00,10.00,Sent\n" +
				"F2,C1,invoice,2026-01-01,2026-02-01,EUR,10.00,10.00,DRAFT\n" +
				"F3,C1,invoice,2026-01-01,2026-02-01,EUR,10.00,10.00,Void\n" +
				",TOTAL for C1,,,,,30.00,30.00,\n" +
				",Cliente C1 (Subtotal),,,,,30.00,30.00,\n" +
				",Totál general,,,,,30.00,30.00,\n",
			docs:    []string{"2 F1 C1 invoice F1 2026-01-01..2026-02-01 EUR 10.00/10.00"},
			skipped: 5, warn: "d.csv: 5 rows skipped (skip_when)"},
		{name: "lines: one row per invoice line",
			mapping: `{"lines": {"sum": ["amount", "open_amount"]}}`,
			file: "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n" +
				"F1,C1,invoice,2026-01-01,2026-02-01,EUR,10.00,10.00\n" +
				"F1,C1,invoice,2026-01-01,2026-02-01,EUR,5.50,5.50\n" +
				"F1,C1,invoice,2026-01-01,2026-02-01,EUR,0.25,0\n" +
				"F2,C1,invoice,2026-01-01,2026-02-01,EUR,1.00,1.00\n",
			docs: []string{"2 F1 C1 invoice F1 2026-01-01..2026-02-01 EUR 15.75/15.50", "5 F2 C1 invoice F2 2026-01-01..2026-02-01 EUR 1.00/1.00"},
			warn: "d.csv: 4 lines read as 2 documents"},
		{name: "lines: invoice-level values must agree",
			mapping: `{"lines": {"sum": ["amount"]}}`,
			file: "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n" +
				"F1,C1,invoice,2026-01-01,2026-02-01,EUR,10.00,12.00\n" +
				"F1,C2,invoice,2026-01-01,2026-02-01,EUR,5.00,12.00\n" +
				"F1,C1,invoice,2026-01-01,2026-02-01,EUR,5.00,11.00\n",
			errs: []string{"3:customer_id:line_mismatch", "4:open_amount:line_mismatch"}},
		{name: "lines of a document further down are a repeated id",
			mapping: `{"lines": {"sum": ["amount"]}}`,
			file: "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n" +
				"F1,C1,invoice,2026-01-01,2026-02-01,EUR,10.00,0\nF2,C1,invoice,2026-01-01,2026-02-01,EUR,1.00,0\nF1,C1,invoice,2026-01-01,2026-02-01,EUR,10.00,0\n",
			docs: []string{"2 F1 C1 invoice F1 2026-01-01..2026-02-01 EUR 10.00/0.00", "3 F2 C1 invoice F2 2026-01-01..2026-02-01 EUR 1.00/0.00"},
			errs: []string{"4:document_id:duplicate_id"}},
	}
	for _, format := range []string{"MM/DD/YYYY", "DD/MM/YYYY", "DD.MM.YYYY", "YYYY/MM/DD", "YYYY-MM-DD"} {
		issue, due := map[string][2]string{
			"MM/DD/YYYY": {"01/31/2026", "2/1/2026"}, "DD/MM/YYYY": {"31/01/2026", "1/2/2026"}, "DD.MM.YYYY": {"31.01.2026", "01.02.2026"},
			"YYYY/MM/DD": {"2026/01/31", "2026/2/1"}, "YYYY-MM-DD": {"2026-01-31", "2026-02-01"},
		}[format][0], map[string][2]string{
			"MM/DD/YYYY": {"01/31/2026", "2/1/2026"}, "DD/MM/YYYY": {"31/01/2026", "1/2/2026"}, "DD.MM.YYYY": {"31.01.2026", "01.02.2026"},
			"YYYY/MM/DD": {"2026/01/31", "2026/2/1"}, "YYYY-MM-DD": {"2026-01-31", "2026-02-01"},
		}[format][1]
		cases = append(cases, struct {
			name, mapping, file string
			opt                 Options
			docs                []string
			errs                []string
			code                string
			warn                string
			skipped             int
		}{name: "date_format " + format, mapping: `{"date_format": "` + format + `"}`,
			file: "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\nF1,C1,invoice," + issue + "," + due + ",EUR,1,1\nF2,C1,invoice,2026-13-01,31/31/2026,EUR,1,1\n",
			docs: []string{"2 F1 C1 invoice F1 2026-01-31..2026-02-01 EUR 1.00/1.00"},
			errs: []string{"3:issue_date:bad_date", "3:due_date:bad_date"}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opt := c.opt
			opt.File = "d.csv"
			if c.mapping != "" {
				opt.Mapping = mustMapping(t, c.mapping)
			}
			res := readDocsAll(t, []byte(c.file), opt)
			if fileCode(res.err) != c.code && !(c.code == "" && res.err == nil) {
				t.Fatalf("file error %v, want %q", res.err, c.code)
			}
			if c.code != "" {
				return
			}
			var docs []string
			for _, d := range res.rows {
				docs = append(docs, docLine(d))
			}
			if !slices.Equal(docs, c.docs) {
				t.Errorf("documents\n%s\nwant\n%s", strings.Join(docs, "\n"), strings.Join(c.docs, "\n"))
			}
			if got := where(res.errs); !slices.Equal(got, append([]string{}, c.errs...)) {
				t.Errorf("errors %q, want %q\n%v", got, c.errs, res.errs)
			}
			if c.warn != "" && !slices.Contains(res.sum.Warnings, c.warn) {
				t.Errorf("warnings %q, want %q", res.sum.Warnings, c.warn)
			}
			if res.sum.Skipped != c.skipped {
				t.Errorf("skipped %d, want %d", res.sum.Skipped, c.skipped)
			}
		})
	}
}

// readDocsAll is readDocs without its check that a row's errors carry its
// own row number: the lines of a document report on their own rows.
func readDocsAll(t *testing.T, data []byte, opt Options) docResult {
	var res docResult
	res.sum, res.err = ReadDocuments(strings.NewReader(string(data)), opt, func(r DocumentRow, errs []*RowError) error {
		if len(errs) == 0 {
			res.rows = append(res.rows, r)
		}
		res.errs = append(res.errs, errs...)
		return nil
	})
	return res
}

// TestLineMismatchNamesBothRows: the message says which row the line
// disagrees with.
func TestLineMismatchNamesBothRows(t *testing.T) {
	res := readDocsAll(t, []byte("document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n"+
		"F1,C1,invoice,2026-01-01,2026-02-01,EUR,10.00,0\nF1,C2,invoice,2026-01-01,2026-02-01,EUR,5.00,0\n"),
		Options{File: "d.csv", Mapping: mustMapping(t, `{"lines": {"sum": ["amount"]}}`)})
	want := `d.csv: row 3, column "customer_id": "C2" differs from row 2, a line of the same document (C1): the lines of one document must agree`
	if len(res.errs) != 1 || res.errs[0].Error() != want {
		t.Fatalf("%v, want %s", res.errs, want)
	}
}

// TestMappingKeysRefused: each key, wrong, is bad_mapping before any file
// is read.
func TestMappingKeysRefused(t *testing.T) {
	cases := map[string]string{
		`{"header_row": -1}`:                                                     "header_row must be a row number",
		`{"header_row": "3"}`:                                                    "cannot unmarshal",
		`{"constants": {"kynd": "invoice"}}`:                                     `constants: "kynd" is not a column of cobro`,
		`{"constants": {"kind": "pedido"}}`:                                      `constants: "pedido" is not a value cobro accepts in kind`,
		`{"constants": {"currency": "EURO"}}`:                                    `constants: "EURO" is not a known ISO 4217 currency`,
		`{"sums": {"number": ["A", "B"]}}`:                                       `sums: "number" is not an amount column`,
		`{"sums": {"open_amount": []}}`:                                          "sums of open_amount: name at least one column",
		`{"sums": {"open_amount": ["Total", "- "]}}`:                             "sums of open_amount: a blank column name",
		`{"skip_when": {"Status": []}}`:                                          `skip_when: "Status" needs a column name and at least one value`,
		`{"lines": {"sum": ["due_date"]}}`:                                       `lines: "due_date" cannot be summed`,
		`{"lines": {"sum": ["amount"], "key": "number"}}`:                        `unknown field "key"`,
		`{"date_format": "D/M/Y"}`:                                               "date_format must be",
		`{"constants": {"kind": "FAC"}, "values": {"kind": {"FAC": "invoice"}}}`: "",
	}
	for in, want := range cases {
		_, err := LoadMapping(strings.NewReader(in))
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", in, err)
			}
			continue
		}
		if fileCode(err) != "bad_mapping" || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}

// TestDateFormatOptionWinsOverTheMapping: --date-format is the option.
func TestDateFormatOptionWinsOverTheMapping(t *testing.T) {
	file := "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\nF1,C1,invoice,02/03/2026,02/04/2026,EUR,1,1\n"
	m := mustMapping(t, `{"date_format": "DD/MM/YYYY"}`)
	res := readDocs(t, []byte(file), Options{File: "d.csv", Mapping: m, DateFormat: "MM/DD/YYYY"})
	if res.err != nil || len(res.rows) != 1 || res.rows[0].IssueDate.String() != "2026-02-03" || res.sum.DateFormat != "MM/DD/YYYY" {
		t.Fatalf("%v %+v %+v", res.err, res.rows, res.sum)
	}
	res = readDocs(t, []byte(file), Options{File: "d.csv", Mapping: m})
	if res.err != nil || len(res.rows) != 1 || res.rows[0].IssueDate.String() != "2026-03-02" {
		t.Fatalf("%v %+v", res.err, res.rows)
	}
}
