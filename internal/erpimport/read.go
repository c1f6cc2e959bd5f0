package erpimport

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"cobro/internal/money"
)

// ReadCustomers reads customers, calling fn for each row in file order: a
// valid row with no errors, or a row and the errors that reject it (its
// fields then hold what could be read). Blank rows are skipped. An error
// returned by fn stops the read and is returned as it is; any other error
// is a *FileError.
func ReadCustomers(src io.ReadSeeker, opt Options, fn func(CustomerRow, []*RowError) error) (Summary, error) {
	return read(src, opt, customerTable, func(cr *cellReader, r *row) error {
		c := cr.customer(r)
		return fn(c, r.errs)
	})
}

// ReadDocuments reads documents as ReadCustomers reads customers.
func ReadDocuments(src io.ReadSeeker, opt Options, fn func(DocumentRow, []*RowError) error) (Summary, error) {
	return read(src, opt, documentTable, func(cr *cellReader, r *row) error {
		d := cr.document(r)
		return fn(d, r.errs)
	})
}

// ReadReceipts reads the ERP's receipts of cobro's collections as
// ReadCustomers reads customers. Each row names a collection by
// collection_id or receipt_number: the header needs one of them.
func ReadReceipts(src io.ReadSeeker, opt Options, fn func(ReceiptRow, []*RowError) error) (Summary, error) {
	return read(src, opt, receiptTable, func(cr *cellReader, r *row) error {
		rec := cr.receipt(r)
		return fn(rec, r.errs)
	})
}

// rowFunc builds one row from r, adding to r.errs, and hands it over.
type rowFunc func(cr *cellReader, r *row) error

// records are the rows of a table file with the row number a person sees.
type records interface {
	next() (rec []string, line int, err error) // io.EOF after the last
	close()
}

// sheet is a table file that can be read from the start more than once.
type sheet interface {
	records() (records, error)
	close()
}

func read(src io.ReadSeeker, opt Options, t table, each rowFunc) (Summary, error) {
	if opt.File == "" {
		opt.File = "input"
	}
	if opt.Format == "" {
		opt.Format = FormatFromName(opt.File)
	}
	if opt.Decimal == money.MarkUnknown {
		opt.Decimal = opt.Mapping.decimal()
	}
	var sh sheet
	var err error
	switch opt.Format {
	case FormatJSON:
		return readJSON(src, opt, t, each)
	case FormatCSV:
		sh, err = openCSV(src, opt)
	case FormatXLSX:
		sh, err = openXLSX(src, opt)
	default:
		return Summary{}, newFileError(opt.File, "bad_format", strconv.Quote(string(opt.Format)), nil)
	}
	if err != nil {
		return Summary{}, err
	}
	defer sh.close()
	sum := Summary{Decimal: opt.Decimal}
	if opt.Decimal == money.MarkUnknown {
		if sum.Decimal, err = detectDecimal(sh, opt, t); err != nil {
			return sum, err
		}
	}
	recs, err := sh.records()
	if err != nil {
		return sum, err
	}
	defer recs.close()
	header, err := readHeader(recs, opt)
	if err != nil {
		return sum, err
	}
	cols, warnings, err := header.columns(t)
	if err != nil {
		return sum, err
	}
	if c, ok := sh.(*csvSheet); ok {
		sum.Warnings = append(sum.Warnings, c.warnings...)
	}
	sum.Warnings = append(sum.Warnings, warnings...)
	cr := newCellReader(opt, sum.Decimal)
	if x, ok := sh.(*xlsxSheet); ok {
		cr.rawNumbers, cr.date1904 = true, x.date1904
	}
	var rec []string
	get := func(col string) string {
		if i, ok := cols[col]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	for {
		var line int
		rec, line, err = recs.next()
		if errors.Is(err, io.EOF) {
			return sum, nil
		}
		if err != nil {
			return sum, err
		}
		if blank(rec) {
			continue
		}
		sum.Rows++
		r := cr.row(line, get, nil)
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
}

// header is a file's first row that is not blank.
type header struct {
	file  string
	names []string // as in the file
	canon []string // the canonical column of each, as named or mapped
}

func readHeader(recs records, opt Options) (*header, error) {
	for {
		rec, _, err := recs.next()
		if errors.Is(err, io.EOF) {
			return nil, newFileError(opt.File, "empty_file", "", nil)
		}
		if err != nil {
			return nil, err
		}
		if blank(rec) {
			continue
		}
		h := &header{file: opt.File, names: slices.Clone(rec), canon: make([]string, len(rec))}
		for i, name := range rec {
			h.canon[i] = opt.Mapping.column(name)
		}
		return h, nil
	}
}

// columns finds where each canonical column of t is. Columns t does not
// know, and repeated ones, are warnings; missing required ones stop the
// file.
func (h *header) columns(t table) (map[string]int, []string, error) {
	cols := map[string]int{}
	var unknown, repeated, missing []string
	for i, c := range h.canon {
		name := strings.TrimSpace(h.names[i])
		switch {
		case c == "":
			continue
		case !slices.Contains(t.columns, c):
			unknown = append(unknown, name)
		case hasKey(cols, c):
			repeated = append(repeated, name)
		default:
			cols[c] = i
		}
	}
	for _, c := range t.required {
		if !hasKey(cols, c) {
			missing = append(missing, c)
		}
	}
	if len(t.oneOf) > 0 && !slices.ContainsFunc(t.oneOf, func(c string) bool { return hasKey(cols, c) }) {
		missing = append(missing, strings.Join(t.oneOf, " or "))
	}
	if len(missing) > 0 {
		// The header as read tells a wrong separator or encoding.
		read := strconv.Quote(clipTo(strings.Join(h.names, ", "), 200))
		return nil, nil, newFileError(h.file, "missing_column", strings.Join(missing, ", "), nil, read)
	}
	var warnings []string
	if len(unknown) > 0 {
		warnings = append(warnings, fmt.Sprintf("%s: columns ignored (not columns of cobro): %s", h.file, strings.Join(unknown, ", ")))
	}
	if len(repeated) > 0 {
		warnings = append(warnings, fmt.Sprintf("%s: columns repeated (the first of each is read): %s", h.file, strings.Join(repeated, ", ")))
	}
	return cols, warnings, nil
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}
