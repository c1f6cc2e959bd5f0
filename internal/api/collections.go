package api

import (
	"net/http"

	"cobro/internal/app"
	"cobro/internal/ledger"
)

func (s *Server) collectionCreate(w http.ResponseWriter, r *http.Request) {
	body, err := s.readObject(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req app.CollectionRequest
	if err := decodeJSON(body, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	v, replay, err := s.app.RecordCollection(r.Context(), actorOf(r), idem(r, body), req)
	if err == nil && replay == nil {
		w.Header().Set("Location", "/api/v1/collections/"+v.ID)
	}
	s.answer(w, r, http.StatusCreated, v, replay, err)
}

func (s *Server) collectionGet(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.Collection(r.Context(), actorOf(r), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, v, nil, err)
}

func (s *Server) collectionsList(w http.ResponseWriter, r *http.Request) {
	limit, err := queryLimit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pending, err := queryBool(r, "pending_erp")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	page, err := s.app.Collections(r.Context(), actorOf(r), app.CollectionQuery{CustomerID: q.Get("customer_id"),
		PendingERP: pending, Cursor: q.Get("cursor"), Limit: limit})
	s.answer(w, r, http.StatusOK, page, nil, err)
}

type allocateBody struct {
	Allocations []app.AllocationRequest `json:"allocations"`
}

type reasonBody struct {
	Reason string `json:"reason"`
}

// action reads a collection action's optional JSON body into v (an empty
// body is an empty object) and runs it under the request's idempotency key.
// runAction reads an action's JSON body into v (a body is refused when v
// is nil and it holds fields) and runs the action under the request's
// idempotency key: one shape for every action on a stored thing
// (collections, settlements, credit checks).
func runAction[V any](s *Server, w http.ResponseWriter, r *http.Request, v any, run func(idem app.Idem) (V, *app.Replay, error)) {
	body, err := s.readObject(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(body) > 0 {
		// An action without fields still refuses a body it would
		// misread: it is hashed into the idempotency key.
		var ignore struct{}
		if v == nil {
			v = &ignore
		}
		if err := decodeJSON(body, v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	view, replay, err := run(idem(r, body))
	s.answer(w, r, http.StatusOK, view, replay, err)
}

func (s *Server) collectionAllocate(w http.ResponseWriter, r *http.Request) {
	var b allocateBody
	runAction(s, w, r, &b, func(k app.Idem) (app.CollectionView, *app.Replay, error) {
		return s.app.AllocateCollection(r.Context(), actorOf(r), k, r.PathValue("id"), b.Allocations)
	})
}

func (s *Server) collectionVoid(w http.ResponseWriter, r *http.Request) {
	var b reasonBody
	runAction(s, w, r, &b, func(k app.Idem) (app.CollectionView, *app.Replay, error) {
		if err := ledger.CheckText("reason", b.Reason, ledger.MaxNoteLen); err != nil {
			return app.CollectionView{}, nil, err
		}
		return s.app.VoidCollection(r.Context(), actorOf(r), k, r.PathValue("id"), b.Reason)
	})
}

func (s *Server) collectionClear(w http.ResponseWriter, r *http.Request) {
	runAction(s, w, r, nil, func(k app.Idem) (app.CollectionView, *app.Replay, error) {
		return s.app.ClearCollection(r.Context(), actorOf(r), k, r.PathValue("id"))
	})
}

func (s *Server) collectionReturn(w http.ResponseWriter, r *http.Request) {
	var b reasonBody
	runAction(s, w, r, &b, func(k app.Idem) (app.CollectionView, *app.Replay, error) {
		if err := ledger.CheckText("reason", b.Reason, ledger.MaxNoteLen); err != nil {
			return app.CollectionView{}, nil, err
		}
		return s.app.ReturnCollection(r.Context(), actorOf(r), k, r.PathValue("id"), b.Reason)
	})
}

// collectionHandIn: the cheque or promissory note reached the office.
func (s *Server) collectionHandIn(w http.ResponseWriter, r *http.Request) {
	runAction(s, w, r, nil, func(k app.Idem) (app.CollectionView, *app.Replay, error) {
		return s.app.MoveInstrument(r.Context(), actorOf(r), k, r.PathValue("id"), ledger.HandedIn)
	})
}

// collectionDeposit: the cheque or promissory note was deposited at the bank.
func (s *Server) collectionDeposit(w http.ResponseWriter, r *http.Request) {
	runAction(s, w, r, nil, func(k app.Idem) (app.CollectionView, *app.Replay, error) {
		return s.app.MoveInstrument(r.Context(), actorOf(r), k, r.PathValue("id"), ledger.Deposited)
	})
}

func (s *Server) collectionAck(w http.ResponseWriter, r *http.Request) {
	runAction(s, w, r, nil, func(k app.Idem) (app.CollectionView, *app.Replay, error) {
		return s.app.AckCollection(r.Context(), actorOf(r), k, r.PathValue("id"))
	})
}
