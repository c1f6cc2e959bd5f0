package erpimport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"cobro/internal/money"
)

// Inspection is what a file looks like to cobro before it is imported:
// the header found, each column with the canonical column it is read as
// and a few of its values, and the decimal mark and date order detected.
// The import page shows it so that a person can fix the mapping before a
// dry run.
type Inspection struct {
	Kind   string
	Format Format
	// Sheets are an XLSX workbook's sheets; Sheet the one read.
	Sheets []string
	Sheet  string
	// HeaderRow is the header's row number (0 in JSON, which has none).
	HeaderRow int
	Columns   []FileColumn
	// Decimal is "comma" or "point"; DateFormat the slashed dates' order
	// ("" when the file's dates tell none or are ISO).
	Decimal    string
	DateFormat string
	// Problem is why the file cannot be read as it stands (a required
	// column missing, dates that do not tell their order); nil when it
	// can.
	Problem *FileError
}

// FileColumn is one column of a file.
type FileColumn struct {
	Name string // as the file writes it
	// Column is the canonical column it is read as ("" when none).
	Column  string
	Samples []string // its first values (up to sampleRows)
}

// sampleRows is how many data rows an inspection shows values of.
const sampleRows = 3

// Kinds are what a file may hold: the tables cobro imports.
var Kinds = []string{"customers", "documents", "payments", "receipts"}

func tableOf(kind string) (table, bool) {
	for _, t := range []table{customerTable, documentTable, paymentTable, receiptTable} {
		if t.name == kind {
			return t, true
		}
	}
	return table{}, false
}

// Columns are the canonical columns of kind in documentation order, the
// ones a file must have (or a mapping give), and those of which it needs
// one. ok is false for an unknown kind.
func Columns(kind string) (all, required, oneOf []string, ok bool) {
	t, ok := tableOf(kind)
	return slices.Clone(t.columns), slices.Clone(t.required), slices.Clone(t.oneOf), ok
}

