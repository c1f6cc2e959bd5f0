package pdf

import (
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"

	"cobro/internal/civil"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

// SettlementTotal is a settlement's total of one instrument.
type SettlementTotal struct {
	Instrument ledger.Instrument
	Count      int
	Amount     money.Amount
}

// SettlementLine is one collection of a settlement.
type SettlementLine struct {
	Receipt     string
	CollectedAt time.Time
	Customer    string
	Instrument  ledger.InstrumentDetail
	Amount      money.Amount
	Correction  bool
}

// SettlementCount is what was counted of one instrument.
type SettlementCount struct {
	Instrument                    ledger.Instrument
	Expected, Counted, Difference money.Amount
	Reason                        string
}

// Settlement is everything a settlement prints.
type Settlement struct {
	Lang                  i18n.Lang
	Company               ledger.Company
	Loc                   *time.Location
	Agent                 string
	From, To              civil.Date
	State                 string
	Totals                []SettlementTotal
	Total, Difference     money.Amount
	Lines                 []SettlementLine
	Counted               []SettlementCount
	CountedBy, ApprovedBy string
}

// WriteSettlement renders s as a PDF to w.
func WriteSettlement(w io.Writer, s Settlement) error {
	f := fpdf.New("P", "mm", "A4", "")
	t := func(key string, args ...any) string { return i18n.T(s.Lang, key, args...) }
	m := func(a money.Amount) string { return i18n.Money(s.Lang, a) }
	loc := s.Loc
	if loc == nil {
		loc = time.UTC
	}
	f.SetTitle(t("settle.title")+" "+s.Agent, true)
	f.SetAuthor(s.Company.Name, true)
	f.SetCreator("cobro", true)
	f.AddUTF8FontFromBytes(font, "", regular)
	f.AddUTF8FontFromBytes(font, "B", bold)
	f.SetMargins(15, 15, 15)
	f.SetAutoPageBreak(true, 18)
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont(font, "", 8)
		f.SetTextColor(110, 110, 110)
		f.CellFormat(0, 5, fmt.Sprintf("%s · %s %s · %s", s.Company.Name, t("settle.title"), s.Agent, t("pdf.page", "n", f.PageNo())), "", 0, "C", false, 0, "")
	})
	f.AddPage()
	f.SetFont(font, "B", 14)
	f.SetTextColor(15, 92, 140)
	f.CellFormat(0, 7, s.Company.Name, "", 1, "L", false, 0, "")
	f.SetTextColor(20, 20, 20)
	f.SetFont(font, "B", 13)
	f.CellFormat(0, 8, t("settle.title")+" · "+s.Agent, "", 1, "L", false, 0, "")
	f.SetFont(font, "", 10)
	f.CellFormat(0, 5, t("settle.period", "from", i18n.Date(s.Lang, s.From), "to", i18n.Date(s.Lang, s.To))+" · "+t("settle.state."+s.State), "", 1, "L", false, 0, "")
	f.Ln(3)

	f.SetFont(font, "B", 10)
	f.CellFormat(0, 6, t("settle.to_hand_in"), "", 1, "L", false, 0, "")
	f.SetFont(font, "", 9.5)
	for _, tt := range s.Totals {
		f.CellFormat(90, 5.5, fmt.Sprintf("%s (%d)", t("instrument."+string(tt.Instrument)), tt.Count), "B", 0, "L", false, 0, "")
		f.CellFormat(40, 5.5, m(tt.Amount), "B", 1, "R", false, 0, "")
	}
	f.SetFont(font, "B", 10)
	f.CellFormat(90, 6, t("settle.total"), "", 0, "L", false, 0, "")
	f.CellFormat(40, 6, m(s.Total), "", 1, "R", false, 0, "")
	if len(s.Counted) > 0 {
		f.Ln(3)
		f.CellFormat(0, 6, t("settle.counted_title"), "", 1, "L", false, 0, "")
		f.SetFont(font, "B", 8.5)
		for _, h := range []struct {
			k string
			w float64
		}{{"web.instrument", 40}, {"settle.expected", 30}, {"settle.counted", 30}, {"settle.difference", 30}, {"settle.reason", 50}} {
			f.CellFormat(h.w, 6, t(h.k), "B", 0, "L", false, 0, "")
		}
		f.Ln(-1)
		f.SetFont(font, "", 9)
		for _, c := range s.Counted {
			f.CellFormat(40, 5.5, t("instrument."+string(c.Instrument)), "B", 0, "L", false, 0, "")
			f.CellFormat(30, 5.5, m(c.Expected), "B", 0, "R", false, 0, "")
			f.CellFormat(30, 5.5, m(c.Counted), "B", 0, "R", false, 0, "")
			f.CellFormat(30, 5.5, m(c.Difference), "B", 0, "R", false, 0, "")
			f.CellFormat(50, 5.5, c.Reason, "B", 1, "L", false, 0, "")
		}
		f.SetFont(font, "", 9)
		if s.CountedBy != "" {
			f.CellFormat(0, 5, t("settle.counted_by", "who", s.CountedBy), "", 1, "L", false, 0, "")
		}
		if s.ApprovedBy != "" {
			f.CellFormat(0, 5, t("settle.approved_by", "who", s.ApprovedBy), "", 1, "L", false, 0, "")
		}
	}
	f.Ln(3)
	f.SetFont(font, "B", 10)
	f.CellFormat(0, 6, t("settle.collections"), "", 1, "L", false, 0, "")
	f.SetFont(font, "B", 8.5)
	for _, h := range []struct {
		k string
		w float64
	}{{"receipt.title", 38}, {"web.date", 30}, {"web.customer", 30}, {"web.instrument", 52}, {"web.amount", 30}} {
		f.CellFormat(h.w, 6, t(h.k), "B", 0, "L", false, 0, "")
	}
	f.Ln(-1)
	f.SetFont(font, "", 8.5)
	for _, l := range s.Lines {
		in := ReceiptInstrument(s.Lang, l.Instrument)
		if l.Correction {
			in = t("settle.correction") + ": " + in
		}
		f.CellFormat(38, 5.5, l.Receipt, "B", 0, "L", false, 0, "")
		f.CellFormat(30, 5.5, l.CollectedAt.In(loc).Format("02/01 15:04"), "B", 0, "L", false, 0, "")
		f.CellFormat(30, 5.5, l.Customer, "B", 0, "L", false, 0, "")
		f.CellFormat(52, 5.5, in, "B", 0, "L", false, 0, "")
		f.CellFormat(30, 5.5, m(l.Amount), "B", 1, "R", false, 0, "")
	}
	f.Ln(14)
	y := f.GetY()
	f.Line(15, y, 85, y)
	f.Line(115, y, 185, y)
	f.SetFont(font, "", 8)
	f.CellFormat(100, 4, t("receipt.sign_agent"), "", 0, "L", false, 0, "")
	f.CellFormat(80, 4, t("settle.sign_office"), "", 1, "L", false, 0, "")
	return f.Output(w)
}
