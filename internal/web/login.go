package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/i18n"
)

type loginData struct {
	Next  string
	Name  string
	Error string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.showLogin(w, r, http.StatusOK, loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

// showLogin renders the form with a fresh double-submit CSRF token: there
// is no session yet to hold one.
func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	token, _, err := auth.NewToken()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setCookie(w, loginCSRF, token, time.Hour)
	p := s.newPage(r, "web.sign_in", d)
	p.CSRF = token
	s.render(w, r, "login", status, p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r, nil)
	c, err := r.Cookie(loginCSRF)
	if err != nil || c.Value == "" || r.PostFormValue("csrf") != c.Value {
		http.Error(w, i18n.T(lang, "web.csrf_failed"), http.StatusForbidden)
		return
	}
	d := loginData{Next: safeNext(r.PostFormValue("next")), Name: strings.TrimSpace(r.PostFormValue("name"))}
	sess, err := s.app.SignIn(r.Context(), d.Name, r.PostFormValue("password"), s.proxies.ClientAddr(r))
	switch {
	case errors.Is(err, app.ErrBadCredentials):
		d.Error = i18n.T(lang, "web.bad_credentials")
		s.showLogin(w, r, http.StatusUnauthorized, d)
		return
	case errors.Is(err, app.ErrThrottled):
		d.Error = i18n.T(lang, "web.throttled")
		s.showLogin(w, r, http.StatusTooManyRequests, d)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.setCookie(w, loginCSRF, "", -time.Second)
	s.setCookie(w, sessionCookie, sess.Secret, s.app.SessionTTL())
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if sess := sessionOf(r); sess != nil {
		if err := s.app.SignOut(r.Context(), sess.Secret); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.setCookie(w, sessionCookie, "", -time.Second)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setLanguage stores the chosen language in a cookie and goes back. It is
// a GET link: it changes only a display preference, nothing of the ledger.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		s.setCookie(w, langCookie, string(l), 365*24*time.Hour)
	}
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}