// Inspect reads the start of a file of kind (see Kinds) as a read with
// opt would: the header (with opt.Mapping), up to sampleRows values of
// each column, and the decimal mark and date order. A file that cannot
// be read at all is an error (*FileError); one read but not importable as
// mapped has its Problem set.
func Inspect(src io.ReadSeeker, opt Options, kind string) (Inspection, error) {
	t, ok := tableOf(kind)
	if !ok {
		return Inspection{}, newFileError("mapping", "bad_mapping", fmt.Sprintf("unknown kind %q (%s)", kind, strings.Join(Kinds, ", ")), nil)
	}
	opt = opt.defaults()
	in := Inspection{Kind: kind, Format: opt.Format}
	if opt.Format == FormatJSON {
		return inspectJSON(src, opt, t, in)
	}
	sh, err := openSheet(src, opt)
	if err != nil {
		return in, err
	}
	defer sh.close()
	if x, ok := sh.(*xlsxSheet); ok {
		in.Sheets, in.Sheet = x.f.GetSheetList(), x.name
	}
	recs, err := sh.records()
	if err != nil {
		return in, err
	}
	defer recs.close()
	h, lay, err := findHeader(recs, opt, t)
	var fe *FileError
	switch {
	case h == nil && err != nil:
		return in, err
	case errors.As(err, &fe):
		in.Problem = fe
	case err != nil:
		return in, err
	}
	in.HeaderRow = h.line
	for i, name := range h.names {
		c := h.canon[i]
		if !slices.Contains(t.columns, c) || (in.Problem == nil && lay.cols[c] != i) {
			c = "" // not one of t's, or a repeated column that is not read
		}
		in.Columns = append(in.Columns, FileColumn{Name: strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")), Column: c})
	}
	for n := 0; n < sampleRows; {
		rec, _, err := recs.next()
		if err != nil {
			break // the read itself says what is wrong further down
		}
		if blank(rec) {
			continue
		}
		n++
		for i := range in.Columns {
			if i < len(rec) && strings.TrimSpace(rec[i]) != "" {
				in.Columns[i].Samples = append(in.Columns[i].Samples, clipTo(strings.TrimSpace(rec[i]), 60))
			}
		}
	}
	if in.Problem != nil {
		return in, nil
	}
	mark, order := opt.Decimal, opt.dateFormat()
	if mark == money.MarkUnknown || order == "" {
		m, o, err := detect(sh, opt, t, mark == money.MarkUnknown, order == "")
		if errors.As(err, &fe) {
			in.Problem = fe
			return in, nil
		} else if err != nil {
			return in, err
		}
		if mark == money.MarkUnknown {
			mark = m
		}
		if order == "" {
			order = o
		}
	}
	in.Decimal, in.DateFormat = "point", order
	if mark == money.MarkComma {
		in.Decimal = "comma"
	}
	return in, nil
}

// defaults fills what read fills: the file's name and format, and the
// mapping's decimal mark.
func (o Options) defaults() Options {
	if o.File == "" {
		o.File = "input"
	}
	if o.Format == "" {
		o.Format = FormatFromName(o.File)
	}
	if o.Decimal == money.MarkUnknown {
		o.Decimal = o.Mapping.decimal()
	}
	return o
}

func openSheet(src io.ReadSeeker, opt Options) (sheet, error) {
	switch opt.Format {
	case FormatCSV:
		return openCSV(src, opt)
	case FormatXLSX:
		return openXLSX(src, opt)
	}
	return nil, newFileError(opt.File, "bad_format", fmt.Sprintf("%q", opt.Format), nil)
}

// inspectJSON lists the keys of the first items, with their values.
func inspectJSON(src io.ReadSeeker, opt Options, t table, in Inspection) (Inspection, error) {
	in.Decimal = "point"
	if err := rewind(src, opt.File); err != nil {
		return in, err
	}
	dec := json.NewDecoder(io.LimitReader(src, sampleRows*maxItemBytes))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return in, newFileError(opt.File, "bad_json", "expected a JSON array of objects", err)
	}
	at := map[string]int{}
	for n := 0; n < sampleRows && dec.More(); n++ {
		var item map[string]json.RawMessage
		if err := dec.Decode(&item); err != nil {
			return in, newFileError(opt.File, "bad_json", fmt.Sprintf("item %d: %v", n+1, err), err)
		}
		for _, k := range sortedKeys(item) {
			i, seen := at[k]
			if !seen {
				c := opt.Mapping.column(k)
				if !slices.Contains(t.columns, c) {
					c = ""
				}
				i = len(in.Columns)
				at[k] = i
				in.Columns = append(in.Columns, FileColumn{Name: k, Column: c})
			}
			var s string
			if json.Unmarshal(item[k], &s) != nil {
				var b bytes.Buffer
				_ = json.Compact(&b, item[k])
				s = b.String()
			}
			if s != "" && s != "null" {
				in.Columns[i].Samples = append(in.Columns[i].Samples, clipTo(s, 60))
			}
		}
	}
	var missing []string
	for _, c := range t.required {
		_, constant := opt.Mapping.constant(c)
		if !constant && !slices.ContainsFunc(in.Columns, func(f FileColumn) bool { return f.Column == c }) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 && len(in.Columns) > 0 {
		var keys []string
		for _, c := range in.Columns {
			keys = append(keys, c.Name)
		}
		in.Problem = newFileError(opt.File, "missing_column", strings.Join(missing, ", "), nil, strconv.Quote(clipTo(strings.Join(keys, ", "), 200)))
	}
	return in, nil
}

// GuessPreset names the preset that reads a file of kind best: among the
// presets whose mapping finds the file's header, the one under which most
// of kind's columns are given (read, constant or summed). "" when no
// preset reads it better than no mapping (the canonical and usual names).
// JSON files are keyed by canonical names: never a preset.
func GuessPreset(src io.ReadSeeker, opt Options, kind string) (string, error) {
	t, ok := tableOf(kind)
	opt = opt.defaults()
	if !ok || opt.Format == FormatJSON {
		return "", nil
	}
	sh, err := openSheet(src, opt)
	if err != nil {
		return "", err
	}
	defer sh.close()
	score := func(m *Mapping) (int, error) {
		o := opt
		o.Mapping = m
		recs, err := sh.records()
		if err != nil {
			return -1, err
		}
		defer recs.close()
		h, lay, err := findHeader(recs, o, t)
		var fe *FileError
		if errors.As(err, &fe) || h == nil {
			return -1, nil
		} else if err != nil {
			return -1, err
		}
		n := 0
		for _, c := range t.columns {
			_, constant := m.constant(c)
			if hasKey(lay.cols, c) || constant || len(m.sumsOf(c)) > 0 {
				n++
			}
		}
		return n, nil
	}
	best, err := score(nil)
	if err != nil {
		return "", err
	}
	guess := ""
	for _, p := range Presets() {
		m, err := LoadPreset(p.Name)
		if err != nil {
			continue
		}
		n, err := score(m)
		if err != nil {
			return "", err
		}
		if n > best {
			best, guess = n, p.Name
		}
	}
	return guess, nil
}
