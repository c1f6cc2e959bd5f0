package erpimport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"cobro/internal/money"
)

// Mapping turns an ERP's own column names and value codes into cobro's,
// and may say how its numbers and dates are written. It is read from a
// small JSON file (the --map flag):
//
//	{"columns": {"Cliente": "customer_id", "Importe": "amount", "Pendiente": "open_amount"},
//	 "values": {"kind": {"FAC": "invoice", "ABO": "credit_note", "DEV": "returned"},
//	            "instrument": {"EF": "cash", "PAG": "promissory_note"}},
//	 "decimal": "comma", "date_format": "DD/MM/YYYY"}
//
// Names and codes match as column names do: ignoring case, accents,
// spaces, '_' and '-'.
type Mapping struct {
	// Columns maps a file's header to a canonical column.
	Columns map[string]string `json:"columns"`
	// Values maps, per canonical column, the file's codes to values cobro
	// reads, before the row is checked.
	Values map[string]map[string]string `json:"values"`
	// Decimal is "comma" or "point"; "" or "auto" detects it.
	Decimal string `json:"decimal"`
	// DateFormat is "YYYY-MM-DD", "DD/MM/YYYY", or "" or "auto" for
	// either.
	DateFormat string `json:"date_format"`

	columns map[string]string            // folded header → canonical column
	values  map[string]map[string]string // canonical column → folded code → value
}

// canonical is every column a mapping may name, by its folded name.
var canonical = func() map[string]string {
	m := map[string]string{}
	for _, t := range []table{customerTable, documentTable, receiptTable} {
		for _, c := range t.columns {
			m[fold(c)] = c
		}
	}
	return m
}()

// closedLists are the columns whose values a mapping must map to a word
// cobro knows.
var closedLists = map[string]func(string) bool{
	"kind":       func(v string) bool { return kinds[fold(v)] != "" },
	"instrument": func(v string) bool { _, ok := instruments[fold(v)]; return ok },
	"status":     func(v string) bool { _, ok := statuses[fold(v)]; return ok },
	"language":   func(v string) bool { _, ok := language(v); return ok },
}

// LoadMapping reads and checks a mapping file: every column named must be
// one of cobro's, every value given for a closed list (kind, instrument,
// status, language) one it accepts, and no field unknown. Its error is a
// *FileError with code bad_mapping.
func LoadMapping(r io.Reader) (*Mapping, error) {
	m, err := loadMapping(r)
	if err != nil {
		return nil, newFileError("mapping", "bad_mapping", err.Error(), err)
	}
	return m, nil
}

func loadMapping(r io.Reader) (*Mapping, error) {
	var m Mapping
	dec := json.NewDecoder(io.LimitReader(r, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected content after the mapping object")
	}
	columns := names(canonical)
	m.columns = map[string]string{}
	for _, from := range sortedKeys(m.Columns) {
		to, ok := canonical[fold(m.Columns[from])]
		if !ok {
			return nil, fmt.Errorf("column %q maps to %q, which is not a column of cobro (%s)", from, m.Columns[from], columns)
		}
		if prev, dup := m.columns[fold(from)]; dup && prev != to {
			return nil, fmt.Errorf("column %q is mapped twice, to %s and %s", from, prev, to)
		}
		m.columns[fold(from)] = to
	}
	m.values = map[string]map[string]string{}
	for _, col := range sortedKeys(m.Values) {
		c, ok := canonical[fold(col)]
		if !ok {
			return nil, fmt.Errorf("values are given for %q, which is not a column of cobro (%s)", col, columns)
		}
		if m.values[c] == nil {
			m.values[c] = map[string]string{}
		}
		for _, from := range sortedKeys(m.Values[col]) {
			to := m.Values[col][from]
			if known := closedLists[c]; known != nil && !known(to) {
				return nil, fmt.Errorf("values of %s: %q maps to %q, which cobro does not accept in %s", c, from, to, c)
			}
			if prev, dup := m.values[c][fold(from)]; dup && prev != to {
				return nil, fmt.Errorf("values of %s: %q is mapped twice, to %q and %q", c, from, prev, to)
			}
			m.values[c][fold(from)] = to
		}
	}
	switch m.Decimal {
	case "", "auto", "comma", "point":
	default:
		return nil, fmt.Errorf("decimal must be comma, point or auto, not %q", m.Decimal)
	}
	switch m.DateFormat {
	case "", "auto", "YYYY-MM-DD", "DD/MM/YYYY":
	default:
		return nil, fmt.Errorf("date_format must be YYYY-MM-DD, DD/MM/YYYY or auto, not %q", m.DateFormat)
	}
	return &m, nil
}

// column is the canonical column of a file's header (or JSON key): the
// mapping's, else the header itself when it names a canonical column
// (ignoring case, accents, spaces, '_' and '-'), else the header folded.
func (m *Mapping) column(header string) string {
	h := fold(strings.TrimPrefix(header, "\ufeff"))
	if m != nil {
		if to, ok := m.columns[h]; ok {
			return to
		}
	}
	if c, ok := canonical[h]; ok {
		return c
	}
	return h
}

// value is v with the mapping's code for column applied.
func (m *Mapping) value(column, v string) string {
	if m != nil {
		if to, ok := m.values[column][fold(v)]; ok {
			return to
		}
	}
	return v
}

func (m *Mapping) decimal() money.DecimalMark {
	if m != nil {
		switch m.Decimal {
		case "comma":
			return money.MarkComma
		case "point":
			return money.MarkPoint
		}
	}
	return money.MarkUnknown
}

func (m *Mapping) dateFormat() string {
	if m == nil {
		return ""
	}
	return m.DateFormat
}

// sortedKeys makes errors the same from one run to the next.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func names(m map[string]string) string { return strings.Join(slices.Sorted(maps.Values(m)), ", ") }
