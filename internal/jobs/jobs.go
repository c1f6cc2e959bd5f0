// Package jobs runs cobro's background work on the database, so that
// several servers sharing one database share the work and each job runs
// once: a job is a row (store/jobs.go) claimed with a lease and a fence
// token. A runner claims due jobs (FOR UPDATE SKIP LOCKED on PostgreSQL,
// the single writer on SQLite), extends their lease while they run, and
// records the outcome only under the fence of its claim: a runner whose
// lease ran out and was taken over by another changes nothing. A job that
// fails is retried with exponential backoff and jitter, and is dead after
// its last attempt; a job whose runner died is claimed again once its
// lease runs out. Periodic jobs are enqueued by every runner under the
// unique key "kind@period", so each period's run is one row whichever
// server gets there first.
//
// Time comes from the runner's clock (Config.Now); only the waits between
// polls and lease renewals are real time.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"

	"cobro/internal/store"
)

// Job is a claimed job, as its handler sees it.
type Job struct {
	ID, Kind, Payload string
	// Period is the period a periodic job runs for ("2026-12-03" for a
	// daily one); empty for other jobs.
	Period               string
	Attempt, MaxAttempts int // Attempt counts from 1
	// Fence identifies this claim. Work whose effects must not be written
	// by a runner that lost its lease checks it in its own transaction
	// (store.Tx.HoldJobLease).
	Fence int64
	RunAt time.Time // when it was due
}

// Handler does a job. An error fails the attempt (see Permanent); a panic
// is an error too. ctx is cancelled when the runner stops or loses the
// job's lease.
type Handler func(ctx context.Context, j Job) error

// Kind is a kind of job and how to run it.
type Kind struct {
	Name   string
	Handle Handler
	// MaxAttempts: the job is dead after this many (default 5).
	MaxAttempts int
	// Lease is how long a claim lasts without renewal (default 1 min);
	// the runner renews it every Lease/3 while the handler runs, so a job
	// is claimed again about Lease after its runner died.
	Lease   time.Duration
	Backoff Backoff // default DefaultBackoff
}

// PermanentError marks an error that retrying cannot mend: the job is dead
// at once.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err so that the job is not retried.
func Permanent(err error) error { return &PermanentError{Err: err} }

// Config configures a runner.
type Config struct {
	// Owner names the runner in leases (host and process; a random
	// suffix is added so that two runners never share a name).
	Owner string
	Now   func() time.Time // default time.Now
	Log   *slog.Logger
	// Poll is how often the runner looks for due work (default 1 s).
	Poll time.Duration
	// Concurrency is how many jobs run at once (default 2).
	Concurrency int
	// Jitter returns a random number in [0, 1) (default math/rand/v2).
	Jitter func() float64
}

// group is the kinds that share a lease.
type group struct {
	lease time.Duration
	kinds []string
}

type periodic struct {
	kind     string
	schedule Schedule
	last     string    // the last period this runner enqueued
	at       time.Time // when; a recurring job's row is ensured again hourly
}

// Runner claims and runs jobs.
type Runner struct {
	db      *store.DB
	cfg     Config
	kinds   map[string]Kind
	names   []string // sorted kinds
	groups  []group  // kinds by lease, for claims
	mu      sync.Mutex
	periods []*periodic
	quiet   quietLog // schedule's errors, under mu
	// recurring kinds: one row each, run again every interval after success.
	recurring map[string]time.Duration
	metrics   *metrics
}

// New returns a runner on db. Register kinds and schedules before Run.
func New(db *store.DB, cfg Config) *Runner {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Concurrency < 1 {
		cfg.Concurrency = 2
	}
	if cfg.Jitter == nil {
		cfg.Jitter = rand.Float64
	}
	if cfg.Owner == "" {
		cfg.Owner = "runner"
	}
	cfg.Owner = fmt.Sprintf("%s/%08x", cfg.Owner, rand.Uint32())
	return &Runner{db: db, cfg: cfg, kinds: map[string]Kind{}, recurring: map[string]time.Duration{}, metrics: newMetrics(db)}
}

// Owner is the name this runner claims leases under.
func (r *Runner) Owner() string { return r.cfg.Owner }

// Register adds a kind of job. It panics on a kind without a name or
// handler, or registered twice: a wiring mistake.
func (r *Runner) Register(k Kind) {
	if k.Name == "" || k.Handle == nil {
		panic("jobs: a kind needs a name and a handler")
	}
	if _, dup := r.kinds[k.Name]; dup {
		panic("jobs: kind " + k.Name + " registered twice")
	}
	if k.MaxAttempts < 1 {
		k.MaxAttempts = 5
	}
	if k.Lease <= 0 {
		k.Lease = time.Minute
	}
	if k.Backoff == (Backoff{}) {
		k.Backoff = DefaultBackoff
	}
	r.kinds[k.Name] = k
	r.names = append(r.names, k.Name)
	sort.Strings(r.names)
	i := slices.IndexFunc(r.groups, func(g group) bool { return g.lease == k.Lease })
	if i < 0 {
		r.groups = append(r.groups, group{lease: k.Lease})
		i = len(r.groups) - 1
	}
	r.groups[i].kinds = append(r.groups[i].kinds, k.Name)
}

