package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"cobro/internal/app"
	"cobro/internal/i18n"
	"cobro/internal/pdf"
)

// The receipt of a collection: a page the agent shows and shares on the
// visit (WhatsApp to the customer's phone, e-mail, the PDF), and the PDF.

func init() {
	routes = append(routes,
		route{"GET /collections/{id}/receipt", false, (*Server).receiptPage},
		route{"GET /collections/{id}/receipt.pdf", false, (*Server).receiptPDF},
	)
}

type receiptData struct {
	app.ReceiptDoc
	Words    string
	Share    string // the receipt as a message, in the customer's language
	WhatsApp string // a wa.me link with the message, to the customer's phone when known
	Mail     string // a mailto link with the message
}

func (s *Server) receiptPage(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r, sessionOf(r))
	rd, err := s.app.Receipt(r.Context(), sessionOf(r).Actor, r.PathValue("id"), "", false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := receiptData{ReceiptDoc: rd, Words: i18n.AmountInWords(rd.Lang, rd.Total)}
	d.Share = receiptMessage(rd)
	d.WhatsApp = "https://wa.me/" + whatsAppNumber(rd.Phone, rd.Company.Language) + "?text=" + url.QueryEscape(d.Share)
	if rd.Phone == "" || whatsAppNumber(rd.Phone, rd.Company.Language) == "" {
		d.WhatsApp = "https://wa.me/?text=" + url.QueryEscape(d.Share)
	}
	d.Mail = "mailto:" + url.PathEscape(rd.Email) + "?subject=" + url.PathEscape(i18n.T(rd.Lang, "receipt.title")+" "+rd.Number) +
		"&body=" + url.PathEscape(d.Share)
	p := s.newPage(r, "receipt.title", d)
	p.Lang = lang
	s.render(w, r, "receipt", http.StatusOK, p)
}

func (s *Server) receiptPDF(w http.ResponseWriter, r *http.Request) {
	var lang i18n.Lang
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		lang = l
	}
	rd, err := s.app.Receipt(r.Context(), sessionOf(r).Actor, r.PathValue("id"), lang, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeReceiptPDF(w, r, s, rd.Receipt)
}

// writeReceiptPDF sends a receipt as a PDF.
func writeReceiptPDF(w http.ResponseWriter, r *http.Request, s *Server, rc pdf.Receipt) {
	var buf bytes.Buffer
	if err := pdf.WriteReceipt(&buf, rc); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+safeFilename("receipt-"+rc.Number+".pdf")+`"`)
	_, _ = buf.WriteTo(w)
}

// receiptMessage is the receipt as a short message for the customer.
func receiptMessage(rd app.ReceiptDoc) string {
	l := rd.Lang
	var b strings.Builder
	b.WriteString(i18n.T(l, "receipt.message_head", "company", rd.Company.Name, "number", rd.Number))
	b.WriteString("\n")
	b.WriteString(i18n.T(l, "receipt.message_total", "amount", i18n.Money(l, rd.Total), "words", i18n.AmountInWords(l, rd.Total),
		"when", i18n.DateTime(l, rd.CollectedAt, rd.Loc)))
	for _, ln := range rd.Lines {
		b.WriteString("\n· " + ln.Number + ": " + i18n.Money(l, ln.Paid))
	}
	if rd.Advance.Minor != 0 {
		b.WriteString("\n· " + i18n.T(l, "receipt.advance") + ": " + i18n.Money(l, rd.Advance))
	}
	b.WriteString("\n" + pdf.ReceiptInstrument(l, rd.Instrument))
	b.WriteString("\n" + i18n.T(l, "receipt.message_thanks"))
	return b.String()
}

// whatsAppNumber is a phone number as wa.me takes it: digits with the
// country code. A national Spanish number (nine digits) gets 34 when the
// company writes in Spanish; '+' and a leading 00 are dropped.
func whatsAppNumber(phone, companyLang string) string {
	var digits strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	n := strings.TrimPrefix(digits.String(), "00")
	if len(n) == 9 && !strings.HasPrefix(strings.TrimSpace(phone), "+") && companyLang == "es" {
		n = "34" + n
	}
	if len(n) < 8 {
		return ""
	}
	return n
}
