package api

import (
	"net/http"

	"cobro/internal/app"
)

// Credit control: the policy, the credit check a sales app asks on every
// order, its reservation (cancel, invoiced), the approvals of orders that
// need one, and the customers' "do not sell" flags. Reserving, cancelling,
// invoicing, approving and rejecting take an Idempotency-Key.

func init() {
	routes = append(routes,
		route{"GET", "/api/v1/credit-policy", false, (*Server).creditPolicyGet},
		route{"PUT", "/api/v1/credit-policy", false, (*Server).creditPolicyPut},
		route{"POST", "/api/v1/credit-checks", false, (*Server).creditCheckCreate},
		route{"GET", "/api/v1/credit-checks/{id}", false, (*Server).creditCheckGet},
		route{"DELETE", "/api/v1/credit-checks/{id}", false, (*Server).creditCheckCancel},
		route{"POST", "/api/v1/credit-checks/{id}/invoiced", false, (*Server).creditCheckInvoiced},
		route{"GET", "/api/v1/approvals", false, (*Server).approvalsList},
		route{"POST", "/api/v1/approvals/{id}/approve", false, (*Server).approvalApprove},
		route{"POST", "/api/v1/approvals/{id}/reject", false, (*Server).approvalReject},
		route{"PUT", "/api/v1/customers/{id}/flag", false, (*Server).customerFlag},
	)
}

func (s *Server) creditPolicyGet(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.CreditPolicy(r.Context(), actorOf(r))
	s.answer(w, r, http.StatusOK, v, nil, err)
}

func (s *Server) creditPolicyPut(w http.ResponseWriter, r *http.Request) {
	var b app.CreditPolicyView
	if err := s.decode(w, r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.app.SaveCreditPolicy(r.Context(), actorOf(r), b)
	s.answer(w, r, http.StatusOK, v, nil, err)
}

func (s *Server) creditCheckCreate(w http.ResponseWriter, r *http.Request) {
	body, err := s.readObject(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req app.CheckRequest
	if err := decodeJSON(body, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	req.Lang = langOf(r)
	v, replay, err := s.app.CheckCredit(r.Context(), actorOf(r), idem(r, body), req)
	status := http.StatusOK
	if req.Reserves() {
		status = http.StatusCreated
	}
	s.answer(w, r, status, v, replay, err)
}

func (s *Server) creditCheckGet(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.CreditCheck(r.Context(), actorOf(r), langOf(r), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, v, nil, err)
}

func (s *Server) creditCheckCancel(w http.ResponseWriter, r *http.Request) {
	runAction(s, w, r, nil, func(k app.Idem) (app.CreditCheckView, *app.Replay, error) {
		return s.app.CancelCheck(r.Context(), actorOf(r), k, langOf(r), r.PathValue("id"))
	})
}

func (s *Server) creditCheckInvoiced(w http.ResponseWriter, r *http.Request) {
	runAction(s, w, r, nil, func(k app.Idem) (app.CreditCheckView, *app.Replay, error) {
		return s.app.InvoiceCheck(r.Context(), actorOf(r), k, langOf(r), r.PathValue("id"))
	})
}

func (s *Server) approvalsList(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.Approvals(r.Context(), actorOf(r), langOf(r), r.URL.Query().Get("state"))
	s.answer(w, r, http.StatusOK, map[string]any{"items": v}, nil, err)
}

type commentBody struct {
	Comment string `json:"comment"`
}

func (s *Server) approvalApprove(w http.ResponseWriter, r *http.Request) {
	var b commentBody
	runAction(s, w, r, &b, func(k app.Idem) (app.CreditCheckView, *app.Replay, error) {
		return s.app.ApproveCheck(r.Context(), actorOf(r), k, langOf(r), r.PathValue("id"), b.Comment)
	})
}

func (s *Server) approvalReject(w http.ResponseWriter, r *http.Request) {
	var b commentBody
	runAction(s, w, r, &b, func(k app.Idem) (app.CreditCheckView, *app.Replay, error) {
		return s.app.RejectCheck(r.Context(), actorOf(r), k, langOf(r), r.PathValue("id"), b.Comment)
	})
}

type flagBody struct {
	Flagged bool   `json:"flagged"`
	Reason  string `json:"reason"`
}

func (s *Server) customerFlag(w http.ResponseWriter, r *http.Request) {
	var b flagBody
	if err := s.decode(w, r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.app.SetFlag(r.Context(), actorOf(r), r.PathValue("id"), b.Flagged, b.Reason)
	s.answer(w, r, http.StatusOK, v, nil, err)
}
