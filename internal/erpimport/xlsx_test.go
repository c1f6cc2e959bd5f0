package erpimport

import (
	"archive/zip"
	"bytes"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cobro/internal/civil"
	"cobro/internal/money"
)

// workbook builds an XLSX file: sheets of rows by sheet row number (1-based).
// Cells are written with their Go type: numbers as numeric cells,
// time.Time as date cells, strings as text.
func workbook(t testing.TB, sheets map[string]map[int][]any, order ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		// Rows in order, so that the shared strings' indexes are the same
		// at every run (tests rewrite cells by them).
		for _, n := range slices.Sorted(maps.Keys(sheets[name])) {
			row := sheets[name][n]
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, n)
				var err error
				if s, ok := v.(string); ok {
					err = f.SetCellStr(name, cell, s)
				} else {
					err = f.SetCellValue(name, cell, v)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rewrite replaces text in one part of a zip: how a test writes what
// excelize never writes but Excel does (numbers with exponents).
func rewrite(t *testing.T, data []byte, part, old, new string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		if f.Name == part {
			if !strings.Contains(string(b), old) {
				t.Fatalf("%s has no %s", part, old)
			}
			b = []byte(strings.ReplaceAll(string(b), old, new))
		}
		w, _ := zw.Create(f.Name)
		_, _ = w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

var xlsxDocHeader = []any{"document_id", "customer_id", "kind", "issue_date", "due_date", "currency", "amount", "open_amount"}

// Variables, not constants: constants would add up exactly to 0.3.
var pointOne, pointTwo = 0.1, 0.2

func TestXLSX(t *testing.T) {
	jan15 := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	data := workbook(t, map[string]map[int][]any{"Hoja1": {
		1: xlsxDocHeader,
		2: {"F-1", "C-1", "invoice", jan15, "15/02/2026", "EUR", 1234.56, 1234.56},
		3: {"F-2", "C-1", "invoice", 46037, "2026-02-15", "EUR", 0.1, "0,10"}, // a serial number; an amount as text
		// row 4 is blank
		5: {"F-3", "C-1", "invoice", jan15, jan15, "EUR", pointOne + pointTwo, 0}, // 0.30000000000000004
		6: {"F-4", "C-1", "invoice", time.Date(2026, 3, 1, 18, 30, 0, 0, time.UTC), jan15, "EUR", 1e21, 0},
		7: {"F-5", "C-1", "abono", jan15, "31/02/2026", "EUR", -45.5, -45.5},
		8: {"F-6", "C-1", "factura", jan15, jan15, "JPY", 1500, 250},
		9: {"F-7", "C-1", "invoice", jan15, jan15, "EUR", 7777, 0},
	}}, "Hoja1")
	data = rewrite(t, data, "xl/worksheets/sheet1.xml", "<v>7777</v>", "<v>1.23456E3</v>")
	res := readDocs(t, data, Options{File: "x.xlsx"})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if got, want := where(res.errs), []string{"5:amount:too_many_decimals", "6:amount:bad_amount", "7:due_date:bad_date"}; !slices.Equal(got, want) {
		t.Fatalf("errors %v, want %v\n%v", got, want, res.errs)
	}
	if res.sum.Decimal != money.MarkComma {
		t.Errorf("the text amount \"0,10\" tells a decimal comma; got %c", res.sum.Decimal)
	}
	type got struct {
		line          int
		issue, due    string
		amount, open  int64
		cur           money.Currency
		kind, numbers string
	}
	var rows []got
	for _, r := range res.rows {
		rows = append(rows, got{r.Line, r.IssueDate.String(), r.DueDate.String(), r.Amount.Minor, r.Open.Minor, r.Currency, r.Kind, r.Number})
	}
	want := []got{
		{2, "2026-01-15", "2026-02-15", 123456, 123456, "EUR", "invoice", "F-1"},
		{3, "2026-01-15", "2026-02-15", 10, 10, "EUR", "invoice", "F-2"},
		{8, "2026-01-15", "2026-01-15", 1500, 250, "JPY", "invoice", "F-6"},
		{9, "2026-01-15", "2026-01-15", 123456, 0, "EUR", "invoice", "F-7"},
	}
	if !slices.Equal(rows, want) {
		t.Fatalf("rows\n%v\nwant\n%v", rows, want)
	}
	if res.sum.Rows != 7 {
		t.Fatalf("summary %+v", res.sum)
	}
}

func TestXLSXSheetsAndHeader(t *testing.T) {
	data := workbook(t, map[string]map[int][]any{
		"Resumen":  {1: {"Informe de clientes"}},
		"Clientes": {2: {"Customer ID", "Name", "Currency", "Credit Limit"}, 3: {"C-1", "Bar", "EUR", 1500}, 4: {"C-2", "Pub", "EUR", "2.000,50"}},
	}, "Resumen", "Clientes")
	res := readCusts(t, data, Options{File: "c.xlsx", Sheet: "Clientes"})
	if res.err != nil || len(res.errs) > 0 || len(res.rows) != 2 {
		t.Fatal(res.err, res.errs)
	}
	if r := res.rows[0]; r.Line != 3 || r.CreditLimit.Minor != 150000 || res.rows[1].CreditLimit.Minor != 200050 {
		t.Fatalf("%+v", res.rows)
	}
	res = readCusts(t, data, Options{File: "c.xlsx"})
	if fileCode(res.err) != "missing_column" {
		t.Fatalf("the first sheet is read by default: %v", res.err)
	}
	res = readCusts(t, data, Options{File: "c.xlsx", Sheet: "Nope"})
	if fileCode(res.err) != "bad_xlsx" || res.err.Error() != `c.xlsx: not a readable XLSX workbook: no sheet "Nope" (the workbook has: Resumen, Clientes)` {
		t.Fatalf("missing sheet: %v", res.err)
	}
	for _, bad := range []string{"PK\x03\x04 not really a zip", "customer_id,name,currency\n"} {
		res = readCusts(t, []byte(bad), Options{File: "c.xlsx"})
		if fileCode(res.err) != "bad_xlsx" || !strings.Contains(res.err.Error(), "not a readable XLSX workbook") {
			t.Fatalf("%q: %v", bad, res.err)
		}
	}
}

// TestXLSXTextThatLooksLikeANumber: the streaming reader cannot tell a
// text cell "1.500" from a number, so it reads it with a point — and three
// decimals in euros are refused rather than read as 1.50.
func TestXLSXTextThatLooksLikeANumber(t *testing.T) {
	data := workbook(t, map[string]map[int][]any{"S": {
		1: xlsxDocHeader,
		2: {"F-1", "C-1", "invoice", "2026-01-15", "2026-01-15", "EUR", "1.500", "0"},
	}}, "S")
	res := readDocs(t, data, Options{File: "x.xlsx"})
	if res.err != nil || !slices.Equal(where(res.errs), []string{"2:amount:too_many_decimals"}) {
		t.Fatal(res.err, res.errs)
	}
}

func TestXLSXDate1904(t *testing.T) {
	f := excelize.NewFile()
	yes := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
		t.Fatal(err)
	}
	for i, v := range [][]any{xlsxDocHeader, {"F-1", "C-1", "invoice", 44575, 44575, "EUR", 1, 1}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	_ = f.Write(&buf)
	res := readDocs(t, buf.Bytes(), Options{File: "x.xlsx"})
	// 44575 days after 1904-01-01; in a 1900 workbook it would be 2022-01-14.
	if res.err != nil || len(res.rows) != 1 || res.rows[0].IssueDate.String() != "2026-01-15" {
		t.Fatalf("%v %v %+v", res.err, res.errs, res.rows)
	}
}

func TestExcelDates(t *testing.T) {
	epoch := civil.Date{Year: 1899, Month: 12, Day: 30}
	for n := 61; n <= 401768; n += 7 { // 1900-03-01 to 2999-12-31
		want := epoch.AddDays(n)
		s := strconv.Itoa(n)
		if d, ok := excelDate(s, false); !ok || d != want {
			t.Fatalf("serial %s: %v, want %v", s, d, want)
		}
	}
	for s, want := range map[string]string{"1": "1900-01-01", "59": "1900-02-28", "61": "1900-03-01", "46037.999": "2026-01-15",
		"4.6037E4": "2026-01-15", "401768": "2999-12-31", "0": "", "-1": "", "401769": "", "1E999": "", "2958466": ""} {
		d, ok := excelDate(s, false)
		if d.String() != want || ok != (want != "") {
			t.Errorf("serial %s: %v %v, want %q", s, d, ok, want)
		}
	}
}

func TestRawNumbers(t *testing.T) {
	for s, want := range map[string]string{"1234.5": "1234.5", "-1234.50": "-1234.50", "1.500": "1.500", "0": "0",
		"1.23456E3": "1234.56", "1E3": "1000", "1e+3": "1000", "1E-3": "0.001", "-2.5E-1": "-0.25", "1.0000000000000001E-5": "0.000010000000000000001",
		"12.5E1": "125", "1.250E1": "12.5", "2.50000E-1": "0.25", "0.5E1": "5", "5E0": "5", "1.5E401": "", "1E401": ""} {
		if !isRawNumber(s) {
			t.Errorf("%s is a raw number", s)
		}
		got, ok := plainDecimal(s)
		if got != want || ok != (want != "") {
			t.Errorf("plainDecimal(%s) = %q %v, want %q", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "-", "1.", ".5", "1,5", "1.2.3", "1E", "E3", "+1", "1 000", "0x10", "1e3.5", "١٢"} {
		if isRawNumber(s) {
			t.Errorf("%q is not a raw number", s)
		}
	}
}
