package api

import (
	"net/http"
	"time"

	"cobro/internal/app"
)

// alertBody is an alert on the wire; message is in the request's language.
type alertBody struct {
	ID         string         `json:"id"`
	At         time.Time      `json:"at"`
	Kind       string         `json:"kind"`
	CustomerID string         `json:"customer_id"`
	Agent      string         `json:"agent"`
	Entity     string         `json:"entity"`
	EntityID   string         `json:"entity_id"`
	Detail     map[string]any `json:"detail"`
	Message    string         `json:"message"`
	ResolvedAt *time.Time     `json:"resolved_at,omitempty"`
	ResolvedBy string         `json:"resolved_by,omitempty"`
	Remark     string         `json:"remark,omitempty"`
}

func (s *Server) alertBody(r *http.Request, v app.AlertView) alertBody {
	b := alertBody{ID: v.ID, At: v.At, Kind: v.Kind, CustomerID: v.CustomerID, Agent: v.Agent, Entity: v.Entity, EntityID: v.EntityID,
		Detail: v.Detail, Message: v.Message(langOf(r)), ResolvedBy: v.ResolvedBy, Remark: v.Remark}
	if b.Detail == nil {
		b.Detail = map[string]any{}
	}
	if v.Resolved() {
		at := v.ResolvedAt
		b.ResolvedAt = &at
	}
	return b
}

// alertsList lists the open alerts the caller may see (?state=resolved:
// the resolved ones), newest first.
func (s *Server) alertsList(w http.ResponseWriter, r *http.Request) {
	limit, err := queryLimit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	state := r.URL.Query().Get("state")
	if state != "" && state != "open" && state != "resolved" {
		s.fail(w, r, &apiError{status: http.StatusBadRequest, code: "bad_query", field: "state", value: state})
		return
	}
	b, err := s.app.Alerts(r.Context(), actorOf(r), state == "resolved", limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := make([]alertBody, len(b.Alerts))
	for i, v := range b.Alerts {
		items[i] = s.alertBody(r, v)
	}
	s.answer(w, r, http.StatusOK, map[string]any{"items": items, "open": b.Open}, nil, nil)
}

type remarkBody struct {
	Remark string `json:"remark"`
}

// alertResolve resolves an alert; resolving it again answers the same.
func (s *Server) alertResolve(w http.ResponseWriter, r *http.Request) {
	var b remarkBody
	if err := s.decode(w, r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.app.ResolveAlert(r.Context(), actorOf(r), r.PathValue("id"), b.Remark)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.answer(w, r, http.StatusOK, s.alertBody(r, v), nil, nil)
}
