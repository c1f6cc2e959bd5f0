package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cobro/internal/auth"
	"cobro/internal/store"
)

// UserView is a user as the administration sees them: never their
// password hash.
type UserView struct {
	Name, DisplayName, Role, Agent, Language string
	CreatedAt, LastSignInAt                  time.Time // LastSignInAt is zero when never
	Disabled                                 bool
	Tokens                                   []TokenView // the live tokens acting as the user
}

// TokenView is an API token: never its secret nor its hash.
type TokenView struct {
	ID, Name, Role, User             string
	CreatedAt, LastUsedAt, RevokedAt time.Time // zero when never
}

// Revoked reports whether the token was revoked.
func (t TokenView) Revoked() bool { return !t.RevokedAt.IsZero() }

func tokenView(t store.Token) TokenView {
	return TokenView{ID: t.ID, Name: t.Name, Role: t.Role, User: t.UserName, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

// Users lists every user with their live tokens.
func (a *App) Users(ctx context.Context, actor auth.Actor) ([]UserView, error) {
	if err := actor.Check(auth.ManageUsers); err != nil {
		return nil, err
	}
	us, err := a.db.Users(ctx)
	if err != nil {
		return nil, err
	}
	toks, err := a.db.Tokens(ctx, "")
	if err != nil {
		return nil, err
	}
	byUser := map[string][]TokenView{}
	for _, t := range toks {
		if t.UserName != "" && t.RevokedAt.IsZero() {
			byUser[t.UserName] = append(byUser[t.UserName], tokenView(t))
		}
	}
	out := make([]UserView, len(us))
	for i, u := range us {
		out[i] = UserView{Name: u.Name, DisplayName: u.DisplayName, Role: u.Role, Agent: u.Agent, Language: u.Language,
			CreatedAt: u.CreatedAt, LastSignInAt: u.LastSignInAt, Disabled: u.Disabled, Tokens: byUser[u.Name]}
	}
	return out, nil
}

// ErrSelf is returned when a user would disable themselves.
var ErrSelf = ruleInvalid("self", "name", "you cannot disable the user you are signed in as")

// DisableUser stops a user at once: their sessions end and their tokens
// are refused until they are enabled again. self is the name of the user
// asking, when a user asks ("" from the command line).
func (a *App) DisableUser(ctx context.Context, actor auth.Actor, name, self string) error {
	if err := actor.Check(auth.ManageUsers); err != nil {
		return err
	}
	if self != "" && name == self {
		return ErrSelf
	}
	return a.setDisabled(ctx, actor, name, a.now(), "user.disable")
}

// EnableUser lets a disabled user sign in again; their tokens that were
// not revoked work again.
func (a *App) EnableUser(ctx context.Context, actor auth.Actor, name string) error {
	if err := actor.Check(auth.ManageUsers); err != nil {
		return err
	}
	return a.setDisabled(ctx, actor, name, time.Time{}, "user.enable")
}

func (a *App) setDisabled(ctx context.Context, actor auth.Actor, name string, at time.Time, action string) error {
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetUserDisabled(ctx, name, at); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: a.now(), Actor: actor.Name, Source: actor.Source, Action: action,
			Entity: "user", EntityID: name})
	})
}

// SetPassword gives a user a new password and ends their sessions, all
// but keep's (the cookie secret of the session asking, or "").
func (a *App) SetPassword(ctx context.Context, actor auth.Actor, name, password, keep string) error {
	if err := actor.Check(auth.ManageUsers); err != nil {
		return err
	}
	if len([]rune(password)) < minPasswordLen {
		return ErrWeakPassword
	}
	if _, err := a.db.UserByName(ctx, name); err != nil {
		return err
	}
	hash, err := a.passwordHasher().Hash(ctx, password)
	if err != nil {
		return err
	}
	keepHash := ""
	if keep != "" {
		keepHash = auth.HashToken(keep)
	}
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, name, hash, keepHash); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: a.now(), Actor: actor.Name, Source: actor.Source, Action: "user.passwd",
			Entity: "user", EntityID: name})
	})
}

