package erpimport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"cobro/internal/money"
)

// JSON files are an array of objects, one per row, keyed by the canonical
// column names (or names a mapping renames). Text fields are strings or
// null; money fields are {"amount": <integer minor units>, "currency":
// "EUR"} objects or null. Items are read one at a time.
const (
	// maxItemBytes bounds one item of the array. A document is a few
	// hundred bytes; a field at the length limit, escaped, a few
	// kilobytes.
	maxItemBytes = 1 << 20
	// maxDepth bounds how deeply an item nests: a row is an object of
	// scalars and money objects (depth 2).
	maxDepth = 8
)

func readJSON(src io.ReadSeeker, opt Options, t table, each rowFunc) (Summary, error) {
	sum := Summary{Decimal: money.MarkPoint}
	if err := rewind(src, opt.File); err != nil {
		return sum, err
	}
	budget := &itemBudget{r: src}
	budget.allow(maxItemBytes)
	dec := json.NewDecoder(budget)
	dec.UseNumber()
	line := 1 // the item being read
	// badJSON stops the file; an item too large says which.
	badJSON := func(err error, format string, args ...any) *FileError {
		if errors.Is(err, errItemTooLarge) {
			return newFileError(opt.File, "row_too_long", strconv.Itoa(line), err)
		}
		return newFileError(opt.File, "bad_json", fmt.Sprintf(format, args...), err)
	}
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return sum, newFileError(opt.File, "empty_file", "", nil)
	}
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '[' {
		return sum, badJSON(err, "expected a JSON array of objects")
	}
	cr := newCellReader(opt, money.MarkPoint)
	if isSpanish(opt.Language) {
		cr.slashOrder = "DD/MM/YYYY" // nothing is detected in JSON: see parseDate
	}
	for ; ; line++ {
		budget.allow(maxItemBytes)
		if !dec.More() {
			break
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return sum, badJSON(err, "item %d, byte %d: %v", line, dec.InputOffset(), err)
		}
		r := jsonItem(cr, line, raw, t)
		sum.Rows++
		err := each(cr, r)
		if len(r.errs) == 0 {
			sum.Valid++
		} else {
			sum.Rejected++
		}
		if err != nil {
			return sum, err
		}
	}
	if _, err := dec.Token(); err != nil {
		return sum, badJSON(err, "the array does not end (byte %d): %v", dec.InputOffset(), err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return sum, badJSON(err, "unexpected content after the array (byte %d)", dec.InputOffset())
	}
	return sum, nil
}

// jsonItem reads one item into cells. Money objects become decimal text
// in the cell (exactly: they are integers of minor units), and the
// currency cell when the item has none.
func jsonItem(cr *cellReader, line int, raw json.RawMessage, t table) *row {
	cells := map[string]string{}
	r := cr.row(line, func(col string) string { return cells[col] }, nil)
	broken := func(column, code string, args ...string) *row {
		r.fail(column, "", code, args...)
		r.unreadable = true
		return r
	}
	if !utf8.Valid(raw) {
		return broken("", "bad_encoding")
	}
	if depth(raw) > maxDepth {
		return broken("", "too_deep", strconv.Itoa(maxDepth))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return broken("", "bad_value", "an item must be an object")
	}
	seen := map[string]bool{}
	r.reported = map[string]bool{}
	var amountsIn money.Currency
	for dec.More() {
		tok, err := dec.Token()
		key, _ := tok.(string)
		var v json.RawMessage
		if err != nil || dec.Decode(&v) != nil {
			return broken("", "bad_value", "an item must be an object") // cannot happen: raw is valid JSON
		}
		column := cr.mapping.column(key)
		switch {
		case !slices.Contains(t.columns, column):
			r.fail(key, "", "unknown_field")
			continue
		case seen[column]:
			r.fail(key, "", "duplicate_field")
			continue
		}
		seen[column] = true
		if string(v) == "null" {
			continue
		}
		if !amountColumns[column] {
			var s string
			if json.Unmarshal(v, &s) != nil {
				r.fail(key, string(v), "bad_value", "expected a string")
				r.reported[column] = true
				continue
			}
			cells[column] = s
			continue
		}
		var a money.Amount
		if err := a.UnmarshalJSON(v); err != nil {
			code := "bad_amount"
			if errors.Is(err, money.ErrUnknownCurrency) {
				code = "unknown_currency"
			}
			r.fail(key, string(v), code)
			r.reported[column] = true
			continue
		}
		if amountsIn != "" && a.Currency != amountsIn {
			r.fail(key, string(v), "currency_mismatch", string(a.Currency), string(amountsIn))
			r.reported[column] = true
			continue
		}
		amountsIn = a.Currency
		cells[column] = a.Decimal()
	}
	if amountsIn != "" {
		given := cells["currency"]
		c, err := money.ParseCurrency(given)
		switch {
		case given == "":
			cells["currency"] = string(amountsIn)
		case err == nil && c != amountsIn:
			r.fail("currency", given, "currency_mismatch", string(c), string(amountsIn))
		}
	}
	return r
}

// depth is how deeply raw (valid JSON) nests arrays and objects.
func depth(raw []byte) int {
	d, deepest, inString, escaped := 0, 0, false, false
	for _, b := range raw {
		switch {
		case escaped:
			escaped = false
		case inString && b == '\\':
			escaped = true
		case b == '"':
			inString = !inString
		case inString:
		case b == '[' || b == '{':
			d++
			deepest = max(deepest, d)
		case b == ']' || b == '}':
			d--
		}
	}
	return deepest
}

// itemBudget lets the JSON decoder read a bounded number of bytes for one
// item, so that one enormous item cannot fill the memory.
type itemBudget struct {
	r           io.Reader
	read, limit int64
}

var errItemTooLarge = errors.New("item too large")

func (b *itemBudget) allow(n int64) { b.limit = b.read + n }

func (b *itemBudget) Read(p []byte) (int, error) {
	if b.read >= b.limit {
		return 0, errItemTooLarge
	}
	p = p[:min(len(p), 64<<10)]
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}
