package pdf

import (
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"

	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

// ReceiptLine is one document a collection paid, and how much of it.
type ReceiptLine struct {
	Number string
	Kind   ledger.Kind
	Paid   money.Amount
	// OpenAfter is what is still open on the document after it.
	OpenAfter money.Amount
}

// Receipt is the paper the agent hands the customer on the visit.
type Receipt struct {
	Lang        i18n.Lang
	Company     ledger.Company
	Customer    ledger.Customer
	Number      string
	Copy        bool // a reprint: marked as a copy
	Voided      bool
	CollectedAt time.Time
	Loc         *time.Location
	Agent       string // the agent's code and name
	Instrument  ledger.InstrumentDetail
	Total       money.Amount
	Lines       []ReceiptLine
	Advance     money.Amount // what no document took
}

// ReceiptInstrument is an instrument as a receipt writes it: its kind,
// then its details.
func ReceiptInstrument(lang i18n.Lang, in ledger.InstrumentDetail) string {
	s := i18n.T(lang, "instrument."+string(in.Kind))
	if in.Kind == ledger.Other && in.Label != "" {
		s = in.Label
	}
	if in.Number != "" {
		s += " " + i18n.T(lang, "receipt.number_short") + " " + in.Number
	}
	if in.Bank != "" {
		s += " · " + in.Bank
	}
	if !in.DueDate.IsZero() {
		s += " · " + i18n.T(lang, "receipt.maturity") + " " + i18n.Date(lang, in.DueDate)
	}
	return s
}

// WriteReceipt renders r as a one-page PDF to w.
func WriteReceipt(w io.Writer, r Receipt) error {
	f := fpdf.New("P", "mm", "A5", "")
	t := func(key string, args ...any) string { return i18n.T(r.Lang, key, args...) }
	m := func(a money.Amount) string { return i18n.Money(r.Lang, a) }
	f.SetTitle(t("receipt.title")+" "+r.Number, true)
	f.SetAuthor(r.Company.Name, true)
	f.SetCreator("cobro", true)
	f.SetCreationDate(r.CollectedAt)
	f.SetModificationDate(r.CollectedAt)
	f.AddUTF8FontFromBytes(font, "", regular)
	f.AddUTF8FontFromBytes(font, "B", bold)
	f.SetMargins(12, 12, 12)
	f.SetAutoPageBreak(true, 12)
	f.AddPage()
	width := 148.0 - 24

	f.SetFont(font, "B", 13)
	f.SetTextColor(15, 92, 140)
	f.CellFormat(width, 6, r.Company.Name, "", 1, "L", false, 0, "")
	f.SetFont(font, "", 8.5)
	f.SetTextColor(80, 80, 80)
	if r.Company.TaxID != "" {
		f.CellFormat(width, 4, t("web.tax_id")+": "+r.Company.TaxID, "", 1, "L", false, 0, "")
	}
	if r.Company.Address != "" {
		f.MultiCell(width, 4, r.Company.Address, "", "L", false)
	}
	f.Ln(3)

	f.SetTextColor(20, 20, 20)
	f.SetFont(font, "B", 14)
	title := t("receipt.title") + " " + r.Number
	f.CellFormat(width, 7, title, "", 1, "L", false, 0, "")
	if r.Copy || r.Voided {
		f.SetTextColor(180, 35, 24)
		f.SetFont(font, "B", 11)
		mark := t("receipt.copy")
		if r.Voided {
			mark = t("receipt.voided")
		}
		f.CellFormat(width, 6, mark, "", 1, "L", false, 0, "")
		f.SetTextColor(20, 20, 20)
	}
	f.SetFont(font, "", 9.5)
	loc := r.Loc
	if loc == nil {
		loc = time.UTC
	}
	f.CellFormat(width, 5, t("receipt.date", "when", i18n.DateTime(r.Lang, r.CollectedAt, loc)), "", 1, "L", false, 0, "")
	f.Ln(2)
	f.SetFont(font, "B", 10)
	f.CellFormat(width, 5, r.Customer.Name, "", 1, "L", false, 0, "")
	f.SetFont(font, "", 9)
	line := t("web.customer") + ": " + r.Customer.ID
	if r.Customer.TaxID != "" {
		line += " · " + t("web.tax_id") + ": " + r.Customer.TaxID
	}
	f.CellFormat(width, 4.5, line, "", 1, "L", false, 0, "")
	f.Ln(3)

	// What it paid.
	f.SetFont(font, "B", 8.5)
	f.SetFillColor(238, 241, 246)
	f.CellFormat(52, 6, t("pdf.col_document"), "B", 0, "L", true, 0, "")
	f.CellFormat(36, 6, t("receipt.paid"), "B", 0, "R", true, 0, "")
	f.CellFormat(36, 6, t("receipt.open_after"), "B", 1, "R", true, 0, "")
	f.SetFont(font, "", 9)
	for _, l := range r.Lines {
		f.CellFormat(52, 5.5, l.Number, "B", 0, "L", false, 0, "")
		f.CellFormat(36, 5.5, m(l.Paid), "B", 0, "R", false, 0, "")
		f.CellFormat(36, 5.5, m(l.OpenAfter), "B", 1, "R", false, 0, "")
	}
	if r.Advance.Minor != 0 {
		f.CellFormat(52, 5.5, t("receipt.advance"), "B", 0, "L", false, 0, "")
		f.CellFormat(36, 5.5, m(r.Advance), "B", 0, "R", false, 0, "")
		f.CellFormat(36, 5.5, "", "B", 1, "R", false, 0, "")
	}
	f.Ln(3)
	f.SetFont(font, "B", 12)
	f.CellFormat(52, 7, t("receipt.total"), "", 0, "L", false, 0, "")
	f.CellFormat(36, 7, m(r.Total), "", 1, "R", false, 0, "")
	f.SetFont(font, "", 9)
	f.MultiCell(width, 4.5, t("receipt.in_words", "words", i18n.AmountInWords(r.Lang, r.Total)), "", "L", false)
	f.Ln(2)
	f.MultiCell(width, 4.5, t("receipt.paid_with", "instrument", ReceiptInstrument(r.Lang, r.Instrument)), "", "L", false)
	if r.Instrument.Kind.ClearsLater() {
		f.SetFont(font, "", 8)
		f.MultiCell(width, 4, t("receipt.subject_to_clearing"), "", "L", false)
	}
	f.Ln(2)
	f.SetFont(font, "", 9)
	f.CellFormat(width, 5, t("receipt.collected_by", "agent", r.Agent), "", 1, "L", false, 0, "")

	// Room for the signatures.
	f.Ln(12)
	y := f.GetY()
	f.Line(12, y, 66, y)
	f.Line(82, y, 136, y)
	f.SetFont(font, "", 8)
	f.CellFormat(62, 4, t("receipt.sign_agent"), "", 0, "L", false, 0, "")
	f.CellFormat(62, 4, t("receipt.sign_customer"), "", 1, "L", false, 0, "")
	f.SetY(-14)
	f.SetTextColor(110, 110, 110)
	f.CellFormat(width, 4, fmt.Sprintf("%s · %s", r.Company.Name, r.Number), "", 0, "C", false, 0, "")
	return f.Output(w)
}
