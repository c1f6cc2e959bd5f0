package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// SaveCompany creates or updates the company profile.
func (a *App) SaveCompany(ctx context.Context, actor auth.Actor, c ledger.Company) error {
	if err := actor.Check(auth.ManageCompany); err != nil {
		return err
	}
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		return ruleInvalid("required", "name", "the company needs a name")
	}
	if !c.Currency.Valid() {
		return ruleInvalid("unknown_currency", "currency", "unknown currency %q", c.Currency).WithValue(string(c.Currency))
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil || c.TimeZone == "" {
		return ruleInvalid("bad_time_zone", "time_zone", "unknown time zone %q (e.g. Europe/Madrid)", c.TimeZone).WithValue(c.TimeZone)
	}
	if c.Language != "en" && c.Language != "es" {
		return ruleInvalid("bad_language", "language", "language must be en or es").WithValue(c.Language)
	}
	if err := ledger.CheckCompany(c); err != nil {
		return err
	}
	if c.SettlementTolerance.Currency == "" && c.SettlementTolerance.Minor == 0 {
		c.SettlementTolerance.Currency = c.Currency
	}
	if c.SettlementTolerance.Currency != c.Currency {
		return &ledger.RuleError{Err: ledger.ErrCurrency, Code: "currency_mismatch", Field: "settlement_tolerance.currency",
			Message: "the settlement tolerance is in the company's currency"}
	}
	if c.SettlementTolerance.Minor < 0 {
		return ruleInvalid("amount_not_positive", "settlement_tolerance.amount", "the settlement tolerance is zero or more")
	}
	if err := ledger.CheckAmount("settlement_tolerance.amount", c.SettlementTolerance); err != nil {
		return err
	}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		// asOf is kept for an existing company: the calendar only moves
		// forward, and Today refreshes the figures in the new zone.
		_, asOf, err := tx.Company(ctx, false)
		if errors.Is(err, store.ErrNotFound) {
			asOf = civil.Today(a.now(), loc)
		} else if err != nil {
			return err
		}
		if err := tx.SaveCompany(ctx, c, asOf); err != nil {
			return err
		}
		if err := tx.SetCompanySetUp(ctx, a.now(), true); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: a.now(), Actor: actor.Name, Source: actor.Source, Action: "company.save",
			Entity: "company", EntityID: "1", Detail: c})
	})
	a.mu.Lock()
	a.loc = nil // reload
	a.mu.Unlock()
	return err
}

// CreateToken issues an API token with a role, or acting as a user, and
// returns its secret: shown once, stored only as a hash.
func (a *App) CreateToken(ctx context.Context, name string, role auth.Role, user string) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", ruleInvalid("required", "name", "a token needs a name")
	}
	if err := ledger.CheckText("name", name, ledger.MaxNameLen); err != nil {
		return "", err
	}
	if user == "" && role != auth.Admin && role != auth.Integration {
		return "", ruleInvalid("bad_role", "role", "a token's role is admin or integration; for a user's rights use --user").WithValue(string(role))
	}
	if user != "" {
		// A user's token acts with the user's rights as they are when it
		// is used, so its own role column only says "user".
		if _, err := a.db.UserByName(ctx, user); err != nil {
			return "", err
		}
		role = "user"
	}
	secret, hash, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	tok := store.Token{ID: id.String(), Name: name, Role: string(role), UserName: user, CreatedAt: a.now()}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertToken(ctx, tok, hash); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: a.now(), Actor: "cli", Source: "cli", Action: "token.create",
			Entity: "token", EntityID: tok.ID, Detail: map[string]any{"name": name, "role": role, "user": user}})
	})
	return secret, err
}

// Authenticate finds the actor of an API token secret: ErrNotFound when
// the token is unknown or revoked, or acts as a user who is disabled. Its
// last use is recorded (to the minute).
func (a *App) Authenticate(ctx context.Context, secret, source string) (auth.Actor, error) {
	tok, err := a.db.TokenByHash(ctx, auth.HashToken(secret))
	if err != nil {
		return auth.Actor{}, err
	}
	var actor auth.Actor
	if tok.UserName != "" {
		u, err := a.db.UserByName(ctx, tok.UserName)
		if err != nil || u.Disabled {
			return auth.Actor{}, store.ErrNotFound
		}
		actor = UserActor(userOf(u), source)
		actor.Name = "token:" + tok.Name + " user:" + u.Name
	} else {
		role, err := auth.ParseRole(tok.Role)
		if err != nil {
			return auth.Actor{}, fmt.Errorf("token %s: %w", tok.ID, err)
		}
		actor = auth.Actor{Name: "token:" + tok.Name, Role: role, Source: source}
	}
	if now := a.now(); now.Sub(tok.LastUsedAt) >= touchEvery {
		stale := now.Add(-touchEvery)
		if err := a.db.Write(ctx, func(tx *store.Tx) error { return tx.TouchToken(ctx, tok.ID, now, stale) }); err != nil && !errors.Is(err, store.ErrUnavailable) {
			// Storage that takes no writes still serves reads: the last
			// use waits for the next request.
			return auth.Actor{}, err
		}
	}
	return actor, nil
}

// DefaultCompany is the profile a fresh database gets until it is set.
func DefaultCompany() ledger.Company {
	return ledger.Company{Name: "My company", Currency: money.Currency("EUR"), TimeZone: "Europe/Madrid", Language: "es"}
}
