package api

import (
	_ "embed"
	"net/http"

	"cobro/internal/ledger"
	"cobro/internal/money"
)

//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	writeRaw(w, http.StatusOK, openAPIDoc)
}

// companyBody is the company profile on the wire.
type companyBody struct {
	Name     string         `json:"name"`
	TaxID    string         `json:"tax_id"`
	Address  string         `json:"address"`
	Currency money.Currency `json:"currency"`
	TimeZone string         `json:"time_zone"`
	Language string         `json:"language"`
	// How to pay, printed on statements in each language.
	HowToPayEN string `json:"how_to_pay_en"`
	HowToPayES string `json:"how_to_pay_es"`
	// A settlement counted further off than this needs a supervisor.
	SettlementTolerance money.Amount `json:"settlement_tolerance"`
}

func (s *Server) companyGet(w http.ResponseWriter, r *http.Request) {
	c, err := s.app.Company(r.Context())
	s.answer(w, r, http.StatusOK, companyBody(c), nil, err)
}

func (s *Server) companyPut(w http.ResponseWriter, r *http.Request) {
	var b companyBody
	if err := s.decode(w, r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.app.SaveCompany(r.Context(), actorOf(r), ledger.Company(b)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.companyGet(w, r)
}

func (s *Server) conflictsList(w http.ResponseWriter, r *http.Request) {
	limit, err := queryLimit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.app.Conflicts(r.Context(), actorOf(r), limit)
	s.answer(w, r, http.StatusOK, map[string]any{"items": list}, nil, err)
}

func (s *Server) reportSummary(w http.ResponseWriter, r *http.Request) {
	sum, err := s.app.Summary(r.Context(), actorOf(r))
	s.answer(w, r, http.StatusOK, sum, nil, err)
}
