package erpimport

import (
	"errors"
	"fmt"
	"io"
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
	if opt.Mapping.lineSumsOf() == nil {
		return read(src, opt, documentTable, func(cr *cellReader, r *row) error {
			d := cr.document(r)
			return fn(d, r.errs)
		})
	}
	g := &lineGroups{sums: opt.Mapping.lineSums, fn: fn, file: opt.File}
	if g.file == "" {
		g.file = "input"
	}
	sum, err := read(src, opt, documentTable, func(cr *cellReader, r *row) error {
		id := strings.TrimSpace(r.cells("document_id"))
		r.line2 = g.open && id != "" && id == g.doc.ID
		d := cr.document(r)
		return g.add(d, r.errs, r.line2)
	})
	if err == nil {
		err = g.flush()
	}
	if sum.Rows > 0 {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("%s: %d lines read as %d documents", g.file, g.lines, g.docs))
	}
	sum.Rows, sum.Valid, sum.Rejected = g.docs, g.valid, g.docs-g.valid
	return sum, err
}

// ReadPayments reads a payment history as ReadCustomers reads
// customers. Each row names a document by document_id or number: the
// header needs one of them.
func ReadPayments(src io.ReadSeeker, opt Options, fn func(PaymentRow, []*RowError) error) (Summary, error) {
	return read(src, opt, paymentTable, func(cr *cellReader, r *row) error {
		p := cr.payment(r)
		return fn(p, r.errs)
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
	sum := Summary{Decimal: opt.Decimal, DateFormat: opt.dateFormat()}
	needMark, needOrder := opt.Decimal == money.MarkUnknown, sum.DateFormat == ""
	if needMark || needOrder {
		mark, order, err := detect(sh, opt, t, needMark, needOrder)
		if err != nil {
			return sum, err
		}
		if needMark {
			sum.Decimal = mark
		}
		if needOrder {
			sum.DateFormat = order
		}
	}
	recs, err := sh.records()
	if err != nil {
		return sum, err
	}
	defer recs.close()
	_, lay, err := findHeader(recs, opt, t)
	if err != nil {
		return sum, err
	}
	if c, ok := sh.(*csvSheet); ok {
		sum.Warnings = append(sum.Warnings, c.warnings...)
	}
	sum.Warnings = append(sum.Warnings, lay.warnings...)
	cr := newCellReader(opt, sum.Decimal)
	if needOrder {
		cr.slashOrder = sum.DateFormat
		if cr.slashOrder == "" && isSpanish(opt.Language) {
			cr.slashOrder = "DD/MM/YYYY"
		}
	}
	if x, ok := sh.(*xlsxSheet); ok {
		cr.rawNumbers, cr.date1904 = true, x.date1904
	}
	cols := lay.cols
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
			if sum.Skipped > 0 {
				sum.Warnings = append(sum.Warnings, fmt.Sprintf("%s: %d rows skipped (skip_when)", opt.File, sum.Skipped))
			}
			return sum, nil
		}
		if err != nil {
			return sum, err
		}
		if blank(rec) {
			continue
		}
		if skipped(opt.Mapping, get) {
			sum.Skipped++
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
