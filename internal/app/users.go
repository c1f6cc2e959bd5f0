package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"cobro/internal/auth"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// Sign-in limits: failures allowed per user name and per client address
// within the window before sign-in is refused for the rest of it.
const (
	throttleWindow  = 15 * time.Minute
	maxUserFailures = 5
	maxAddrFailures = 30
	minPasswordLen  = 10
	// touchEvery is how stale a session's last-seen time or a token's
	// last use may get before a request writes it again.
	touchEvery = time.Minute
)

// Session lifetimes unless configured otherwise: a session ends a week
// after sign-in, or after 12 hours without a request, whichever is first.
const (
	DefaultSessionTTL  = 7 * 24 * time.Hour
	DefaultSessionIdle = 12 * time.Hour
)

// WithSessionLimits sets how long a session lives after sign-in
// (absolute) and without a request (idle); zero keeps the default.
func WithSessionLimits(absolute, idle time.Duration) Option {
	return func(a *App) {
		if absolute > 0 {
			a.sessionTTL = absolute
		}
		if idle > 0 {
			a.sessionIdle = idle
		}
	}
}

// SessionTTL is how long a session lives after sign-in at most.
func (a *App) SessionTTL() time.Duration { return a.sessionTTL }

// Errors of signing in.
var (
	ErrBadCredentials = errors.New("wrong user name or password")
	ErrThrottled      = errors.New("too many failed sign-ins: try again later")
	ErrWeakPassword   = fmt.Errorf("the password must have at least %d characters", minPasswordLen)
)

// WithHasher sets the password hasher (tests use cheap parameters).
func WithHasher(h *auth.Hasher) Option { return func(a *App) { a.hasher = h } }

func (a *App) passwordHasher() *auth.Hasher {
	if a.hasher == nil {
		a.hasher = auth.NewHasher(auth.DefaultHashParams, 4)
	}
	return a.hasher
}

// User is a person who signs in. Their password hash stays in the app.
type User struct {
	Name        string
	DisplayName string
	Role        string // agent, supervisor, administration or management
	Agent       string // an agent's code: they see only its customers
	Language    string // "", en or es
	Disabled    bool
}

func userOf(u store.User) User {
	return User{Name: u.Name, DisplayName: u.DisplayName, Role: u.Role, Agent: u.Agent, Language: u.Language, Disabled: u.Disabled}
}

// AddUser creates a person who signs in with a role; an agent user names
// their agent code, whose customers alone they see.
func (a *App) AddUser(ctx context.Context, actor auth.Actor, nu User, password string) error {
	u := store.User{Name: nu.Name, DisplayName: nu.DisplayName, Role: nu.Role, Agent: nu.Agent, Language: nu.Language, Disabled: nu.Disabled}
	if err := actor.Check(auth.ManageCompany); err != nil {
		return err
	}
	u.Name = strings.TrimSpace(u.Name)
	if u.Name == "" {
		return ruleInvalid("required", "name", "a user needs a name")
	}
	role, err := auth.ParseRole(u.Role)
	if err != nil || role == auth.Admin || role == auth.Integration {
		return ruleInvalid("bad_role", "role", "a user's role is agent, supervisor, administration or management").WithValue(u.Role)
	}
	if role == auth.Agent && strings.TrimSpace(u.Agent) == "" {
		return ruleInvalid("required", "agent", "an agent user needs their agent code (--agent)")
	}
	if err := ledger.CheckTexts("name", u.Name, ledger.MaxCodeLen, "display_name", u.DisplayName, ledger.MaxNameLen,
		"agent", u.Agent, ledger.MaxCodeLen); err != nil {
		return err
	}
	if len([]rune(password)) < minPasswordLen {
		return ErrWeakPassword
	}
	u.PasswordHash, err = a.passwordHasher().Hash(ctx, password)
	if err != nil {
		return err
	}
	u.CreatedAt = a.now()
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertUser(ctx, u); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: a.now(), Actor: actor.Name, Source: actor.Source, Action: "user.add",
			Entity: "user", EntityID: u.Name, Detail: map[string]any{"role": u.Role, "agent": u.Agent}})
	})
}

// User returns the user of a name; ErrNotFound when there is none.
func (a *App) User(ctx context.Context, actor auth.Actor, name string) (User, error) {
	if err := actor.Check(auth.ManageCompany); err != nil {
		return User{}, err
	}
	u, err := a.db.UserByName(ctx, name)
	return userOf(u), err
}