// Tokens lists every API token, revoked ones too.
func (a *App) Tokens(ctx context.Context, actor auth.Actor) ([]TokenView, error) {
	if err := actor.Check(auth.ManageCompany); err != nil {
		return nil, err
	}
	toks, err := a.db.Tokens(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make([]TokenView, len(toks))
	for i, t := range toks {
		out[i] = tokenView(t)
	}
	return out, nil
}

// ErrAmbiguousToken is returned when a token is revoked by a name that
// several live tokens share.
var ErrAmbiguousToken = errors.New("several live tokens have this name: revoke by id")

// RevokeToken revokes a live token named by its id or, when no token has
// that id, by its name. A token acting as a user may be revoked by whoever
// manages users; any other token only by whoever manages the company.
// user, when not "", limits the search to that user's tokens.
func (a *App) RevokeToken(ctx context.Context, actor auth.Actor, ref, user string) (TokenView, error) {
	if err := actor.Check(auth.ManageUsers); err != nil {
		return TokenView{}, err
	}
	ref = strings.TrimSpace(ref)
	toks, err := a.db.Tokens(ctx, user)
	if err != nil {
		return TokenView{}, err
	}
	var found []store.Token
	for _, t := range toks {
		if t.RevokedAt.IsZero() && t.ID == ref {
			found = []store.Token{t}
			break
		}
		if t.RevokedAt.IsZero() && t.Name == ref {
			found = append(found, t)
		}
	}
	switch {
	case len(found) == 0:
		return TokenView{}, fmt.Errorf("live token %q: %w", ref, store.ErrNotFound)
	case len(found) > 1:
		ids := make([]string, len(found))
		for i, t := range found {
			ids[i] = t.ID
		}
		return TokenView{}, fmt.Errorf("%w (%s)", ErrAmbiguousToken, strings.Join(ids, ", "))
	}
	tok := found[0]
	if tok.UserName == "" {
		if err := actor.Check(auth.ManageCompany); err != nil {
			return TokenView{}, err
		}
	}
	now := a.now()
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeToken(ctx, tok.ID, now); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: actor.Source, Action: "token.revoke",
			Entity: "token", EntityID: tok.ID, Detail: map[string]any{"name": tok.Name, "user": tok.UserName}})
	})
	tok.RevokedAt = now
	return tokenView(tok), err
}

// ShareLinkView is a shared statement link that still works. ID names it
// for a revocation; it cannot open the statement.
type ShareLinkView struct {
	ID, CreatedBy        string
	CreatedAt, ExpiresAt time.Time
}

// ShareLinks lists the links to a customer's statement that still work.
func (a *App) ShareLinks(ctx context.Context, actor auth.Actor, customerID string) ([]ShareLinkView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return nil, err
	}
	var out []ShareLinkView
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := a.visibleAccount(ctx, tx, actor, customerID, false); err != nil {
			return err
		}
		ls, err := tx.LiveShareLinks(ctx, customerID, a.now())
		for _, l := range ls {
			out = append(out, ShareLinkView{ID: l.ID, CreatedBy: l.CreatedBy, CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt})
		}
		return err
	})
	return out, err
}

// RevokeShareLink stops a link to a customer's statement at once. Whoever
// may share the customer's statement may revoke its links.
func (a *App) RevokeShareLink(ctx context.Context, actor auth.Actor, customerID, id string) error {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return err
	}
	now := a.now()
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := a.visibleAccount(ctx, tx, actor, customerID, false); err != nil {
			return err
		}
		if err := tx.RevokeShareLink(ctx, customerID, id, actor.Name, now); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: actor.Source, Action: "statement.share_revoke",
			Entity: "customer", EntityID: customerID, CustomerID: customerID})
	})
}
