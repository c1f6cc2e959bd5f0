package api

import (
	"bytes"
	"net/http"

	"cobro/internal/i18n"
	"cobro/internal/pdf"
)

func init() {
	routes = append(routes, route{"GET", "/api/v1/collections/{id}/receipt.pdf", false, (*Server).receiptPDF})
}

// receiptPDF sends a collection's receipt as a PDF (?lang=es|en; the
// customer's language otherwise). Every print after the first is marked
// as a copy.
func (s *Server) receiptPDF(w http.ResponseWriter, r *http.Request) {
	var lang i18n.Lang
	if q := r.URL.Query().Get("lang"); q != "" {
		l, ok := i18n.Parse(q)
		if !ok {
			s.fail(w, r, &apiError{status: http.StatusBadRequest, code: "bad_query", field: "lang", value: q})
			return
		}
		lang = l
	}
	rd, err := s.app.Receipt(r.Context(), actorOf(r), r.PathValue("id"), lang, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := pdf.WriteReceipt(&buf, rd.Receipt); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="receipt-`+rd.CollectionID+`.pdf"`)
	_, _ = buf.WriteTo(w)
}
