package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"cobro/internal/app"
	"cobro/internal/jobs"
	"cobro/internal/store"
)

// newRunner is the job runner of a server: cobro's upkeep (jobs.Upkeep),
// the outbox's delivery (jobs.Outbox), the import page's (jobs.Imports),
// the expiry of credit reservations (jobs.Credit) and the reminders
// (jobs.Dunning: the daily run, and their emails when an SMTP server is
// set), on the app's clock, leasing as
// this host and process.
func newRunner(e *env, a *app.App, db *store.DB, dun jobs.DunningConfig) *jobs.Runner {
	host, _ := os.Hostname()
	r := jobs.New(db, jobs.Config{Owner: fmt.Sprintf("%s:%d", host, os.Getpid()), Now: a.Now, Log: e.log})
	jobs.Upkeep(r, a, db)
	jobs.Outbox(r, db, jobs.OutboxConfig{})
	jobs.Imports(r, a)
	jobs.Credit(r, a)
	jobs.Dunning(r, a, db, dun)
	return r
}

// serveWithJobs runs the HTTP server (serve) and the job runner until ctx
// is done or the server stops, then stops the runner (the jobs running
// finish or are given back) and returns.
func serveWithJobs(ctx context.Context, r *jobs.Runner, serve func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	err := serve(ctx)
	cancel()
	return errors.Join(err, <-done)
}
