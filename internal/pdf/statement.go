// Package pdf renders cobro's printed documents. The statement of pending
// invoices is the one an agent shows, prints or shares during a visit.
//
// It embeds DejaVu Sans Condensed (free licence, fonts/LICENSE-DejaVu.txt),
// so any customer's name prints as written, whatever its alphabet.
package pdf

import (
	_ "embed"
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"

	"cobro/internal/civil"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

//go:embed fonts/DejaVuSansCondensed.ttf
var regular []byte

//go:embed fonts/DejaVuSansCondensed-Bold.ttf
var bold []byte

// font is the family every document uses.
const font = "dejavu"

// StatementLine is one open document on a statement.
type StatementLine struct {
	Number    string
	Kind      ledger.Kind
	IssueDate civil.Date
	DueDate   civil.Date
	Amount    money.Amount
	Open      money.Amount
	// SignedOpen is Open with its sign in the balance (negative for a
	// credit note): what the line prints.
	SignedOpen  money.Amount
	DaysOverdue int
	Status      ledger.Status
}

// Statement is everything a statement shows.
type Statement struct {
	Lang      i18n.Lang
	Company   ledger.Company
	Customer  ledger.Customer
	AsOf      civil.Date
	CreatedAt time.Time
	Lines     []StatementLine
	// Totals: owed open, of which overdue, credit notes, and the balance.
	TotalOwed, TotalOverdue, TotalCredit, Balance money.Amount
	// Unallocated is money received on account, not yet applied.
	Unallocated money.Amount
	// InHand is instruments received and not yet cleared.
	InHand money.Amount
}

// WriteStatement renders s as a PDF to w.
func WriteStatement(w io.Writer, s Statement) error {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetTitle(i18n.T(s.Lang, "pdf.statement_title")+" "+s.Customer.Name, true)
	f.SetAuthor(s.Company.Name, true)
	f.SetCreator("cobro", true)
	f.SetCreationDate(s.CreatedAt)
	f.SetModificationDate(s.CreatedAt)
	f.AddUTF8FontFromBytes(font, "", regular)
	f.AddUTF8FontFromBytes(font, "B", bold)
	t := func(key string, args ...any) string { return i18n.T(s.Lang, key, args...) }
	m := func(a money.Amount) string { return i18n.Money(s.Lang, a) }
	d := func(x civil.Date) string { return i18n.Date(s.Lang, x) }
	f.SetMargins(15, 15, 15)
	f.SetAutoPageBreak(true, 18)
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont(font, "", 8)
		f.SetTextColor(110, 110, 110)
		f.CellFormat(0, 5, fmt.Sprintf("%s · %s · %s", s.Company.Name, s.Customer.Name,
			i18n.T(s.Lang, "pdf.page", "n", f.PageNo())), "", 0, "C", false, 0, "")
	})
	f.AddPage()

	// Company header.
	f.SetFont(font, "B", 15)
	f.SetTextColor(15, 92, 140)
	f.CellFormat(0, 7, s.Company.Name, "", 1, "L", false, 0, "")
	f.SetFont(font, "", 9)
	f.SetTextColor(80, 80, 80)
	if s.Company.TaxID != "" {
		f.CellFormat(0, 4.5, i18n.T(s.Lang, "web.tax_id")+": "+s.Company.TaxID, "", 1, "L", false, 0, "")
	}
	if s.Company.Address != "" {
		f.MultiCell(0, 4.5, s.Company.Address, "", "L", false)
	}
	f.Ln(5)

	// Title and customer.
	f.SetTextColor(20, 20, 20)
	f.SetFont(font, "B", 13)
	f.CellFormat(0, 7, t("pdf.statement_title"), "", 1, "L", false, 0, "")
	f.SetFont(font, "", 10)
	f.CellFormat(0, 5, t("pdf.as_of", "date", d(s.AsOf)), "", 1, "L", false, 0, "")
	f.Ln(2)
	f.SetFont(font, "B", 10)
	f.CellFormat(0, 5, s.Customer.Name, "", 1, "L", false, 0, "")
	f.SetFont(font, "", 9)
	line := i18n.T(s.Lang, "web.customer") + ": " + s.Customer.ID
	if s.Customer.TaxID != "" {
		line += " · " + i18n.T(s.Lang, "web.tax_id") + ": " + s.Customer.TaxID
	}
	f.CellFormat(0, 4.5, line, "", 1, "L", false, 0, "")
	f.Ln(4)

	// The documents.
	cols := []struct {
		key   string
		w     float64
		align string
	}{{"pdf.col_document", 34, "L"}, {"pdf.col_kind", 26, "L"}, {"pdf.col_issued", 22, "L"}, {"pdf.col_due", 22, "L"},
		{"pdf.col_amount", 27, "R"}, {"pdf.col_open", 27, "R"}, {"pdf.col_days", 22, "R"}}
	header := func() {
		f.SetFont(font, "B", 8.5)
		f.SetFillColor(238, 241, 246)
		for _, c := range cols {
			f.CellFormat(c.w, 6, t(c.key), "B", 0, c.align, true, 0, "")
		}
		f.Ln(-1)
	}
	header()
	f.SetFont(font, "", 8.5)
	for _, l := range s.Lines {
		if f.GetY() > 270 {
			f.AddPage()
			header()
			f.SetFont(font, "", 8.5)
		}
		open := m(l.SignedOpen)
		days := ""
		if l.DaysOverdue > 0 {
			days = fmt.Sprint(l.DaysOverdue)
			f.SetTextColor(180, 35, 24)
		}
		vals := []string{l.Number, t("kind." + string(l.Kind)), d(l.IssueDate), d(l.DueDate), m(l.Amount), open, days}
		for i, c := range cols {
			f.CellFormat(c.w, 5.5, vals[i], "B", 0, c.align, false, 0, "")
		}
		f.SetTextColor(20, 20, 20)
		f.Ln(-1)
	}
	if len(s.Lines) == 0 {
		f.CellFormat(0, 6, t("web.nothing_open"), "", 1, "L", false, 0, "")
	}
	f.Ln(4)

	// Totals.
	total := func(key string, a money.Amount, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		f.SetFont(font, style, 10)
		f.CellFormat(126, 6, t(key), "", 0, "R", false, 0, "")
		f.CellFormat(54, 6, m(a), "", 1, "R", false, 0, "")
	}
	total("pdf.total_owed", s.TotalOwed, false)
	if s.TotalCredit.Minor != 0 {
		total("pdf.total_credit", s.TotalCredit, false)
	}
	if s.Unallocated.Minor != 0 {
		total("pdf.on_account", s.Unallocated, false)
	}
	total("pdf.balance", s.Balance, true)
	f.SetTextColor(180, 35, 24)
	total("pdf.total_overdue", s.TotalOverdue, true)
	f.SetTextColor(20, 20, 20)
	if s.InHand.Minor != 0 {
		total("pdf.in_hand", s.InHand, false)
	}

	// How to pay.
	if how := s.Company.HowToPay(string(s.Lang)); how != "" {
		f.Ln(6)
		f.SetFont(font, "B", 10)
		f.CellFormat(0, 6, t("pdf.how_to_pay"), "", 1, "L", false, 0, "")
		f.SetFont(font, "", 9.5)
		f.MultiCell(0, 5, how, "", "L", false)
	}
	return f.Output(w)
}
