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
	)
}

var approvalStates = []string{"pending", "approved", "rejected", ""}

type approvalRow struct {
	app.ApprovalView
	Minutes int    // from request to answer, answered ones
	Key     string // idempotency key of its forms
}

type approvalsData struct {
	State string
	Rows  []approvalRow
	// Answered and AvgMinutes: how fast the requests listed were answered.
	Answered   int
	AvgMinutes int
}

func (s *Server) approvalList(w http.ResponseWriter, r *http.Request) {
	actor := sessionOf(r).Actor
	if err := actor.Check(auth.ApproveCredit); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	state := "pending"
	if q.Has("state") {
		state = q.Get("state")
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
	d := approvalsData{State: state}
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
	s.render(w, r, "approvals", http.StatusOK, s.newPage(r, "creditweb.approvals_title", d))
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
		s.fail(w, r, err)
		return
	}
	back := "/approvals"
	if st := f.Get("state"); st != "pending" && slices.Contains(approvalStates, st) {
		back += "?" + url.Values{"state": {st}}.Encode()
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
