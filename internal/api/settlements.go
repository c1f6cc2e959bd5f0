package api

import (
	"net/http"

	"cobro/internal/app"
	"cobro/internal/ledger"
)

// Settlements: an agent's hand-over of a period's collections, counted by
// the administration. Every step changes a money record: it takes an
// Idempotency-Key.

func init() {
	routes = append(routes,
		route{"GET", "/api/v1/settlements", false, (*Server).settlementsList},
		route{"POST", "/api/v1/settlements", false, (*Server).settlementCreate},
		route{"GET", "/api/v1/settlements/{id}", false, (*Server).settlementGet},
		route{"POST", "/api/v1/settlements/{id}/submit", false, (*Server).settlementSubmit},
		route{"POST", "/api/v1/settlements/{id}/verify", false, (*Server).settlementVerify},
		route{"POST", "/api/v1/settlements/{id}/approve", false, (*Server).settlementApprove},
		route{"POST", "/api/v1/settlements/{id}/reject", false, (*Server).settlementReject},
		route{"POST", "/api/v1/settlements/{id}/export", false, (*Server).settlementExport},
		route{"POST", "/api/v1/settlements/{id}/discard", false, (*Server).settlementDiscard},
	)
}

func (s *Server) settlementsList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := ledger.SettlementState(q.Get("state"))
	switch state {
	case "", ledger.SettlementDraft, ledger.SettlementSubmitted, ledger.SettlementApproval, ledger.SettlementVerified:
	default:
		s.fail(w, r, &apiError{status: http.StatusBadRequest, code: "bad_query", field: "state", value: string(state)})
		return
	}
	v, err := s.app.Settlements(r.Context(), actorOf(r), q.Get("agent"), state)
	s.answer(w, r, http.StatusOK, map[string]any{"items": v}, nil, err)
}

func (s *Server) settlementCreate(w http.ResponseWriter, r *http.Request) {
	body, err := s.readObject(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req app.SettlementRequest
	if err := decodeJSON(body, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	v, replay, err := s.app.DraftSettlement(r.Context(), actorOf(r), idem(r, body), req)
	if err == nil && replay == nil {
		w.Header().Set("Location", "/api/v1/settlements/"+v.ID)
	}
	s.answer(w, r, http.StatusCreated, v, replay, err)
}

func (s *Server) settlementGet(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.Settlement(r.Context(), actorOf(r), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, v, nil, err)
}

func (s *Server) settlementSubmit(w http.ResponseWriter, r *http.Request) {
	runAction(s, w, r, nil, func(k app.Idem) (app.SettlementView, *app.Replay, error) {
		return s.app.SubmitSettlement(r.Context(), actorOf(r), k, r.PathValue("id"))
	})
}

func (s *Server) settlementVerify(w http.ResponseWriter, r *http.Request) {
	var b app.VerifyRequest
	runAction(s, w, r, &b, func(k app.Idem) (app.SettlementView, *app.Replay, error) {
		return s.app.VerifySettlement(r.Context(), actorOf(r), k, r.PathValue("id"), b)
	})
}

type noteBody struct {
	Note string `json:"note"`
}

func (s *Server) settlementApprove(w http.ResponseWriter, r *http.Request) {
	var b noteBody
	runAction(s, w, r, &b, func(k app.Idem) (app.SettlementView, *app.Replay, error) {
		return s.app.ApproveSettlement(r.Context(), actorOf(r), k, r.PathValue("id"), b.Note)
	})
}

func (s *Server) settlementReject(w http.ResponseWriter, r *http.Request) {
	var b reasonBody
	runAction(s, w, r, &b, func(k app.Idem) (app.SettlementView, *app.Replay, error) {
		return s.app.RejectSettlement(r.Context(), actorOf(r), k, r.PathValue("id"), b.Reason)
	})
}

func (s *Server) settlementExport(w http.ResponseWriter, r *http.Request) {
	runAction(s, w, r, nil, func(k app.Idem) (app.SettlementView, *app.Replay, error) {
		return s.app.ExportSettlement(r.Context(), actorOf(r), k, r.PathValue("id"))
	})
}

func (s *Server) settlementDiscard(w http.ResponseWriter, r *http.Request) {
	err := s.app.DiscardSettlement(r.Context(), actorOf(r), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, map[string]any{"id": r.PathValue("id"), "discarded": true}, nil, err)
}
