// Package web serves cobro's pages: server-rendered HTML, readable without
// JavaScript, phone-first for agents and dense for the back office. Every
// page asks package app, which enforces what each role may see; the pages
// only decide how to show it.
package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/i18n"
	"cobro/internal/proxy"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

const (
	sessionCookie = "cobro_session"
	langCookie    = "cobro_lang"
	loginCSRF     = "cobro_login_csrf"
)

// Server serves the pages.
type Server struct {
	app   *app.App
	log   *slog.Logger
	pages map[string]*template.Template
	// Secure marks cookies Secure (behind HTTPS).
	secure    bool
	publicURL string
	proxies   proxy.Trust
}

// Config configures the pages.
type Config struct {
	SecureCookies bool
	// PublicURL is the address people reach cobro at
	// ("https://cobro.example.com"), used for links sent outside (a shared
	// statement) instead of the Host header of the request, which the
	// client chooses. Empty: the request's host.
	PublicURL string
	// Proxies are the reverse proxies whose X-Forwarded-For is believed
	// for the client address (throttling, audit log).
	Proxies proxy.Trust
}

// New parses the templates and returns the page server.
func New(a *app.App, log *slog.Logger, cfg Config) (*Server, error) {
	s := &Server{app: a, log: log, pages: map[string]*template.Template{}, secure: cfg.SecureCookies,
		publicURL: strings.TrimRight(cfg.PublicURL, "/"), proxies: cfg.Proxies}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// Templates whose names begin with "_" are parts that any page may use.
	parts, err := fs.Glob(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, append([]string{"templates/layout.html", n}, parts...)...)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		s.pages[base] = t
	}
	return s, nil
}

// page is what every template gets.
type page struct {
	Lang    i18n.Lang
	Title   string
	User    *app.User
	Role    auth.Role
	CSRF    string
	Path    string
	Query   url.Values
	Company string
	Loc     *time.Location // the company's time zone
	Flash   string
	Alerts  int64 // open alerts the user may see, for the menu
	// Approvals: requests waiting for approval, for the menu of those who
	// answer them; ApprovalStats: their dashboard's card.
	Approvals     int64
	ApprovalStats *app.ApprovalStats
	Data          any
}

// T translates inside templates: {{.T "key"}}.
func (p page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// route is one line of the page table.
type route struct {
	pattern string
	public  bool // served without signing in
	handler func(*Server, http.ResponseWriter, *http.Request)
}

// routes are all the pages; the access test walks every one as every role.
var routes = []route{
	{"GET /login", true, (*Server).loginForm},
	{"POST /login", true, (*Server).login},
	{"GET /language", true, (*Server).setLanguage},
	{"POST /logout", false, (*Server).logout},
	{"GET /{$}", false, (*Server).dashboard},
	{"GET /customers", false, (*Server).customerList},
	{"GET /customers/{id}", false, (*Server).customerSheet},
	{"GET /customers/{id}/statement.pdf", false, (*Server).statement},
	{"GET /customers/{id}/report", false, (*Server).report},
	{"POST /customers/{id}/share", false, (*Server).share},
	{"POST /customers/{id}/share/{link}/revoke", false, (*Server).shareRevoke},
	{"GET " + auth.SharePrefix + "{token}", true, (*Server).shared},
	{"GET /debts", false, (*Server).debts},
	{"GET /debts/export/{format}", false, (*Server).exportDebts},
	{"POST /debts/lists", false, (*Server).saveList},
	{"POST /debts/lists/{id}/delete", false, (*Server).deleteList},
	{"GET /jobs", false, (*Server).jobList},
	{"GET /users", false, (*Server).users},
	{"POST /users/{name}/disable", false, (*Server).userDisable},
	{"POST /users/{name}/enable", false, (*Server).userEnable},
	{"POST /users/{name}/password", false, (*Server).userPassword},
	{"POST /users/{name}/tokens/{token}/revoke", false, (*Server).userTokenRevoke},
	{"POST /jobs/{id}/retry", false, (*Server).jobRetry},
	{"GET /alerts", false, (*Server).alertList},
	{"POST /alerts/{id}/resolve", false, (*Server).alertResolve},
}

// Patterns lists the page routes (for tests).
func Patterns() []string {
	out := make([]string, len(routes))
	for i, r := range routes {
		out[i] = r.pattern
	}
	return out
}

// Register adds the pages to mux.
func (s *Server) Register(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))
	for _, rt := range routes {
		h := func(w http.ResponseWriter, r *http.Request) { rt.handler(s, w, r) }
		if !rt.public {
			h = s.signedIn(h)
		}
		mux.HandleFunc(rt.pattern, h)
	}
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}

type ctxKey int

const sessionKey ctxKey = 0

