package web

import (
	"net/http"
	"net/url"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/i18n"
)

func init() {
	routes = append(routes,
		route{"GET /outbox", false, (*Server).outboxList},
		route{"GET /outbox/{id}", false, (*Server).outboxEvent},
		route{"POST /outbox/{id}/resend", false, (*Server).outboxResend},
		route{"POST /outbox/destination", false, (*Server).outboxDestination},
		route{"POST /outbox/test", false, (*Server).outboxTest},
	)
}

type outboxData struct {
	Board        app.OutboxBoard
	CanResend    bool
	CanConfigure bool
	Done         string // a message key: what the last action did
	Error        string
	// Form: what was typed when saving failed (never the secret).
	Form app.OutboxDestinationRequest
}

// outboxDone are the messages an action may leave on the outbox page.
var outboxDone = map[string]string{"resent": "outbox.done_resent", "saved": "outbox.done_saved", "test": "outbox.done_test"}

// outboxList shows the events for the ERP, newest first (?state=
// filters), with counts by state and where events go.
func (s *Server) outboxList(w http.ResponseWriter, r *http.Request) {
	d := outboxData{}
	if key, ok := outboxDone[r.URL.Query().Get("done")]; ok {
		d.Done = key
	}
	s.showOutbox(w, r, http.StatusOK, d)
}

func (s *Server) showOutbox(w http.ResponseWriter, r *http.Request, status int, d outboxData) {
	sess := sessionOf(r)
	b, err := s.app.Outbox(r.Context(), sess.Actor, r.URL.Query().Get("state"), 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Board, d.CanResend, d.CanConfigure = b, sess.Actor.Can(auth.ResendOutbox), sess.Actor.Can(auth.ConfigureOutbox)
	if d.Error == "" {
		d.Form = app.OutboxDestinationRequest{WebhookURL: b.Destination.WebhookURL, CSVDir: b.Destination.CSVDir}
	}
	s.render(w, r, "outbox", status, s.newPage(r, "outbox.title", d))
}

type outboxEventData struct {
	Event     app.OutboxEventView
	Attempts  []app.OutboxAttemptView
	CanResend bool
}

// outboxEvent shows one event: what was sent, and every attempt with what
// failed and why.
func (s *Server) outboxEvent(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	e, as, err := s.app.OutboxEvent(r.Context(), sess.Actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "outboxevent", http.StatusOK, s.newPage(r, "outbox.event",
		outboxEventData{Event: e, Attempts: as, CanResend: sess.Actor.Can(auth.ResendOutbox)}))
}

// outboxResend sends a delivered or dead event again.
func (s *Server) outboxResend(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.app.ResendOutbox(r.Context(), sessionOf(r).Actor, id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/outbox/"+url.PathEscape(id)+"?done=resent", http.StatusSeeOther)
}

// outboxDestination sets where events go; a rule broken shows the page
// again with the message and what was typed (but the secret).
func (s *Server) outboxDestination(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	req := app.OutboxDestinationRequest{WebhookURL: r.PostFormValue("webhook_url"), Secret: r.PostFormValue("webhook_secret"),
		CSVDir: r.PostFormValue("csv_dir")}
	if err := s.app.SaveOutboxDestination(r.Context(), sess.Actor, req); err != nil {
		f := app.Classify(err, s.lang(r, sess))
		if f.Kind != app.KindInvalid {
			s.fail(w, r, err)
			return
		}
		req.Secret = ""
		s.showOutbox(w, r, http.StatusBadRequest, outboxData{Error: f.Message, Form: req})
		return
	}
	http.Redirect(w, r, "/outbox?done=saved", http.StatusSeeOther)
}

// outboxTest puts a test event in the outbox.
func (s *Server) outboxTest(w http.ResponseWriter, r *http.Request) {
	if err := s.app.SendTestEvent(r.Context(), sessionOf(r).Actor); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/outbox?done=test", http.StatusSeeOther)
}

// SeesOutbox reports whether the page's user may open the outbox page
// (for the menu).
func (p page) SeesOutbox() bool { return auth.Actor{Role: p.Role}.Can(auth.ReadOutbox) }

// topicLabel is an event's topic in the page's language, the topic itself
// when the catalogue has no words for it.
func topicLabel(lang i18n.Lang, topic string) string {
	if i18n.Has(lang, "topic."+topic) {
		return i18n.T(lang, "topic."+topic)
	}
	return topic
}
