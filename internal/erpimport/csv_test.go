package erpimport

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

func TestEncodings(t *testing.T) {
	text := "customer_id;name;currency;credit_limit\r\n" +
		"C-1;Ferretería Muñoz € Cía;EUR;1.500,00\r\n" +
		"\"C-2\";\"Bar \"\"El Rincón\"\"\r\nPlaza Mayor; 3\";EUR;\r\n"
	cp1252, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cp1252, "\x80") || !strings.Contains(cp1252, "\xf1") {
		t.Fatal("the test file is not Windows-1252")
	}
	files := map[string][]byte{
		"UTF-8":           []byte(text),
		"UTF-8 with BOM":  append([]byte("\ufeff"), text...),
		"Windows-1252":    []byte(cp1252),
		"UTF-16 with BOM": utf16LE(text),
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			res := readCusts(t, data, Options{File: "c.csv"})
			if res.err != nil || len(res.errs) > 0 {
				t.Fatal(res.err, res.errs)
			}
			want := []CustomerRow{
				{Line: 2, ID: "C-1", Name: "Ferretería Muñoz € Cía", Currency: "EUR"},
				{Line: 3, ID: "C-2", Name: "Bar \"El Rincón\"\nPlaza Mayor; 3", Currency: "EUR"},
			}
			if len(res.rows) != 2 || res.rows[0].CreditLimit == nil || res.rows[0].CreditLimit.Minor != 150000 {
				t.Fatalf("rows %+v", res.rows)
			}
			res.rows[0].CreditLimit = nil
			if !slices.Equal(res.rows, want) {
				t.Fatalf("rows\n%+v\nwant\n%+v", res.rows, want)
			}
		})
	}
}

func utf16LE(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

// TestEncodingIsDecidedOnTheWholeFile: the first byte that is not UTF-8
// may come late, and a UTF-8 character may straddle the reader's chunks.
func TestEncodingIsDecidedOnTheWholeFile(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("customer_id,name,currency\n")
	row := func(i int) string { return "C-" + strings.Repeat("0", 6) + string(rune('a'+i%26)) + ",Bar,EUR\n" }
	for i := 0; b.Len() < 60_000; i++ {
		b.WriteString(row(i))
	}
	// A UTF-8 "ñ" across the 64 KiB boundary, then more rows.
	b.WriteString("W,Bar,EUR,")
	for b.Len() != 64<<10-1-len("\nZ,Mu") {
		b.WriteString("x")
	}
	b.WriteString("\nZ,Muñoz,EUR\n")
	for i := 0; b.Len() < 200_000; i++ {
		b.WriteString(row(i))
	}
	head := b.Bytes()
	if head[64<<10-1] != 0xC3 {
		t.Fatalf("the ñ does not straddle the boundary")
	}
	cases := map[string]struct {
		data []byte
		name string
		// A UTF-8 file with one Latin-1 row keeps its UTF-8 names: the
		// Latin-1 row is rejected, and a warning names its line.
		errs    []string
		warning string
	}{
		"UTF-8 across chunks": {head, "Muñoz", nil, ""},
		"Latin-1 row at the end": {append(slices.Clone(head), "Y,Pe\xf1a,EUR\n"...), "Muñoz",
			[]string{fmt.Sprintf("%d:name:bad_encoding", bytes.Count(head, []byte("\n"))+1)},
			fmt.Sprintf("c.csv: line %d is not UTF-8", bytes.Count(head, []byte("\n"))+1)},
		"Latin-1 row at the start": {append([]byte("customer_id,name,currency\nY,Pe\xf1a,EUR\n"), head[len("customer_id,name,currency\n"):]...), "Muñoz",
			[]string{"2:name:bad_encoding"}, "c.csv: line 2 is not UTF-8"},
		"all Windows-1252": {[]byte("customer_id,name,currency\nZ,Mu\xf1oz,EUR\nY,Pe\xf1a \x80,EUR\n"), "Muñoz", nil,
			"c.csv: the file is not UTF-8 (from line 2): it is read as Windows-1252"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			var errs []*RowError
			sum, err := ReadCustomers(bytes.NewReader(c.data), Options{File: "c.csv"}, func(r CustomerRow, e []*RowError) error {
				if r.ID == "Z" || r.ID == "Y" {
					got = append(got, r.Name)
				}
				for _, e := range e {
					if e.Code != "duplicate_id" { // the rows above repeat ids
						errs = append(errs, e)
					}
				}
				return nil
			})
			if err != nil || !slices.Contains(got, c.name) {
				t.Fatalf("%v: names %q, want %q", err, got, c.name)
			}
			if w := where(errs); !slices.Equal(w, c.errs) && len(w)+len(c.errs) > 0 {
				t.Errorf("errors %q, want %q", w, c.errs)
			}
			warned := slices.ContainsFunc(sum.Warnings, func(w string) bool { return c.warning != "" && strings.HasPrefix(w, c.warning) })
			if warned != (c.warning != "") || (c.warning == "" && len(sum.Warnings) > 0) {
				t.Errorf("warnings %q, want one starting %q", sum.Warnings, c.warning)
			}
		})
	}
}

