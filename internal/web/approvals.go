package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/google/uuid"

	"cobro/internal/app"
	"cobro/internal/auth"
)

// The approvals page: orders waiting for a supervisor or the
// administration, newest first, each beside its customer's figures and
// the reasons it needs approval; approve or reject (with a comment) in
// place. Answered ones show how many minutes the agent waited.

func init() {
	routes = append(routes,
		route{"GET /approvals", false, (*Server).approvalList},
		route{"POST /approvals/{id}/{action}", false, (*Server).approvalDecide},
		route{"GET /approvals/count", false, (*Server).approvalCount},
	)
}

var approvalStates = []string{"pending", "approved", "rejected", ""}

type approvalRow struct {
	app.ApprovalView
	Minutes int    // from request to answer, answered ones
	Key     string // idempotency key of its forms
}

type approvalsData struct {
	State   string
	Pending int64 // waiting now, for the page's script to notice new ones
	Rows    []approvalRow
	// Answered and AvgMinutes: how fast the requests listed were answered.
	Answered   int
	AvgMinutes int
	// Error is a decision the page refused (a rejection without a
	// comment), shown beside the request ErrorID.
	Error, ErrorID string
}

func (s *Server) approvalList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := "pending"
	if q.Has("state") {
		state = q.Get("state")
	}
	s.showApprovals(w, r, state, approvalsData{}, http.StatusOK)
}

// showApprovals renders the list of a state; d may carry a decision the
// page refused (its message beside its request).
func (s *Server) showApprovals(w http.ResponseWriter, r *http.Request, state string, d approvalsData, status int) {
	actor := sessionOf(r).Actor
	if err := actor.Check(auth.ApproveCredit); err != nil {
		s.fail(w, r, err)
		return
	}
	if !slices.Contains(approvalStates, state) {
		state = "pending"
	}
	lang := s.lang(r, sessionOf(r))
	list, err := s.app.Approvals(r.Context(), actor, lang, state)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.State = state
	if d.Pending, err = s.app.PendingApprovals(r.Context(), actor); err != nil {
		s.fail(w, r, err)
		return
	}
	var waited time.Duration
	for _, v := range list {
		row := approvalRow{ApprovalView: v, Key: uuid.NewString()}
		if v.DecidedAt != nil {
			row.Minutes = answerMinutes(v.CreditCheckView)
			d.Answered++
			waited += v.DecidedAt.Sub(v.CreatedAt)
		}
		d.Rows = append(d.Rows, row)
	}
	if d.Answered > 0 {
		d.AvgMinutes = int(waited / time.Duration(d.Answered) / time.Minute)
	}
	s.render(w, r, "approvals", status, s.newPage(r, "creditweb.approvals_title", d))
}

// approvalDecide approves or rejects a request and goes back to the list.
func (s *Server) approvalDecide(w http.ResponseWriter, r *http.Request) {
	sess, id, f := sessionOf(r), r.PathValue("id"), r.PostForm
	lang := s.lang(r, sess)
	action := r.PathValue("action")
	idem := app.Idem{Key: formKey(f.Get("key")), Hash: app.HashRequest([]byte("page-approval-"+action), []byte(id), []byte(f.Get("comment")))}
	var err error
	switch action {
	case "approve":
		_, _, err = s.app.ApproveCheck(r.Context(), sess.Actor, idem, lang, id, f.Get("comment"))
	case "reject":
		_, _, err = s.app.RejectCheck(r.Context(), sess.Actor, idem, lang, id, f.Get("comment"))
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		if f := app.Classify(err, lang); f.Kind == app.KindInvalid {
			s.showApprovals(w, r, f2state(r.PostForm.Get("state")), approvalsData{Error: f.Message, ErrorID: id}, http.StatusUnprocessableEntity)
			return
		}
		s.fail(w, r, err)
		return
	}
	back := "/approvals"
	if st := f.Get("state"); st != "pending" && slices.Contains(approvalStates, st) {
		back += "?" + url.Values{"state": {st}}.Encode()
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// f2state is the list a decision came from (the pending ones by default).
func f2state(st string) string {
	if st == "" {
		return "pending"
	}
	return st
}

// approvalCount is how many requests wait now: the approvals page asks
// every few seconds and shows new ones while the agent waits in the shop.
func (s *Server) approvalCount(w http.ResponseWriter, r *http.Request) {
	actor := sessionOf(r).Actor
	if err := actor.Check(auth.ApproveCredit); err != nil {
		s.fieldError(w, r, err)
		return
	}
	n, err := s.app.PendingApprovals(r.Context(), actor)
	if err != nil {
		s.fieldError(w, r, err)
		return
	}
	fieldJSON(w, http.StatusOK, map[string]int64{"pending": n})
}
