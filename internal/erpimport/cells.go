package erpimport

import (
	"errors"
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"cobro/internal/civil"
	"cobro/internal/money"
)

// cellReader turns the cells of each row into canonical values and
// errors. One is made per file and shared by every format; it remembers
// the ids seen so far.
type cellReader struct {
	file       string
	mark       money.DecimalMark
	mapping    *Mapping
	dateFormat string
	maxLen     int
	// rawNumbers says cells may be numbers as an XLSX file stores them:
	// amounts as the shortest decimal that reads back as the stored
	// double ("1234.5", "1E-3"), dates as serial day numbers.
	rawNumbers bool
	date1904   bool // the workbook counts its serials from 1904
	// slashOrder is the day-month order of the file's slashed dates
	// when no date format was given: detected, or "" (JSON).
	slashOrder      string
	companyCurrency money.Currency
	seen            idSet
}

func newCellReader(opt Options, mark money.DecimalMark) *cellReader {
	maxLen := opt.MaxFieldLen
	if maxLen <= 0 {
		maxLen = defaultMaxFieldLen
	}
	return &cellReader{file: opt.File, mark: mark, mapping: opt.Mapping, dateFormat: opt.dateFormat(),
		maxLen: maxLen, companyCurrency: opt.CompanyCurrency, seen: newIDSet()}
}

// cells is one record seen through its header: the text of a canonical
// column ("" when the file does not have it).
type cells func(column string) string

// row collects one row's errors as its cells are read.
type row struct {
	cr    *cellReader
	line  int
	cells cells
	errs  []*RowError
	// unreadable says the row could not be read as cells at all (a JSON
	// item that is not an object): its one error says why, and its
	// columns are not checked.
	unreadable bool
	// reported are columns whose error was found before their cells were
	// read (a JSON value of the wrong type): they are not judged again.
	reported map[string]bool
	// line2 says the row is a further line of the document before it
	// (the mapping's lines): its id is not a repeat.
	line2 bool
}

func (cr *cellReader) row(line int, c cells, errs []*RowError) *row {
	return &row{cr: cr, line: line, cells: c, errs: errs}
}

func (r *row) fail(column, value, code string, args ...string) {
	if strings.HasPrefix(column, "@") {
		column = r.cr.mapping.label(column)
	}
	r.errs = append(r.errs, newRowError(r.cr.file, r.line, column, value, code, args...))
}

// text is a cell, trimmed and with the mapping's value codes applied. A
// cell over the length limit is reported, and ok is false.
func (r *row) text(column string) (v string, ok bool) {
	if r.reported[column] {
		return "", false
	}
	v = strings.TrimSpace(r.cells(column))
	if len(v) > r.cr.maxLen && utf8.RuneCountInString(v) > r.cr.maxLen {
		r.fail(column, v, "field_too_long", strconv.Itoa(r.cr.maxLen))
		return "", false
	}
	if !utf8.ValidString(v) {
		// A UTF-8 file with a row in another encoding: that row is
		// refused rather than the whole file read as Windows-1252.
		r.fail(column, strings.ToValidUTF8(v, "\ufffd"), "bad_encoding")
		return "", false
	}
	if c, bad := control(v, column); bad {
		r.fail(column, v, "control_character", fmt.Sprintf("U+%04X", c))
		return "", false
	}
	if v == "" {
		if c, ok := r.cr.mapping.constant(column); ok {
			v = c
			if column == "currency" && c == companyCurrency {
				v = string(r.cr.companyCurrency)
			}
		}
	}
	return strings.TrimSpace(r.cr.mapping.value(column, v)), true
}

// control finds a control character in v: NUL and the other C0 and C1
// controls, which no ERP means in a name or an id (SQLite would keep "N2\x00"
// as another customer than "N2"; PostgreSQL refuses the whole file). Tab
// and line breaks are text in free-text columns, never in an id or a code.
func control(v, column string) (rune, bool) {
	free := freeText[column]
	for _, c := range v {
		if !unicode.IsControl(c) {
			continue
		}
		if free && (c == '\t' || c == '\n' || c == '\r') {
			continue
		}
		return c, true
	}
	return 0, false
}

// freeText are the columns a person writes sentences in: a line break is
// part of the text there.
var freeText = map[string]bool{"name": true}

// optional is a cell whose errors, if any, are already reported.
func (r *row) optional(column string) string {
	v, _ := r.text(column)
	return v
}

// required is a cell that must not be blank.
func (r *row) required(column string) string {
	v, ok := r.text(column)
	if ok && v == "" {
		r.fail(column, "", "required")
	}
	return v
}

// currency is a required ISO 4217 code; "" when blank or unknown.
func (r *row) currency(column string) money.Currency {
	v := r.required(column)
	if v == "" {
		return ""
	}
	c, err := money.ParseCurrency(v)
	if err != nil {
		r.fail(column, v, "unknown_currency")
		return ""
	}
	return c
}

// amount reads an amount of cur exactly; ok is false when it is blank or
// bad (bad is reported). With no valid currency the amount is still read,
// to report text that is no amount at all, but nothing is returned.
func (r *row) amount(column string, cur money.Currency, required bool) (a money.Amount, ok bool) {
	if parts := r.cr.mapping.sumsOf(column); parts != nil {
		return r.sum(column, parts, cur, required)
	}
	v, ok := r.text(column)
	if !ok {
		return money.Amount{}, false
	}
	if v == "" {
		if required {
			r.fail(column, "", "required")
		}
		return money.Amount{}, false
	}
	return r.parseAmount(column, v, cur)
}

