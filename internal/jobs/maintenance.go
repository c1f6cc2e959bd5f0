package jobs

import (
	"context"
	"errors"
	"time"

	"cobro/internal/app"
	"cobro/internal/store"
)

// The kinds of cobro's own upkeep, which every `cobro serve` used to run
// on a ticker inside the HTTP server.
const (
	// KindCalendar moves the customers' figures to the new day soon after
	// midnight in the company's time zone (App.Today: documents that fell
	// due become overdue). A request on the new day does it too, if it
	// comes first; either way the company row's lock makes it happen once.
	KindCalendar = "calendar.refresh"
	// KindPurgeKeys forgets idempotency keys past app.KeyRetention, hourly.
	KindPurgeKeys = "keys.purge"
	// KindPurgeJobs forgets done and dead jobs after JobRetention, daily.
	KindPurgeJobs = "jobs.purge"
	// KindStatistics gathers the planner's statistics (ANALYZE; on SQLite
	// PRAGMA optimize too), daily, besides after every large import: a
	// ledger that grows by collections and small syncs alone would
	// otherwise be planned on the figures of its first import.
	KindStatistics = "store.statistics"
	// KindRatings rates every customer again, daily soon after the new
	// day (the overdue and the 3/12-month windows move with the day);
	// imports rate the customers they change at once.
	KindRatings = "ratings.refresh"
)

// JobRetention is how long done and dead jobs stay listed. It must exceed
// the longest period of a periodic job (a day), whose row keeps the
// period from running twice.
const JobRetention = 14 * 24 * time.Hour

// Upkeep registers cobro's own periodic jobs on r: the calendar's new
// day, forgetting old idempotency keys and old jobs, and the planner's
// statistics. The SQLite WAL
// checkpoints are not jobs: they are how the store keeps its own file,
// from the process that holds it open, ten times a second, and there is
// nothing to share between servers (store/checkpoint.go).
func Upkeep(r *Runner, a *app.App, db *store.DB) {
	r.Register(Kind{Name: KindCalendar, Handle: func(ctx context.Context, _ Job) error {
		_, err := a.Today(ctx)
		if errors.Is(err, app.ErrNoCompany) {
			return nil
		}
		return err
	}})
	r.Every(KindCalendar, Daily(0, func(ctx context.Context) (*time.Location, error) {
		loc, err := a.Location(ctx)
		if errors.Is(err, app.ErrNoCompany) {
			return nil, nil // nothing to move before there is a company
		}
		return loc, err
	}, nil))
	r.Register(Kind{Name: KindPurgeKeys, Handle: func(ctx context.Context, j Job) error {
		n, err := a.PurgeKeys(ctx)
		if n > 0 {
			r.cfg.Log.Info("purged idempotency keys", "count", n)
		}
		return err
	}})
	r.Every(KindPurgeKeys, Every(time.Hour))
	r.Register(Kind{Name: KindPurgeJobs, Handle: func(ctx context.Context, _ Job) error {
		n, err := db.PurgeJobs(ctx, r.cfg.Now().Add(-JobRetention))
		if n > 0 {
			r.cfg.Log.Info("purged old jobs", "count", n)
		}
		return err
	}})
	r.Every(KindPurgeJobs, Every(24*time.Hour))
	r.Register(Kind{Name: KindStatistics, Handle: func(ctx context.Context, _ Job) error { return db.Optimize(ctx) }})
	r.Every(KindStatistics, Every(24*time.Hour))
	r.Register(Kind{Name: KindRatings, Handle: func(ctx context.Context, _ Job) error {
		n, err := a.RateAll(ctx)
		if errors.Is(err, app.ErrNoCompany) {
			return nil
		}
		if n > 0 {
			r.cfg.Log.Info("rated customers", "count", n)
		}
		return err
	}})
	r.Every(KindRatings, Daily(30*time.Minute, func(ctx context.Context) (*time.Location, error) {
		loc, err := a.Location(ctx)
		if errors.Is(err, app.ErrNoCompany) {
			return nil, nil
		}
		return loc, err
	}, nil))
}
