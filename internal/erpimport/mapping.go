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
	Columns map[string]string `json:"columns,omitempty"`
	// Values maps, per canonical column, the file's codes to values cobro
	// reads, before the row is checked.
	Values map[string]map[string]string `json:"values,omitempty"`
	// Decimal is "comma" or "point"; "" or "auto" detects it.
	Decimal string `json:"decimal,omitempty"`
	// DateFormat is one of DateFormats, or "" or "auto" to detect it.
	DateFormat string `json:"date_format,omitempty"`
	// HeaderRow is the header's row number (1 = the first line); 0 finds
	// it: the first row holding the required columns.
	HeaderRow int `json:"header_row,omitempty"`
	// Constants give a canonical column the file lacks a value, or its
	// blank cells a default.
	Constants map[string]string `json:"constants,omitempty"`
	// Sums compute a canonical amount as the sum of file columns, each
	// negated when written "-Column".
	Sums map[string][]string `json:"sums,omitempty"`
	// SkipWhen skips the rows whose file column matches one of the
	// patterns (case- and accent-insensitive, '*' any text).
	SkipWhen map[string][]string `json:"skip_when,omitempty"`
	// Lines, when set, reads rows with the same document_id as the lines
	// of one document.
	Lines *Lines `json:"lines,omitempty"`
	// About says what export a preset reads; free text.
	About string `json:"about,omitempty"`

	columns   map[string]string            // folded header → canonical column
	values    map[string]map[string]string // canonical column → folded code → value
	constants map[string]string            // canonical column → value
	sums      map[string][]sumPart         // canonical amount column → its parts
	skip      []skipRule
	lineSums  map[string]bool // canonical columns summed over a document's lines
}

// Lines says how a file that writes one row per invoice line is read: the
// canonical columns in Sum are added up over a document's lines, every
// other value must be the same on each.
type Lines struct {
	Sum []string `json:"sum"`
}

// DateFormats are the date formats a mapping or --date-format may name.
var DateFormats = []string{"YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY", "YYYY/MM/DD"}

// sumPart is one file column of a sum.
type sumPart struct {
	header string // as the mapping names it
	key    string // "@" + folded header: how cells finds it
	neg    bool
}

// skipRule skips a row whose column matches one of patterns (folded).
type skipRule struct {
	header   string
	key      string
	patterns []string
}

// canonical is every column a mapping may name, by its folded name.
var canonical = func() map[string]string {
	m := map[string]string{}
	for _, t := range []table{customerTable, documentTable, paymentTable, receiptTable} {
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
	if m.DateFormat != "" && m.DateFormat != "auto" && !slices.Contains(DateFormats, m.DateFormat) {
		return nil, fmt.Errorf("date_format must be %s or auto, not %q", strings.Join(DateFormats, ", "), m.DateFormat)
	}
	if err := m.loadKeys(); err != nil {
		return nil, err
	}
	return &m, nil
}

// loadKeys checks header_row, constants, sums, skip_when and lines.
func (m *Mapping) loadKeys() error {
	columns := names(canonical)
	if m.HeaderRow < 0 {
		return fmt.Errorf("header_row must be a row number (1 = the first line), not %d", m.HeaderRow)
	}
	m.constants = map[string]string{}
	for _, col := range sortedKeys(m.Constants) {
		c, ok := canonical[fold(col)]
		if !ok {
			return fmt.Errorf("constants: %q is not a column of cobro (%s)", col, columns)
		}
		v := strings.TrimSpace(m.Constants[col])
		if known := closedLists[c]; known != nil && !known(v) && !known(m.value(c, v)) {
			return fmt.Errorf("constants: %q is not a value cobro accepts in %s", v, c)
		}
		if c == "currency" && v != companyCurrency {
			if _, err := money.ParseCurrency(v); err != nil {
				return fmt.Errorf("constants: %q is not a known ISO 4217 currency (or %q, the company's)", v, companyCurrency)
			}
		}
		m.constants[c] = v
	}
	m.sums = map[string][]sumPart{}
	for _, col := range sortedKeys(m.Sums) {
		c, ok := canonical[fold(col)]
		if !ok || !amountColumns[c] {
			return fmt.Errorf("sums: %q is not an amount column of cobro (amount, open_amount, credit_limit)", col)
		}
		if len(m.Sums[col]) == 0 {
			return fmt.Errorf("sums of %s: name at least one column", c)
		}
		for _, part := range m.Sums[col] {
			p := sumPart{header: strings.TrimSpace(part)}
			if rest, neg := strings.CutPrefix(p.header, "-"); neg {
				p.header, p.neg = strings.TrimSpace(rest), true
			}
			if p.header == "" {
				return fmt.Errorf("sums of %s: a blank column name", c)
			}
			p.key = "@" + fold(p.header)
			m.sums[c] = append(m.sums[c], p)
		}
	}
	for _, col := range sortedKeys(m.SkipWhen) {
		if strings.TrimSpace(col) == "" || len(m.SkipWhen[col]) == 0 {
			return fmt.Errorf("skip_when: %q needs a column name and at least one value", col)
		}
		rule := skipRule{header: strings.TrimSpace(col), key: "@" + fold(col)}
		for _, p := range m.SkipWhen[col] {
			rule.patterns = append(rule.patterns, fold(p))
		}
		m.skip = append(m.skip, rule)
	}
	if m.Lines != nil {
		// An empty sum is a file whose invoice-level amounts repeat on
		// every line: the lines are only checked to agree.
		m.lineSums = map[string]bool{}
		for _, col := range m.Lines.Sum {
			c, ok := canonical[fold(col)]
			if !ok || (c != "amount" && c != "open_amount") {
				return fmt.Errorf("lines: %q cannot be summed (amount, open_amount)", col)
			}
			m.lineSums[c] = true
		}
	}
	return nil
}

// companyCurrency is the constant that gives rows the company's currency.
const companyCurrency = "company"

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
	if m == nil || m.DateFormat == "auto" {
		return ""
	}
	return m.DateFormat
}

// constant is the mapping's value for a blank or absent column.
func (m *Mapping) constant(column string) (string, bool) {
	if m == nil {
		return "", false
	}
	v, ok := m.constants[column]
	return v, ok
}

func (m *Mapping) sumsOf(column string) []sumPart {
	if m == nil {
		return nil
	}
	return m.sums[column]
}

func (m *Mapping) sumsMap() map[string][]sumPart {
	if m == nil {
		return nil
	}
	return m.sums
}

// sumsColumn reports whether key ("@" and a folded header) is a part of
// one of the mapping's sums.
func (m *Mapping) sumsColumn(key string) bool {
	for _, parts := range m.sumsMap() {
		for _, p := range parts {
			if p.key == key {
				return true
			}
		}
	}
	return false
}

// label is the file's name of a column the mapping's sums or skip_when
// name by key.
func (m *Mapping) label(key string) string {
	for _, parts := range m.sumsMap() {
		for _, p := range parts {
			if p.key == key {
				return p.header
			}
		}
	}
	for _, r := range m.skipRules() {
		if r.key == key {
			return r.header
		}
	}
	return strings.TrimPrefix(key, "@")
}

func (m *Mapping) lineSumsOf() map[string]bool {
	if m == nil {
		return nil
	}
	return m.lineSums
}

func (m *Mapping) headerRow() int {
	if m == nil {
		return 0
	}
	return m.HeaderRow
}

func (m *Mapping) skipRules() []skipRule {
	if m == nil {
		return nil
	}
	return m.skip
}

// sortedKeys makes errors the same from one run to the next.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func names(m map[string]string) string { return strings.Join(slices.Sorted(maps.Values(m)), ", ") }