// signedIn runs h for a signed-in user; anyone else is sent to the sign-in
// page (and back here afterwards). A POST must carry the session's CSRF
// token.
func (s *Server) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var sess app.Session
		if err == nil {
			sess, err = s.app.SessionOf(r.Context(), c.Value, s.proxies.ClientAddr(r))
		}
		if err != nil {
			if !errors.Is(err, http.ErrNoCookie) && !errors.Is(err, app.ErrNotFound) {
				s.serverError(w, r, err)
				return
			}
			if wantsJSON(r) {
				// The field app's requests: a redirect to a page would read
				// as success; the app asks the agent to sign in again.
				fieldJSON(w, http.StatusUnauthorized, map[string]any{"code": "signed_out",
					"message": i18n.T(s.lang(r, nil), "field.sign_in_again")})
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			if r.ContentLength > maxPostBody {
				http.Error(w, i18n.T(s.lang(r, &sess), "imports.too_large"), http.StatusRequestEntityTooLarge)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxPostBody)
			// A form carries the token as a field, the field app's JSON
			// requests as a header.
			token := r.Header.Get("X-CSRF-Token")
			if token == "" {
				token = r.PostFormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRFToken)) != 1 {
				http.Error(w, i18n.T(s.lang(r, &sess), "web.csrf_failed"), http.StatusForbidden)
				return
			}
		}
		h(w, r.WithContext(context.WithValue(r.Context(), sessionKey, sess)))
	}
}

// wantsJSON reports a request of the field app, which reads JSON answers.
func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Accept"), "application/json")
}

func sessionOf(r *http.Request) *app.Session {
	s, ok := r.Context().Value(sessionKey).(app.Session)
	if !ok {
		return nil
	}
	return &s
}

// lang is the user's setting, else the language cookie, else the browser's.
func (s *Server) lang(r *http.Request, sess *app.Session) i18n.Lang {
	setting := ""
	if c, err := r.Cookie(langCookie); err == nil {
		setting = c.Value
	}
	if sess != nil && sess.User.Language != "" && setting == "" {
		setting = sess.User.Language
	}
	return i18n.Negotiate(setting, r.Header.Get("Accept-Language"))
}

func (s *Server) newPage(r *http.Request, title string, data any) page {
	sess := sessionOf(r)
	p := page{Lang: s.lang(r, sess), Path: r.URL.Path, Query: r.URL.Query(), Data: data}
	p.Title = i18n.T(p.Lang, title)
	if sess != nil {
		u := sess.User
		p.User, p.Role, p.CSRF = &u, auth.Role(u.Role), sess.CSRFToken
		// A count for the menu; a failure to count must not fail the page.
		p.Alerts, _ = s.app.OpenAlerts(r.Context(), sess.Actor)
		p.Approvals, _ = s.app.PendingApprovals(r.Context(), sess.Actor)
	}
	p.Loc = time.UTC
	if c, err := s.app.Company(r.Context()); err == nil {
		p.Company = c.Name
		if loc, err := s.app.Location(r.Context()); err == nil {
			p.Loc = loc
		}
	}
	return p
}

// render writes a page; templates render to a buffer first so a template
// error never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, status int, p page) {
	t, ok := s.pages[name]
	if !ok {
		s.serverError(w, r, fmt.Errorf("no template %q", name))
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", string(p.Lang))
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// serverError answers a failure that is not the request's: 503 when the
// storage cannot take changes (a full disk, a read-only database), 500
// otherwise; the detail goes to the log only.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("page failed", "path", auth.LogPath(r.URL.Path), "err", err)
	if errors.Is(err, app.ErrUnavailable) {
		w.Header().Set("Retry-After", "30")
		http.Error(w, i18n.T(s.lang(r, sessionOf(r)), "web.storage_unavailable"), http.StatusServiceUnavailable)
		return
	}
	http.Error(w, i18n.T(s.lang(r, sessionOf(r)), "web.server_error"), http.StatusInternalServerError)
}

// pageErrors turn the app's one classification of errors into pages: the
// status and the title of the error page. KindInternal is not here: it is
// a server error, logged.
var pageErrors = map[app.Kind]struct {
	status int
	title  string
}{
	app.KindInvalid:   {http.StatusBadRequest, "web.bad_request"},
	app.KindMalformed: {http.StatusBadRequest, "web.bad_request"},
	app.KindConflict:  {http.StatusConflict, "web.bad_request"},
	app.KindNotFound:  {http.StatusNotFound, "web.not_found"},
	app.KindForbidden: {http.StatusForbidden, "web.forbidden"},
	// The storage refused or a read ran too long: try again shortly.
	app.KindUnavailable: {http.StatusServiceUnavailable, "web.busy"},
}

// errorData is what the error page shows: the message, and the value the
// user gave that broke a rule.
type errorData struct {
	Message string
	Value   string
}

// fail shows an error from a use case as app.Classify says: not found and
// forbidden as such, bad input and conflicts with their message and the
// value given, anything else as a server error.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	lang := s.lang(r, sessionOf(r))
	f := app.Classify(err, lang)
	pe, ok := pageErrors[f.Kind]
	if !ok || errors.Is(err, app.ErrUnavailable) {
		s.serverError(w, r, err)
		return
	}
	d := errorData{Message: f.Message, Value: f.Value}
	switch f.Kind {
	case app.KindNotFound:
		d.Message = i18n.T(lang, "web.not_found_text") // a page, not an API: it names no id
	case app.KindForbidden:
		d.Message = i18n.T(lang, "error.forbidden")
	}
	s.render(w, r, "error", pe.status, s.newPage(r, pe.title, d))
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds())})
}
