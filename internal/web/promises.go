package web

import (
	"net/http"
	"net/url"

	"cobro/internal/app"
	"cobro/internal/civil"
	"cobro/internal/dunning"
	"cobro/internal/ledger"
)

// The customer sheet's promises to pay and disputes: the lists, a form to
// record a promise, one to open a dispute on an open document, and the
// administration's resolution of an open dispute.
func init() {
	routes = append(routes,
		route{"POST /customers/{id}/promises", false, (*Server).promiseRecord},
		route{"POST /customers/{id}/disputes", false, (*Server).disputeOpen},
		route{"POST /disputes/{id}/resolve", false, (*Server).disputeResolve},
	)
}

// promisesSheet is the sheet's box of promises and disputes.
type promisesSheet struct {
	Promises    []app.Promise
	Disputes    []app.Dispute
	Grace       int
	Reasons     []string
	Resolutions []string
}

func (s *Server) promisesSheetOf(r *http.Request, customerID string) (*promisesSheet, error) {
	actor, ctx := sessionOf(r).Actor, r.Context()
	ps, err := s.app.Promises(ctx, actor, customerID)
	if err != nil {
		return nil, err
	}
	ds, err := s.app.Disputes(ctx, actor, customerID)
	if err != nil {
		return nil, err
	}
	return &promisesSheet{Promises: ps, Disputes: ds, Grace: dunning.PromiseGrace, Reasons: app.DisputeReasons,
		Resolutions: app.DisputeResolutions}, nil
}

// promiseRecord records a promise from the sheet's form: the documents
// ticked (none: the whole overdue), the date, the amount (empty: what the
// documents have open) and a note.
func (s *Server) promiseRecord(w http.ResponseWriter, r *http.Request) {
	id, actor, lang := r.PathValue("id"), sessionOf(r).Actor, s.newPage(r, "", nil).Lang
	in := app.PromiseInput{Documents: r.PostForm["document"], Note: r.PostForm.Get("note")}
	var err error
	if in.Date, err = civil.Parse(r.PostForm.Get("date")); err != nil {
		s.fail(w, r, &ledger.RuleError{Err: ledger.ErrInvalid, Code: "bad_date", Field: "date", Message: "not a date", Value: r.PostForm.Get("date")})
		return
	}
	if v := r.PostForm.Get("amount"); v != "" {
		c, err := s.app.Customer(r.Context(), actor, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		a, err := parseFormAmount(lang, v, c.Currency)
		if err != nil || a.Minor <= 0 {
			s.fail(w, r, &ledger.RuleError{Err: ledger.ErrInvalid, Code: "bad_amount", Field: "amount", Message: "not an amount", Value: v})
			return
		}
		in.Amount, in.Currency = a.Minor, c.Currency
	}
	if _, err := s.app.RecordPromise(r.Context(), actor, id, in); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/customers/"+url.PathEscape(id)+"#promises", http.StatusSeeOther)
}

// disputeOpen opens a dispute on a document from the sheet's form.
func (s *Server) disputeOpen(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.app.OpenDispute(r.Context(), sessionOf(r).Actor, id, r.PostForm.Get("document"), r.PostForm.Get("reason"),
		r.PostForm.Get("note")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/customers/"+url.PathEscape(id)+"#disputes", http.StatusSeeOther)
}

// disputeResolve records the administration's resolution of a dispute.
func (s *Server) disputeResolve(w http.ResponseWriter, r *http.Request) {
	d, err := s.app.ResolveDispute(r.Context(), sessionOf(r).Actor, r.PathValue("id"), r.PostForm.Get("resolution"), r.PostForm.Get("note"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/customers/"+url.PathEscape(d.CustomerID)+"#disputes", http.StatusSeeOther)
}