func TestSeparators(t *testing.T) {
	rows := [][]string{{"customer_id", "name", "currency"}, {"C-1", "Bar, Pepe; y Cía", "EUR"}}
	for _, sep := range []string{",", ";", "\t"} {
		res := readCusts(t, csvOf(sep, rows...), Options{File: "c.csv"})
		if res.err != nil || len(res.rows) != 1 || res.rows[0].Name != "Bar, Pepe; y Cía" {
			t.Errorf("separator %q: %v %+v %v", sep, res.err, res.rows, res.errs)
		}
	}
	// The header decides, not the data: names full of commas do not.
	res := readCusts(t, []byte("customer_id;name;currency\nC-1;a,b,c,d,e;EUR\n"), Options{})
	if len(res.rows) != 1 || res.rows[0].Name != "a,b,c,d,e" {
		t.Errorf("%+v %v", res.rows, res.errs)
	}
}

// TestRowNumbers: a row is what a spreadsheet shows — a quoted field with
// line breaks is one row, a blank line is a row.
func TestRowNumbers(t *testing.T) {
	data := "\n\ncustomer_id,name,currency\n" + // header on line 3, after two blank lines
		"C-1,\"two\nlines\",EUR\n" + // row 4
		"C-2,\"three\r\nlines\r\nhere\",XXX\n" + // row 5
		"\n" + // row 6, blank
		",,\n" + // row 7, blank cells
		"C-3,Bar,XXX\r\n" + // row 8
		"C-4,\"a\"\"\n\"\"b\",XXX" // row 9, no final line break
	res := readCusts(t, []byte(data), Options{File: "c.csv"})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if got, want := where(res.errs), []string{"5:currency:unknown_currency", "8:currency:unknown_currency", "9:currency:unknown_currency"}; !slices.Equal(got, want) {
		t.Fatalf("errors %v, want %v", got, want)
	}
	if len(res.rows) != 1 || res.rows[0].Line != 4 || res.rows[0].Name != "two\nlines" || res.sum.Rows != 4 {
		t.Fatalf("%+v %+v", res.rows, res.sum)
	}
}

func TestFileErrors(t *testing.T) {
	huge := "customer_id,name,currency\nC-1,\"" + strings.Repeat("x", 2<<20)
	cases := []struct {
		name, data, code, message string
	}{
		{"empty", "", "empty_file", "c.csv: the file is empty"},
		{"only blank lines", "\n\r\n \n", "empty_file", "c.csv: the file is empty"},
		{"missing columns", "customer_id;nom;mon\nC-1;Bar;EUR\n", "missing_column", `c.csv: missing required columns: name, currency (the header read is "customer_id, nom, mon"); name the file's columns with a mapping (--map FILE) or a preset (--preset NAME; cobro import presets lists them)`},
		{"binary", "\x00\x01\x02\xff\xfe\x00garbage\x00", "missing_column", `c.csv: missing required columns: customer_id, name, currency (the header read is "\x00\x01\x02ÿþ\x00garbage\x00"); name the file's columns with a mapping (--map FILE) or a preset (--preset NAME; cobro import presets lists them)`},
		{"a row with no end", huge, "row_too_long", "c.csv: row 2 is too long for a row of an ERP file"},
		{"no end of line at all", strings.Repeat("customer_id,", 200_000), "row_too_long", "c.csv: row 1 is too long for a row of an ERP file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := readCusts(t, []byte(c.data), Options{File: "c.csv"})
			fe, ok := res.err.(*FileError)
			if !ok || fe.Code != c.code || fe.Error() != c.message {
				t.Fatalf("got %v, want %s: %s", res.err, c.code, c.message)
			}
		})
	}
	res := readCusts(t, []byte("customer_id,name,currency\n"), Options{File: "c.csv"})
	if res.err != nil || res.sum.Rows != 0 {
		t.Fatalf("a header alone is a file of no rows: %v %+v", res.err, res.sum)
	}
	res = readCusts(t, []byte("customer_id,name,currency\nC-2,\"Bar,EUR\n"), Options{File: "c.csv"})
	if res.err != nil || !slices.Equal(where(res.errs), []string{"2:currency:required"}) {
		t.Fatalf("an unclosed quote runs to the end of the file: %v %v", res.err, res.errs)
	}
	_, err := ReadCustomers(bytes.NewReader(nil), Options{File: "c.txt", Format: "ods"}, nil)
	if fileCode(err) != "bad_format" {
		t.Fatalf("format: %v", err)
	}
}

func TestColumnWarnings(t *testing.T) {
	res := readCusts(t, []byte("Customer ID,name,Observaciones,currency,NAME,Almacén,observaciones\nC-1,Bar,x,EUR,Otro,y,z\n"), Options{File: "c.csv"})
	if res.err != nil || len(res.rows) != 1 || res.rows[0].Name != "Bar" {
		t.Fatalf("%v %+v", res.err, res.rows)
	}
	want := []string{"c.csv: columns ignored (not columns of cobro): Observaciones, Almacén, observaciones",
		"c.csv: columns repeated (the first of each is read): NAME"}
	if !slices.Equal(res.sum.Warnings, want) {
		t.Fatalf("warnings %q", res.sum.Warnings)
	}
}