// UserActor is the actor of a signed-in user.
func UserActor(u User, source string) auth.Actor {
	return auth.Actor{Name: "user:" + u.Name, Role: auth.Role(u.Role), Agent: u.Agent, Source: source}
}

// Session is a signed-in user's session.
type Session struct {
	Secret    string // the cookie value; only its hash is stored
	CSRFToken string
	User      User
	Actor     auth.Actor
}

// SignIn checks a user's password and opens a session. Each attempt is
// counted per user name and per client address before the password is
// checked (one statement each, so parallel attempts cannot all slip under
// the limit); past the limit sign-in is refused for the rest of the window
// whatever the password. A success clears the user's count and gives the
// address its attempt back.
func (a *App) SignIn(ctx context.Context, name, password, addr string) (Session, error) {
	now := a.now()
	since := now.Add(-throttleWindow)
	userKey, addrKey := "user:"+strings.ToLower(strings.TrimSpace(name)), "addr:"+addr
	throttled := false
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		throttled = false
		for _, k := range []struct {
			key string
			max int
		}{{userKey, maxUserFailures}, {addrKey, maxAddrFailures}} {
			n, err := tx.ReserveLoginAttempt(ctx, k.key, since, now)
			if err != nil {
				return err
			}
			if n > k.max {
				throttled = true
			}
		}
		return nil
	})
	if err != nil {
		return Session{}, err
	}
	if throttled {
		return Session{}, ErrThrottled
	}
	u, err := a.db.UserByName(ctx, strings.TrimSpace(name))
	if err == nil && u.Disabled {
		err = ErrBadCredentials
	}
	if err == nil {
		err = a.passwordHasher().Verify(ctx, u.PasswordHash, password)
	} else if errors.Is(err, store.ErrNotFound) {
		// Spend the same time as a real check, so timing does not tell
		// which user names exist.
		_ = a.passwordHasher().VerifyNone(ctx, password)
	}
	if err != nil {
		if !errors.Is(err, auth.ErrBadPassword) && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, ErrBadCredentials) {
			return Session{}, err
		}
		return Session{}, ErrBadCredentials // the attempt stays counted
	}
	secret, hash, err := auth.NewToken()
	if err != nil {
		return Session{}, err
	}
	csrf := randomToken()
	now = a.now() // the session starts once the password is checked
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.ClearLoginFailures(ctx, userKey); err != nil {
			return err
		}
		if err := tx.ReleaseLoginAttempt(ctx, addrKey); err != nil {
			return err
		}
		if err := tx.PurgeSessions(ctx, now); err != nil {
			return err
		}
		if err := tx.PurgeIdleSessions(ctx, now.Add(-a.sessionIdle)); err != nil {
			return err
		}
		if err := tx.SetLastSignIn(ctx, u.Name, now); err != nil {
			return err
		}
		return tx.InsertSession(ctx, hash, store.Session{UserName: u.Name, CSRFToken: csrf, ExpiresAt: now.Add(a.sessionTTL)}, now, u.PasswordHash)
	})
	if errors.Is(err, store.ErrCredentialsChanged) {
		return Session{}, ErrBadCredentials
	}
	if err != nil {
		return Session{}, err
	}
	return Session{Secret: secret, CSRFToken: csrf, User: userOf(u), Actor: UserActor(userOf(u), addr)}, nil
}

// SessionOf finds the session of a cookie secret: ErrNotFound when it
// expired, went unused for longer than the idle timeout, was ended or its
// user is disabled. A request keeps the session alive.
func (a *App) SessionOf(ctx context.Context, secret, addr string) (Session, error) {
	now := a.now()
	hash := auth.HashToken(secret)
	s, u, err := a.db.SessionUser(ctx, hash, now, now.Add(-a.sessionIdle))
	if err != nil {
		return Session{}, err
	}
	if now.Sub(s.LastSeenAt) >= touchEvery {
		stale := now.Add(-touchEvery)
		if err := a.db.Write(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, hash, now, stale) }); err != nil && !errors.Is(err, store.ErrUnavailable) {
			// Storage that takes no writes still serves reads: the last
			// use waits for the next request.
			return Session{}, err
		}
	}
	return Session{Secret: secret, CSRFToken: s.CSRFToken, User: userOf(u), Actor: UserActor(userOf(u), addr)}, nil
}

// SignOut ends the session of a cookie secret.
func (a *App) SignOut(ctx context.Context, secret string) error {
	return a.db.Write(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, auth.HashToken(secret)) })
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
