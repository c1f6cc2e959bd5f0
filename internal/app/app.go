// Package app holds cobro's use cases. It is the only place that opens
// write transactions, and each one does the whole of a change: authorise,
// claim the idempotency key, apply the domain rules, persist, move the
// customer's figures and write the audit record, in one transaction.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// App is cobro's application core. It keeps no state that another server
// sharing the database would need: only caches of what the database holds.
type App struct {
	db     *store.DB
	now    func() time.Time
	log    *slog.Logger
	hasher *auth.Hasher
	// afterClaim, when set (by tests), runs in the change envelope right
	// after a key is claimed, inside the transaction.
	afterClaim func(context.Context)

	sessionTTL, sessionIdle time.Duration

	mu       sync.Mutex
	loc      *time.Location
	company  ledger.Company
	asOf     civil.Date // last day the figures were known to be computed for
	loadedAt time.Time
}

// Option configures an App.
type Option func(*App)

// WithClock replaces time.Now, for tests and simulations.
func WithClock(now func() time.Time) Option { return func(a *App) { a.now = now } }

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(a *App) { a.log = l } }

// New returns an App on a migrated database.
func New(db *store.DB, opts ...Option) *App {
	a := &App{db: db, now: time.Now, log: slog.New(slog.DiscardHandler), sessionTTL: DefaultSessionTTL, sessionIdle: DefaultSessionIdle}
	for _, o := range opts {
		o(a)
	}
	return a
}

// Database names the database the app runs on, its password redacted.
func (a *App) Database() string { return a.db.Redacted() }

// ErrNotFound is returned for whatever does not exist, or is not the
// actor's to see.
var ErrNotFound = store.ErrNotFound

// PurgeKeys forgets the idempotency keys older than KeyRetention and
// returns how many went.
func (a *App) PurgeKeys(ctx context.Context) (int64, error) {
	return a.db.PurgeKeys(ctx, a.now().Add(-KeyRetention))
}

// Now is the app's clock.
func (a *App) Now() time.Time { return a.now() }

// ErrNoCompany is returned by every use case until the company profile is set.
var ErrNoCompany = errors.New("the company profile is not set up: run cobro company --name ... or cobro demo")

// companyCacheTTL bounds how long a server trusts its cached company
// profile, so a change made through another server is seen soon.
const companyCacheTTL = 30 * time.Second

// Company returns the company profile.
func (a *App) Company(ctx context.Context) (ledger.Company, error) {
	c, _, err := a.company0(ctx)
	return c, err
}

func (a *App) company0(ctx context.Context) (ledger.Company, *time.Location, error) {
	a.mu.Lock()
	if a.loc != nil && a.now().Sub(a.loadedAt) < companyCacheTTL {
		c, loc := a.company, a.loc
		a.mu.Unlock()
		return c, loc, nil
	}
	a.mu.Unlock()
	var c ledger.Company
	var asOf civil.Date
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		c, asOf, err = tx.Company(ctx, false)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return c, nil, ErrNoCompany
	}
	if err != nil {
		return c, nil, err
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return c, nil, fmt.Errorf("company time zone %q: %w", c.TimeZone, err)
	}
	a.mu.Lock()
	a.company, a.loc, a.asOf, a.loadedAt = c, loc, asOf, a.now()
	a.mu.Unlock()
	return c, loc, nil
}

// Location is the company's time zone (cached with the profile).
func (a *App) Location(ctx context.Context) (*time.Location, error) {
	_, loc, err := a.company0(ctx)
	return loc, err
}

// Today is today's date in the company's time zone. When the day has
// changed since the stored figures were computed, it brings them up to date
// first, so every figure read or moved afterwards is for today.
func (a *App) Today(ctx context.Context) (civil.Date, error) {
	_, loc, err := a.company0(ctx)
	if err != nil {
		return civil.Date{}, err
	}
	today := civil.Today(a.now(), loc)
	a.mu.Lock()
	fresh := !a.asOf.Before(today)
	a.mu.Unlock()
	if fresh {
		return today, nil
	}
	if err := a.RefreshCalendar(ctx, today); err != nil {
		return civil.Date{}, err
	}
	return today, nil
}

// RefreshCalendar moves the stored figures to day today: documents that
// fell due since the last day counted become overdue. Many servers may call
// it; the company row's lock makes the work happen once.
func (a *App) RefreshCalendar(ctx context.Context, today civil.Date) error {
	var moved int
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		moved = 0
		asOf, err := tx.LockCalendar(ctx)
		if err != nil {
			return err
		}
		if !asOf.Before(today) {
			return nil
		}
		docs, err := tx.DocumentsDueBetween(ctx, asOf, today)
		if err != nil {
			return err
		}
		var fx ledger.Effects
		for _, d := range docs {
			delta, err := ledger.OfDocument(d, today).Sub(ledger.OfDocument(d, asOf))
			if err != nil {
				return err
			}
			if !delta.IsZero() {
				moved++
			}
			if err := fx.Move(d.CustomerID, delta); err != nil {
				return err
			}
		}
		if err := a.apply(ctx, tx, origin{actor: "system", source: "calendar"}, fx); err != nil {
			return err
		}
		return tx.SetFiguresAsOf(ctx, today)
	})
	if err != nil {
		return fmt.Errorf("refresh figures for %s: %w", today, err)
	}
	a.mu.Lock()
	if a.asOf.Before(today) {
		a.asOf = today
	}
	a.mu.Unlock()
	if moved > 0 {
		a.log.Info("figures moved to a new day", "day", today.String(), "documents_fell_due", moved)
	}
	return nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Writable probes whether the database takes writes now, by a real commit
// at now (the readiness check).
func (a *App) Writable(ctx context.Context, now time.Time) error { return a.db.Writable(ctx, now) }

// Bounded marks ctx as a request's, whose reads are bounded in time
// (store.ReadTimeout; past it they fail with ErrTimeout). The HTTP server
// marks every request.
func Bounded(ctx context.Context) context.Context { return store.Bounded(ctx) }

// ErrTimeout is a request's read that ran past store.ReadTimeout.
var ErrTimeout = store.ErrTimeout