// sum is a canonical amount the mapping computes from file columns, each
// blank one counting zero; the errors of each are reported under its own
// name.
func (r *row) sum(column string, parts []sumPart, cur money.Currency, required bool) (money.Amount, bool) {
	total, any, good := money.Zero(cur), false, true
	for _, p := range parts {
		v, ok := r.text(p.key)
		if !ok {
			good = false
			continue
		}
		if v == "" {
			continue
		}
		any = true
		a, ok := r.parseAmount(p.header, v, cur)
		if !ok {
			good = false
			continue
		}
		if p.neg {
			a.Minor = -a.Minor // money.Parse never gives math.MinInt64
		}
		var err error
		if total, err = total.Add(a); err != nil {
			r.fail(column, "", "bad_amount")
			good = false
		}
	}
	if !any && good {
		if required {
			r.fail(column, "", "required")
		}
		return money.Amount{}, false
	}
	return total, good && cur.Valid()
}

// parseAmount reads v, a cell of column, as an amount of cur.
func (r *row) parseAmount(column, v string, cur money.Currency) (money.Amount, bool) {
	text, sym, _, shaped := splitAmount(v)
	if !shaped {
		r.fail(column, v, "bad_amount")
		return money.Amount{}, false
	}
	mark := r.cr.mark
	if r.cr.rawNumbers && isRawNumber(v) {
		var exact bool
		if text, exact = plainDecimal(v); !exact {
			r.fail(column, v, "bad_amount")
			return money.Amount{}, false
		}
		mark = money.MarkPoint
	}
	if sym != "" {
		switch other, ok := symbolCurrency(sym, cur); {
		case !knownSymbol(sym):
			r.fail(column, v, "bad_amount")
			return money.Amount{}, false
		case !ok && cur.Valid():
			r.fail(column, v, "currency_mismatch", other, string(cur))
			return money.Amount{}, false
		}
	}
	parseIn := cur
	if !cur.Valid() {
		parseIn = "KWD" // the most decimals any currency has: only the syntax is checked
	}
	a, err := money.Parse(text, parseIn, mark)
	switch {
	case err == nil:
		return a, cur.Valid()
	case !looksLikeAmount(text): // "diez" is no amount, whatever its decimals
		r.fail(column, v, "bad_amount")
	case errors.Is(err, money.ErrTooManyDecimals):
		if cur.Valid() {
			r.fail(column, v, "too_many_decimals", string(cur), strconv.Itoa(cur.Digits()))
		}
	case errors.Is(err, money.ErrSyntax) && otherMark(text, mark):
		r.fail(column, v, "mixed_decimal", string(rune(mark)))
	default:
		r.fail(column, v, "bad_amount")
	}
	return money.Amount{}, false
}

// otherMark reports whether v is an amount written with the decimal mark
// other than mark: a file that mixes both, or the wrong --decimal.
func otherMark(v string, mark money.DecimalMark) bool {
	if !looksLikeAmount(v) {
		return false
	}
	switch evidence(v) {
	case money.PointEvidence:
		return mark == money.MarkComma
	case money.CommaEvidence:
		return mark == money.MarkPoint
	}
	return false
}

// looksLikeAmount reports whether s has only what an amount written by a
// person has: digits, points, commas, and a sign in front. Only such
// values tell the decimal mark of a file.
func looksLikeAmount(s string) bool {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimLeft(s, "+-"))
	digits := false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' || c == ',':
		default:
			return false
		}
	}
	return digits
}

// date reads a date in the date format given or detected (see
// parseDate), or an XLSX date serial. Years outside 1900–2999 are
// refused: in ERP files they are placeholders ("01/01/0001") or typos.
func (r *row) date(column string, required bool) civil.Date {
	v, ok := r.text(column)
	if !ok {
		return civil.Date{}
	}
	if v == "" {
		if required {
			r.fail(column, "", "required")
		}
		return civil.Date{}
	}
	if r.cr.rawNumbers && isRawNumber(v) {
		d, ok := excelDate(v, r.cr.date1904)
		if !ok {
			r.fail(column, v, "bad_date")
		}
		return d
	}
	d, code, args := parseDate(v, r.cr.dateFormat, r.cr.slashOrder)
	if code != "" {
		r.fail(column, v, code, args...)
		return civil.Date{}
	}
	return d
}

// unique reports a second occurrence of an id in the file.
func (r *row) unique(column, id string) {
	if id != "" && !r.line2 && !r.cr.seen.add(id) {
		r.fail(column, id, "duplicate_id")
	}
}

// idSet remembers the ids of a file by a 128-bit hash: 16 bytes an id
// however long the ids are, so memory stays flat as files grow, and two
// different ids collide with a probability of about 10^-26 in a file of a
// million rows — never in practice.
type idSet struct {
	seeds [2]maphash.Seed
	seen  map[[2]uint64]struct{}
}

func newIDSet() idSet {
	return idSet{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, seen: map[[2]uint64]struct{}{}}
}

// add reports whether id is new.
func (s idSet) add(id string) bool {
	k := [2]uint64{maphash.String(s.seeds[0], id), maphash.String(s.seeds[1], id)}
	if _, dup := s.seen[k]; dup {
		return false
	}
	s.seen[k] = struct{}{}
	return true
}
