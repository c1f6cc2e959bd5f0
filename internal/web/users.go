package web

import (
	"errors"
	"net/http"
	"net/url"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/i18n"
)

type usersData struct {
	Users []app.UserView
	Self  string
	Done  string // what the last action did, a message key
	Error string
}

// usersDone are the messages a user action may leave on the users page.
var usersDone = map[string]string{
	"disabled": "web.users_done_disabled", "enabled": "web.users_done_enabled",
	"password": "web.users_done_password", "revoked": "web.users_done_revoked",
}

// users lists the people who sign in, for the administration to disable,
// enable, give a new password or revoke their tokens.
func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	d := usersData{}
	if key, ok := usersDone[r.URL.Query().Get("done")]; ok {
		d.Done = key
	}
	s.showUsers(w, r, http.StatusOK, d)
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, status int, d usersData) {
	sess := sessionOf(r)
	us, err := s.app.Users(r.Context(), sess.Actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Users, d.Self = us, sess.User.Name
	s.render(w, r, "users", status, s.newPage(r, "web.users", d))
}

// userAction runs one change on a user and goes back to the users page
// saying what was done.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request, done string, change func(sess *app.Session, name string) error) {
	sess := sessionOf(r)
	name := r.PathValue("name")
	if err := change(sess, name); err != nil {
		if errors.Is(err, app.ErrWeakPassword) {
			s.showUsers(w, r, http.StatusBadRequest, usersData{Error: i18n.T(s.lang(r, sess), "error.weak_password")})
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/users?done="+url.QueryEscape(done)+"#user-"+url.PathEscape(name), http.StatusSeeOther)
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, "disabled", func(sess *app.Session, name string) error {
		return s.app.DisableUser(r.Context(), sess.Actor, name, sess.User.Name)
	})
}

func (s *Server) userEnable(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, "enabled", func(sess *app.Session, name string) error {
		return s.app.EnableUser(r.Context(), sess.Actor, name)
	})
}

// userPassword gives a user a new password; their sessions end, but the
// one making the change when it is their own.
func (s *Server) userPassword(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, "password", func(sess *app.Session, name string) error {
		return s.app.SetPassword(r.Context(), sess.Actor, name, r.PostFormValue("password"), sess.Secret)
	})
}

func (s *Server) userTokenRevoke(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, "revoked", func(sess *app.Session, name string) error {
		_, err := s.app.RevokeToken(r.Context(), sess.Actor, r.PathValue("token"), name)
		return err
	})
}

// shareRevoke stops a shared link to the customer's statement.
func (s *Server) shareRevoke(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.app.RevokeShareLink(r.Context(), sessionOf(r).Actor, id, r.PathValue("link")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/customers/"+url.PathEscape(id)+"#links", http.StatusSeeOther)
}

// Can reports whether the signed-in user's role may do action (to show
// only the links they may follow).
func (p page) Can(action auth.Action) bool { return auth.Actor{Role: p.Role}.Can(action) }
