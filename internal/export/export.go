// Package export writes tables people open in a spreadsheet: CSV and XLSX.
// Cells that a spreadsheet would run as a formula are neutralised (OWASP
// "CSV injection"), without mangling plain numbers or phone numbers.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Writer writes rows of cells to one format.
type Writer interface {
	Write(cells []any) error
	Close() error
}

// plainNumber matches what is data, not a formula, even when it starts
// with + or -: "-12,50", "+34 600 123 456", "-1.234,56".
var plainNumber = regexp.MustCompile(`^[+-]?[0-9][0-9 .,]*$`)

// Safe returns s so that a spreadsheet shows it as text: a cell starting
// with = + - @ tab or carriage return that is not a plain number gets a
// leading apostrophe.
func Safe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if !plainNumber.MatchString(s) {
			return "'" + s
		}
	}
	return s
}

type csvWriter struct{ w *csv.Writer }

// NewCSV writes CSV (UTF-8 with a BOM, so spreadsheets read accents right).
func NewCSV(w io.Writer) (Writer, error) {
	if _, err := w.Write([]byte("\ufeff")); err != nil {
		return nil, err
	}
	return &csvWriter{w: csv.NewWriter(w)}, nil
}

func (c *csvWriter) Write(cells []any) error {
	rec := make([]string, len(cells))
	for i, v := range cells {
		rec[i] = Safe(fmt.Sprint(v))
	}
	return c.w.Write(rec)
}

func (c *csvWriter) Close() error { c.w.Flush(); return c.w.Error() }

type xlsxWriter struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	row int
	out io.Writer
}

// NewXLSX writes an XLSX workbook with one sheet, streaming rows.
func NewXLSX(w io.Writer, sheet string) (Writer, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	return &xlsxWriter{f: f, sw: sw, out: w}, nil
}

// Write adds a row. Strings are neutralised like CSV cells; numbers given
// as Number are written as numeric cells.
func (x *xlsxWriter) Write(cells []any) error {
	x.row++
	row := make([]any, len(cells))
	for i, v := range cells {
		switch v := v.(type) {
		case string:
			row[i] = Safe(v)
		case Number:
			row[i] = v.cell()
		default:
			row[i] = v
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, row)
}

func (x *xlsxWriter) Close() error {
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.out)
	return err
}

// Number is an exact decimal amount ("1234.56") for a numeric cell.
type Number string

// cell is the numeric cell of n. XLSX stores every number as an IEEE
// double, so this is the one place an amount becomes a float: a decimal of
// at most 15 significant digits survives the round trip exactly (the file
// holds the shortest representation, "1234.56"); a longer one is written
// as text rather than changed.
func (n Number) cell() any {
	digits := 0
	for _, r := range n {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || digits > 15 {
		return string(n)
	}
	return f
}
