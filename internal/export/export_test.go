package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestSafeNeutralisesFormulasOnly(t *testing.T) {
	cases := map[string]string{
		"=HYPERLINK(\"http://x\",\"click\")": "'=HYPERLINK(\"http://x\",\"click\")",
		"+cmd|' /C calc'!A0":                 "'+cmd|' /C calc'!A0",
		"@SUM(A1:A2)":                        "'@SUM(A1:A2)",
		"-2+3":                               "'-2+3",
		"\t=1":                               "'\t=1",
		"+34 600 123 456":                    "+34 600 123 456",
		"-1.234,56":                          "-1.234,56",
		"-12.50":                             "-12.50",
		"Ferretería Núñez":                   "Ferretería Núñez",
		"":                                   "",
	}
	for in, want := range cases {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSVAndXLSX(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Write([]any{"name", "amount"})
	_ = w.Write([]any{"=evil()", Number("1234.56")})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil || recs[1][0] != "'=evil()" || recs[1][1] != "1234.56" {
		t.Fatalf("csv %v %v", recs, err)
	}
	buf.Reset()
	x, err := NewXLSX(&buf, "Debts")
	if err != nil {
		t.Fatal(err)
	}
	_ = x.Write([]any{"name", "amount"})
	_ = x.Write([]any{"=evil()", Number("1234.56")})
	_ = x.Write([]any{"big", Number("12345678901234567.89")})
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Debts", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if rows[1][0] != "'=evil()" || rows[1][1] != "1234.56" || rows[2][1] != "12345678901234567.89" {
		t.Fatalf("xlsx rows %q", rows)
	}
	if typ, _ := f.GetCellType("Debts", "B2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Fatalf("amount must be a numeric cell, got %v", typ)
	}
}
