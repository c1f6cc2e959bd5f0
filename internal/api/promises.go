package api

import (
	"net/http"

	"cobro/internal/app"
	"cobro/internal/civil"
	"cobro/internal/money"
)

type promiseRequest struct {
	Documents []string      `json:"documents"`
	Date      civil.Date    `json:"date"`
	Amount    *money.Amount `json:"amount"`
	Note      string        `json:"note"`
}

// promiseCreate records a promise to pay of a customer.
func (s *Server) promiseCreate(w http.ResponseWriter, r *http.Request) {
	var b promiseRequest
	if err := s.decode(w, r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	in := app.PromiseInput{Documents: b.Documents, Date: b.Date, Note: b.Note}
	if b.Amount != nil {
		in.Amount, in.Currency = b.Amount.Minor, b.Amount.Currency
	}
	p, err := s.app.RecordPromise(r.Context(), actorOf(r), r.PathValue("id"), in)
	s.answer(w, r, http.StatusCreated, p, nil, err)
}

// promisesList lists a customer's promises, newest first.
func (s *Server) promisesList(w http.ResponseWriter, r *http.Request) {
	ps, err := s.app.Promises(r.Context(), actorOf(r), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, map[string]any{"items": ps}, nil, err)
}

type disputeRequest struct {
	DocumentID string `json:"document_id"`
	Reason     string `json:"reason"`
	Note       string `json:"note"`
}

// disputeCreate opens a dispute on a document of a customer.
func (s *Server) disputeCreate(w http.ResponseWriter, r *http.Request) {
	var b disputeRequest
	if err := s.decode(w, r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.app.OpenDispute(r.Context(), actorOf(r), r.PathValue("id"), b.DocumentID, b.Reason, b.Note)
	s.answer(w, r, http.StatusCreated, d, nil, err)
}

// disputesList lists a customer's disputes, newest first.
func (s *Server) disputesList(w http.ResponseWriter, r *http.Request) {
	ds, err := s.app.Disputes(r.Context(), actorOf(r), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, map[string]any{"items": ds}, nil, err)
}

type resolveRequest struct {
	Resolution string `json:"resolution"`
	Note       string `json:"note"`
}

// disputeResolve records the administration's resolution of a dispute.
func (s *Server) disputeResolve(w http.ResponseWriter, r *http.Request) {
	var b resolveRequest
	if err := s.decode(w, r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.app.ResolveDispute(r.Context(), actorOf(r), r.PathValue("id"), b.Resolution, b.Note)
	s.answer(w, r, http.StatusOK, d, nil, err)
}
