package erpimport

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"cobro/internal/civil"
)

// xlsxSheet is one sheet of a workbook. excelize buffers the zip; the
// sheet's rows are then streamed, as many times as asked.
type xlsxSheet struct {
	f        *excelize.File
	name     string
	file     string
	date1904 bool
}

// maxUnzipped bounds what a workbook may unzip to: a zip bomb stops here,
// a sheet of millions of rows does not.
const maxUnzipped = 2 << 30

// maxToken bounds one cell's text, or any one XML tag, in a workbook's
// parts, as rowGuard bounds a CSV row: a 1.5 MB workbook holding one cell
// of 1.5 GB stops here, after unzipping a megabyte of it, instead of
// filling the memory when excelize reads the cell.
const maxToken = 1 << 20

func openXLSX(src io.ReadSeeker, opt Options) (*xlsxSheet, error) {
	if err := rewind(src, opt.File); err != nil {
		return nil, err
	}
	// excelize reads the whole zip into memory anyway: read it once, and
	// check its parts before excelize unzips them.
	data, err := io.ReadAll(src)
	if err != nil {
		return nil, newFileError(opt.File, "read_error", err.Error(), err)
	}
	if err := checkZip(data, opt.File, maxUnzipped, maxToken); err != nil {
		return nil, err
	}
	// Raw values: numbers as stored ("1234.5", never "1,234.50" as some
	// number format shows them), dates as serial day numbers.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: maxUnzipped})
	if err != nil {
		return nil, newFileError(opt.File, "bad_xlsx", err.Error(), err)
	}
	name := opt.Sheet
	if name == "" {
		name = f.GetSheetName(0)
	}
	if i, err := f.GetSheetIndex(name); err != nil || i < 0 {
		f.Close()
		return nil, newFileError(opt.File, "bad_xlsx", fmt.Sprintf("no sheet %q (the workbook has: %s)", name,
			strings.Join(f.GetSheetList(), ", ")), err)
	}
	s := &xlsxSheet{f: f, name: name, file: opt.File}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		s.date1904 = *props.Date1904
	}
	return s, nil
}

func (s *xlsxSheet) close() { s.f.Close() }

// checkZip unzips every part of a workbook once, counting the bytes as
// they come out (a zip's declared sizes can lie), and stops at the first
// part that takes the whole past total bytes (too_large) or that holds a
// run of more than token bytes without a '<' (cell_too_long): every cell
// value and every tag of a sheet is such a run. A file that is no zip is
// left for excelize to refuse with its own words.
func checkZip(data []byte, file string, total, token int64) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	var unzipped int64
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return newFileError(file, "bad_xlsx", err.Error(), err)
		}
		n, err := longestRun(bufio.NewReaderSize(rc, 64<<10), token, total-unzipped)
		rc.Close()
		unzipped += n
		switch {
		case errors.Is(err, errTokenTooLong):
			return newFileError(file, "cell_too_long", zf.Name, err, strconv.Itoa(int(token>>20)))
		case errors.Is(err, errTooLarge):
			return newFileError(file, "too_large", strconv.Itoa(int(total>>20)), err)
		case err != nil:
			return newFileError(file, "bad_xlsx", fmt.Sprintf("%s: %v", zf.Name, err), err)
		}
	}
	return nil
}

var (
	errTokenTooLong = errors.New("cell too long")
	errTooLarge     = errors.New("workbook too large")
)

// longestRun reads r to its end, failing as soon as more than token bytes
// come without a '<', or more than budget bytes in all. n is the bytes
// read.
func longestRun(r *bufio.Reader, token, budget int64) (n int64, err error) {
	var run int64
	for {
		chunk, err := r.ReadSlice('<')
		n += int64(len(chunk))
		run += int64(len(chunk))
		switch {
		case run > token:
			return n, errTokenTooLong
		case n > budget:
			return n, errTooLarge
		case err == nil:
			run = 0
		case errors.Is(err, bufio.ErrBufferFull):
		case errors.Is(err, io.EOF):
			return n, nil
		default:
			return n, err
		}
	}
}

func (s *xlsxSheet) records() (records, error) {
	rows, err := s.f.Rows(s.name)
	if err != nil {
		return nil, newFileError(s.file, "bad_xlsx", err.Error(), err)
	}
	return &xlsxRecords{rows: rows, file: s.file}, nil
}

type xlsxRecords struct {
	rows *excelize.Rows
	file string
	line int
}

// next is the next row of the sheet. The iterator yields the sheet's blank
// rows too (as no cells), so the count is the sheet's row number.
func (x *xlsxRecords) next() ([]string, int, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, 0, newFileError(x.file, "bad_xlsx", err.Error(), err)
		}
		return nil, 0, io.EOF
	}
	x.line++
	rec, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, 0, newFileError(x.file, "bad_xlsx", fmt.Sprintf("row %d: %v", x.line, err), err)
	}
	return rec, x.line, nil
}

func (x *xlsxRecords) close() { x.rows.Close() }

// isRawNumber reports whether s is a number as XLSX stores it: an optional
// minus, digits, maybe a fraction and an exponent ("-1234.5", "1E-3").
// A text cell holding such a text is read the same way: the streaming
// reader cannot tell them apart.
func isRawNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// plainDecimal writes a raw XLSX number ("1.2345E3") as a plain decimal
// ("1234.5") exactly, moving the point by the exponent: never through a
// float, which would turn 0.1 into 0.1000000000000000055. Numbers
// without an exponent are returned as they are, trailing zeros included:
// "1.500" may be a text cell meaning one thousand five hundred, and must
// then fail as three decimals, not pass as 1.5. exact is false for an
// exponent beyond what a double holds.
func plainDecimal(s string) (plain string, exact bool) {
	e := strings.IndexAny(s, "eE")
	if e < 0 {
		return s, true
	}
	exp, err := strconv.Atoi(s[e+1:])
	if err != nil || exp > 400 || exp < -400 {
		return "", false
	}
	mant, sign := s[:e], ""
	if strings.HasPrefix(mant, "-") {
		mant, sign = mant[1:], "-"
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	point := len(intPart) + exp // where the point goes in digits
	switch {
	case point <= 0:
		digits, point = strings.Repeat("0", 1-point)+digits, 1
	case point > len(digits):
		digits += strings.Repeat("0", point-len(digits))
	}
	intPart, frac = strings.TrimLeft(digits[:point], "0"), strings.TrimRight(digits[point:], "0")
	if intPart == "" {
		intPart = "0"
	}
	if frac == "" {
		return sign + intPart, true
	}
	return sign + intPart + "." + frac, true
}

// excelDate reads a date serial (days since 1899-12-30, or since 1904-01-01
// in a 1904 workbook; a fraction is the time of day, dropped). The day
// number is read exactly; excelize converts it, and the result is taken at
// noon so that its float arithmetic cannot slip into the day before.
func excelDate(s string, date1904 bool) (civil.Date, bool) {
	plain, ok := plainDecimal(s)
	if !ok || strings.HasPrefix(plain, "-") {
		return civil.Date{}, false
	}
	whole, _, _ := strings.Cut(plain, ".")
	n, err := strconv.Atoi(whole)
	if err != nil || n < 1 || n > 2958465 { // 9999-12-31
		return civil.Date{}, false
	}
	t, err := excelize.ExcelDateToTime(float64(n), date1904)
	if err != nil {
		return civil.Date{}, false
	}
	d := civil.Of(t.UTC().Add(12 * time.Hour))
	if d.Year < 1900 || d.Year > 2999 {
		return civil.Date{}, false
	}
	return d, true
}
