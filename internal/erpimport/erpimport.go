// Package erpimport reads the files an ERP exports — customers and open
// items, as CSV, XLSX or JSON — into validated canonical rows, each with
// the errors that keep it out. It never writes anywhere: package app
// applies the rows. docs/import-format.md is the user's description of
// what it accepts.
//
// CSV and JSON are streamed: a file is read a row at a time and never
// held in memory, so a million-row export costs about what one row costs,
// plus a 16-byte hash of each id (some 40 bytes with the map's overhead)
// to find ids repeated in the file. An XLSX workbook is a zip, which
// excelize buffers; its rows are still read one at a time.
//
// A CSV or XLSX file may be read more than once, always from its start:
// to tell its encoding (CSV), then its decimal mark when neither the
// caller nor the mapping says it (stopping at the first row that tells),
// then for the rows. That is why the readers take an io.ReadSeeker.
//
// Row numbers are what a person sees in a spreadsheet. In CSV the header
// is row 1 (or the first line that is not blank) and a row is a record:
// a quoted field spanning several lines is one row, and a blank line is a
// row too, as spreadsheets show them. In XLSX it is the sheet's own row
// number. In JSON it is the 1-based position of the item in the array.
package erpimport

import (
	"path/filepath"
	"strings"

	"cobro/internal/civil"
	"cobro/internal/money"
)

// Format is a file format.
type Format string

// The formats read.
const (
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
	FormatJSON Format = "json"
)

// FormatFromName guesses the format from a file name's extension: CSV when
// it cannot tell, since ERPs export .txt and .dat as often as .csv.
func FormatFromName(name string) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return FormatXLSX
	case ".json":
		return FormatJSON
	}
	return FormatCSV
}

// Options say how to read a file. The zero value reads a CSV file named
// "input", detecting its decimal mark.
type Options struct {
	File    string // the name used in error messages
	Format  Format // "" guesses it from File
	Decimal money.DecimalMark
	// Mapping renames the file's columns and value codes (nil: none). Its
	// decimal mark and date format apply when Decimal is MarkUnknown.
	Mapping *Mapping
	Sheet   string // XLSX: the sheet to read (the first when empty)
	// MaxFieldLen bounds any one field, in characters (default 1000).
	MaxFieldLen int
	// DateFormat, one of DateFormats, wins over the mapping's; "" leaves
	// it to the mapping, or to detection.
	DateFormat string
	// Language is the company's ("es", "en"): a Spanish-speaking company
	// writes 05/06/2026 day first, so a file whose slashed dates do not
	// tell their order is read DD/MM/YYYY instead of refused.
	Language string
	// CompanyCurrency is what the mapping constant "currency": "company"
	// gives.
	CompanyCurrency money.Currency
}

// dateFormat is the date format asked for: the option's, else the
// mapping's; "" to detect it.
func (o Options) dateFormat() string {
	if o.DateFormat != "" && o.DateFormat != "auto" {
		return o.DateFormat
	}
	return o.Mapping.dateFormat()
}

// Summary is what a read found, beyond the rows.
type Summary struct {
	Rows, Valid, Rejected int // blank rows are not counted
	// Warnings are said once per file (columns ignored, repeated).
	Warnings []string
	// Decimal is the decimal mark the amounts were read with.
	Decimal money.DecimalMark
	// Skipped counts the rows the mapping's skip_when left out.
	Skipped int
	// DateFormat is the format dates were read with, given or detected
	// ("DD/MM/YYYY" when a file's slashed dates are day first); "" when
	// nothing needed deciding.
	DateFormat string
}

// CustomerRow is a customer from the ERP.
type CustomerRow struct {
	Line                                                          int
	ID, Name, TaxID, Email, Phone, Language, Agent, Segment, Zone string
	Route                                                         string
	// CreditLimit is nil when blank: no limit set.
	CreditLimit *money.Amount
	Currency    money.Currency
}

// DocumentRow is a document from the ERP: an invoice, a credit note or a
// returned (unpaid) item. Amounts are never negative; Kind says who owes
// whom.
type DocumentRow struct {
	Line           int
	ID, CustomerID string
	// CustomerName is the customer's name when the file has one (for
	// customers created from their documents).
	CustomerName               string
	Kind                       string // "invoice", "credit_note" or "returned"
	Number                     string // the ID when the file leaves it blank
	IssueDate, DueDate, PaidOn civil.Date
	Currency                   money.Currency
	Amount, Open               money.Amount
	// Instrument is how the customer is expected to pay: cash, cheque,
	// promissory_note, transfer, direct_debit, card or other.
	Instrument string
	Disputed   bool
	// OrderRef is the order the invoice bills, as the sales app named it
	// in its credit check: the order's reservation ends when it arrives.
	OrderRef string
}

// PaymentRow is a payment the ERP recorded on a document, from its
// payment history: the document by its ERP id or its number, the day and
// the amount (in the row's currency, the company's when blank).
type PaymentRow struct {
	Line       int
	PaymentID  string // the ERP's id of the payment, when it has one
	DocumentID string
	Number     string
	PaidOn     civil.Date
	Amount     money.Amount
}

// ReceiptRow is a receipt from the ERP acknowledging a collection made in
// cobro, by cobro's collection id or its receipt number.
type ReceiptRow struct {
	Line          int
	CollectionID  string
	ReceiptNumber string
}

// A table is what one kind of row needs from a file's header.
type table struct {
	name     string   // what the rows are: customers, documents, receipts
	columns  []string // every canonical column, in documentation order
	required []string // the columns the header must have
	oneOf    []string // the header must have at least one of these
}

var (
	customerTable = table{
		name: "customers",
		columns: []string{"customer_id", "name", "tax_id", "email", "phone", "language", "agent", "segment",
			"credit_limit", "currency", "zone", "route"},
		required: []string{"customer_id", "name", "currency"},
	}
	documentTable = table{
		name: "documents",
		columns: []string{"document_id", "customer_id", "customer_name", "kind", "number", "issue_date", "due_date", "currency",
			"amount", "open_amount", "instrument", "status", "paid_on", "order_ref"},
		// number may be left out: the id stands for it.
		required: []string{"document_id", "customer_id", "kind", "issue_date", "due_date", "currency",
			"amount", "open_amount"},
	}
	paymentTable = table{
		name:     "payments",
		columns:  []string{"payment_id", "document_id", "number", "paid_on", "amount", "currency"},
		required: []string{"paid_on", "amount"},
		oneOf:    []string{"document_id", "number"},
	}
	receiptTable = table{
		name:    "receipts",
		columns: []string{"collection_id", "receipt_number", "erp_receipt_id", "posted_on"},
		oneOf:   []string{"collection_id", "receipt_number"},
	}
)

// amountColumns hold amounts: they are read with the decimal mark, and
// they tell it when it must be detected.
var amountColumns = map[string]bool{"amount": true, "open_amount": true, "credit_limit": true}

const defaultMaxFieldLen = 1000
