package web

import (
	"net/http"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/i18n"
)

type jobRow struct {
	app.JobView
	Label string // what the job does, in the page's language; the kind when unknown
}

type jobsData struct {
	Board    app.JobBoard
	Rows     []jobRow
	CanRetry bool
}

// jobList shows the background jobs of every server, for the
// administration: counts by state and the latest jobs (?state= filters).
func (s *Server) jobList(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	b, err := s.app.Jobs(r.Context(), sess.Actor, r.URL.Query().Get("state"), 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r, sess)
	d := jobsData{Board: b, CanRetry: sess.Actor.Can(auth.RetryJob)}
	for _, j := range b.Jobs {
		label := j.Kind
		if i18n.Has(lang, "job."+j.Kind) {
			label = i18n.T(lang, "job."+j.Kind)
		}
		if j.Recurring {
			j.Period = i18n.T(lang, "web.job_recurring")
		}
		d.Rows = append(d.Rows, jobRow{JobView: j, Label: label})
	}
	s.render(w, r, "jobs", http.StatusOK, s.newPage(r, "web.jobs", d))
}

// jobRetry queues a dead job again and goes back to the dead jobs.
func (s *Server) jobRetry(w http.ResponseWriter, r *http.Request) {
	if err := s.app.RetryJob(r.Context(), sessionOf(r).Actor, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/jobs?state=dead", http.StatusSeeOther)
}

// SeesJobs reports whether the page's user may open the jobs page (for
// the menu).
func (p page) SeesJobs() bool { return auth.Actor{Role: p.Role}.Can(auth.ReadJobs) }
