package web

import (
	"net/http"

	"cobro/internal/app"
	"cobro/internal/auth"
)

type alertsData struct {
	Board      app.AlertBoard
	CanResolve bool
}

// alertList shows the open alerts the user may see (?state=resolved: the
// resolved ones), newest first.
func (s *Server) alertList(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	b, err := s.app.Alerts(r.Context(), sess.Actor, r.URL.Query().Get("state") == "resolved", 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "alerts", http.StatusOK, s.newPage(r, "alerts.title", alertsData{Board: b, CanResolve: sess.Actor.Can(auth.ResolveAlert)}))
}

// alertResolve resolves an alert with a remark and goes back to the open
// alerts.
func (s *Server) alertResolve(w http.ResponseWriter, r *http.Request) {
	if _, err := s.app.ResolveAlert(r.Context(), sessionOf(r).Actor, r.PathValue("id"), r.PostFormValue("remark")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/alerts", http.StatusSeeOther)
}