// Every makes the registered kind a periodic job: due once per period of
// s, across every runner on the database.
func (r *Runner) Every(kind string, s Schedule) {
	if _, ok := r.kinds[kind]; !ok {
		panic("jobs: schedule for unregistered kind " + kind)
	}
	r.periods = append(r.periods, &periodic{kind: kind, schedule: s})
}

// Recurring makes the registered kind one job that runs again every
// interval after it succeeds, on whichever runner claims it, and never on
// two at once: a poller (the outbox's delivery claiming batches of due
// rows) without a row per run. A failure is retried with the kind's
// backoff and, after its last attempt, the job is dead like any other
// (visible, and retried from the jobs page).
func (r *Runner) Recurring(kind string, interval time.Duration) {
	if _, ok := r.kinds[kind]; !ok || interval <= 0 {
		panic("jobs: recurring schedule for unregistered kind " + kind + " or without an interval")
	}
	r.recurring[kind] = interval
	r.periods = append(r.periods, &periodic{kind: kind, schedule: func(context.Context, time.Time) (string, error) {
		return store.RecurringPeriod, nil
	}})
}

// Enqueue adds a job of a registered kind, due at runAt. A job with the
// same uniqueKey (when not empty) is added once: created reports whether
// this call added it.
func (r *Runner) Enqueue(ctx context.Context, kind, uniqueKey, payload string, runAt time.Time) (id string, created bool, err error) {
	k, ok := r.kinds[kind]
	if !ok {
		return "", false, fmt.Errorf("jobs: enqueue: unknown kind %q", kind)
	}
	return r.db.EnqueueJob(ctx, store.NewJob{Kind: kind, UniqueKey: uniqueKey, Payload: payload, RunAt: runAt,
		MaxAttempts: k.MaxAttempts}, r.cfg.Now())
}

// schedule enqueues the periodic jobs due now, once per period per runner
// (the unique key makes it once across runners).
func (r *Runner) schedule(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.periods {
		now := r.cfg.Now()
		period, err := p.schedule(ctx, now)
		if err != nil {
			r.quiet.log(r.cfg.Log, "job schedule "+p.kind, err)
			continue
		}
		if period == "" || (period == p.last && (period != store.RecurringPeriod || now.Sub(p.at) < time.Hour)) {
			continue
		}
		k := r.kinds[p.kind]
		_, _, err = r.db.EnqueueJob(ctx, store.NewJob{Kind: p.kind, UniqueKey: store.PeriodKey(p.kind, period), RunAt: now,
			MaxAttempts: k.MaxAttempts}, now)
		if err != nil {
			if ctx.Err() == nil {
				r.quiet.log(r.cfg.Log, "enqueue periodic job "+p.kind, err)
			}
			continue
		}
		p.last, p.at = period, now
	}
}

