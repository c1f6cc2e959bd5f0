package web

import (
	"fmt"
	"net/http"
	"net/url"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/notify"
)

// The dunning page: what the next run of reminders will send (a dry run of
// today's), per customer and step, with the message one of them would
// get, rendered in the customer's language; what was sent; and running it
// now.

func init() {
	routes = append(routes,
		route{"GET /dunning", false, (*Server).dunningPage},
		route{"POST /dunning/run", false, (*Server).dunningRun},
	)
}

type dunningData struct {
	Next    app.DunningReport
	Sent    []app.DunningSent
	Preview *notify.Message
	Of      string // whose the preview is
	CanRun  bool
	Ran     string // the flash of a run just done
}

func (s *Server) dunningPage(w http.ResponseWriter, r *http.Request) {
	actor := sessionOf(r).Actor
	ctx := r.Context()
	var asOf civil.Date
	if v := r.URL.Query().Get("as_of"); v != "" {
		d, err := civil.Parse(v)
		if err != nil {
			s.fail(w, r, &ledger.RuleError{Err: ledger.ErrInvalid, Code: "bad_date", Field: "as_of", Message: err.Error(), Value: v})
			return
		}
		asOf = d
	}
	next, err := s.app.RunDunning(ctx, actor, app.DunningOptions{AsOf: asOf, DryRun: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sent, err := s.app.DunningSends(ctx, actor, "", 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := dunningData{Next: next, Sent: sent, CanRun: actor.Can(auth.RunDunning), Ran: r.URL.Query().Get("ran")}
	if c := r.URL.Query().Get("preview"); c != "" {
		for _, it := range next.Items {
			if it.CustomerID == c && it.State == "queued" {
				m, err := notify.Render(it.Reminder)
				if err != nil {
					s.serverError(w, r, err)
					return
				}
				d.Preview, d.Of = &m, it.CustomerName
				break
			}
		}
	}
	s.render(w, r, "dunning", http.StatusOK, s.newPage(r, "dunning.title", d))
}

func (s *Server) dunningRun(w http.ResponseWriter, r *http.Request) {
	rep, err := s.app.RunDunning(r.Context(), sessionOf(r).Actor, app.DunningOptions{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/dunning?ran="+url.QueryEscape(fmt.Sprintf("%d/%d/%d", rep.Queued, rep.Tasks, rep.Skipped)), http.StatusSeeOther)
}