// claim claims up to n due jobs. A claim has one lease for all it takes,
// so kinds are claimed in groups of the same lease.
func (r *Runner) claim(ctx context.Context, n int) ([]store.Job, error) {
	var out []store.Job
	for _, g := range r.groups {
		if len(out) >= n {
			break
		}
		got, err := r.db.ClaimJobs(ctx, r.cfg.Owner, g.kinds, n-len(out), g.lease, r.cfg.Now())
		if err != nil {
			return out, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// RunDue runs every job due now to its outcome and returns how many ran:
// the periodic jobs due are enqueued, then due jobs are claimed and run,
// Concurrency at a time, until none is left. For tests and one-off runs;
// Run does the same continuously.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	r.schedule(ctx)
	ran := 0
	for {
		claimed, err := r.claim(ctx, r.cfg.Concurrency)
		// What was claimed runs, even when a later claim failed.
		var wg sync.WaitGroup
		for _, j := range claimed {
			wg.Go(func() { r.run(ctx, j) })
		}
		wg.Wait()
		ran += len(claimed)
		if err != nil || len(claimed) == 0 {
			return ran, err
		}
	}
}

// Run claims and runs jobs until ctx is done, then waits for the jobs
// running to stop (their context is cancelled; a job stopped so is given
// back without counting the attempt) and returns nil. It looks for due
// work every Poll, and at once when a job ends if the last claim took all
// it asked for (more may be waiting).
func (r *Runner) Run(ctx context.Context) error {
	r.cfg.Log.Info("job runner started", "owner", r.cfg.Owner, "kinds", r.names)
	slots := make(chan struct{}, r.cfg.Concurrency)
	freed := make(chan struct{}, r.cfg.Concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	tick := time.NewTicker(r.cfg.Poll)
	defer tick.Stop()
	var quiet quietLog // a database that is down is said once a minute, not at every poll
	// more: the last claim found work, so a freed slot claims again at once.
	// It is kept when no slot was free: a wake-up by a slot that was freed
	// and filled again must not forget that work is waiting.
	more := false
	for {
		r.schedule(ctx)
		var retry <-chan time.Time
		if free := cap(slots) - len(slots); free > 0 && ctx.Err() == nil {
			claimed, err := r.claim(ctx, free)
			if err != nil && ctx.Err() == nil {
				quiet.log(r.cfg.Log, "claim jobs", err)
				// A claim that failed (a busy database) is tried again
				// soon, not only at the next poll.
				retry = time.After(min(r.cfg.Poll, time.Second))
			}
			// While claims find work, a freed slot claims again at once;
			// an empty claim waits for the poll.
			more = err != nil || len(claimed) > 0
			for _, j := range claimed {
				slots <- struct{}{}
				wg.Go(func() {
					defer func() {
						<-slots
						select {
						case freed <- struct{}{}:
						default:
						}
					}()
					r.run(ctx, j)
				})
			}
		}
	wait:
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-tick.C:
				break wait
			case <-retry:
				break wait
			case <-freed:
				if more {
					break wait
				}
			}
		}
	}
}

// run runs one claimed job and records its outcome under its fence.
func (r *Runner) run(ctx context.Context, sj store.Job) {
	k := r.kinds[sj.Kind]
	j := Job{ID: sj.ID, Kind: sj.Kind, Payload: sj.Payload, Attempt: sj.Attempts, MaxAttempts: sj.MaxAttempts,
		Fence: sj.Fence, RunAt: sj.RunAt, Period: sj.Period()}
	log := r.cfg.Log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempt, "fence", j.Fence)
	jctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// Renew the lease while the handler runs; stop the handler if the
	// lease was lost (another runner has the job now).
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(k.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-jctx.Done():
				return
			case <-t.C:
				now := r.cfg.Now()
				err := r.db.ExtendJobLease(jctx, j.ID, j.Fence, now.Add(k.Lease), now)
				if errors.Is(err, store.ErrLeaseLost) {
					cancel(err)
					return
				}
				if err != nil && jctx.Err() == nil {
					log.Warn("renew job lease", "err", err)
				}
			}
		}
	}()
	start := time.Now()
	err := safely(jctx, k.Handle, j)
	took := time.Since(start)
	lost := errors.Is(context.Cause(jctx), store.ErrLeaseLost)
	cancel(nil)
	<-renewed
	r.metrics.duration.WithLabelValues(j.Kind).Observe(took.Seconds())

	// The outcome is written even as the runner stops.
	wctx, wcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer wcancel()
	now := r.cfg.Now()
	var outcome string
	var werr error
	switch {
	case lost:
		outcome = "lease_lost"
	case err != nil && ctx.Err() != nil:
		outcome, werr = "released", r.db.ReleaseJob(wctx, j.ID, j.Fence, now)
	case err == nil:
		outcome = "done"
		if every, ok := r.recurring[j.Kind]; ok {
			werr = r.db.RescheduleJob(wctx, j.ID, j.Fence, now.Add(every), now)
		} else {
			werr = r.db.FinishJob(wctx, j.ID, j.Fence, now)
		}
	default:
		var perm *PermanentError
		dead := errors.As(err, &perm) || j.Attempt >= j.MaxAttempts
		retryAt := now.Add(k.Backoff.Delay(j.Attempt, r.cfg.Jitter()))
		outcome = "retry"
		if dead {
			outcome = "dead"
		}
		werr = r.db.FailJob(wctx, j.ID, j.Fence, err.Error(), retryAt, dead, now)
		r.metrics.failures.WithLabelValues(j.Kind).Inc()
		log.Warn("job failed", "err", err, "dead", dead, "retry_at", retryAt)
	}
	if errors.Is(werr, store.ErrLeaseLost) {
		outcome = "lease_lost"
	} else if werr != nil {
		log.Error("record job outcome", "outcome", outcome, "err", werr)
	}
	if outcome == "lease_lost" {
		log.Warn("job lease lost: another runner has the job; this run's outcome is not recorded")
	}
	r.metrics.runs.WithLabelValues(j.Kind, outcome).Inc()
}

// safely runs h, turning a panic into an error.
func safely(ctx context.Context, h Handler, j Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, j)
}

// quietLog logs an error when it differs from the last one, or a minute
// after the last was logged.
type quietLog struct {
	last string
	at   time.Time
}

func (q *quietLog) log(l *slog.Logger, msg string, err error) {
	if s := err.Error(); s != q.last || time.Since(q.at) >= time.Minute {
		l.Error(msg, "err", err)
		q.last, q.at = s, time.Now()
	}
}
