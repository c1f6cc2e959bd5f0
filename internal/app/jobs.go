package app

import (
	"context"
	"time"

	"cobro/internal/auth"
	"cobro/internal/store"
)

// JobView is a background job as the administration sees it.
type JobView struct {
	ID, Kind string
	// Period is the period a periodic job ran for; empty for others.
	Period                string
	State                 string
	Recurring             bool // run again an interval after each success; Period is empty
	Attempts, MaxAttempts int
	RunAt                 time.Time
	LeaseOwner            string
	LeaseUntil            time.Time
	LastError             string
	UpdatedAt, FinishedAt time.Time
}

// JobStateCount is how many jobs are in a state.
type JobStateCount struct {
	State string
	N     int64
}

// JobBoard is the jobs page: counts by state, and the latest jobs of the
// state asked for (every state when empty).
type JobBoard struct {
	State  string
	Counts []JobStateCount
	Jobs   []JobView
}

// JobStates are the states a job can be in, in the order of their life.
func JobStates() []string {
	out := make([]string, len(store.JobStates))
	for i, s := range store.JobStates {
		out[i] = string(s)
	}
	return out
}

// RetryJob queues a dead job again, its attempts counted afresh (after
// whatever made it fail was mended). The audit log records who did it.
func (a *App) RetryJob(ctx context.Context, actor auth.Actor, id string) error {
	if err := actor.Check(auth.RetryJob); err != nil {
		return err
	}
	now := a.now()
	return a.db.Write(ctx, func(tx *store.Tx) error {
		j, err := tx.RetryJob(ctx, id, now)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: actor.Source, Action: "job.retry",
			Entity: "job", EntityID: id, Detail: map[string]any{"kind": j.Kind, "last_error": j.LastError}})
	})
}

// Jobs shows the background jobs of every server on the database, the
// most recently changed first.
func (a *App) Jobs(ctx context.Context, actor auth.Actor, state string, limit int) (JobBoard, error) {
	if err := actor.Check(auth.ReadJobs); err != nil {
		return JobBoard{}, err
	}
	valid := state == ""
	for _, s := range store.JobStates {
		valid = valid || string(s) == state
	}
	if !valid {
		return JobBoard{}, ruleInvalid("bad_job_state", "state", "unknown job state %q", state)
	}
	counts, err := a.db.JobCounts(ctx)
	if err != nil {
		return JobBoard{}, err
	}
	b := JobBoard{State: state}
	by := map[store.JobState]int64{}
	for _, c := range counts {
		by[c.State] += c.N
	}
	for _, s := range store.JobStates {
		b.Counts = append(b.Counts, JobStateCount{State: string(s), N: by[s]})
	}
	list, err := a.db.Jobs(ctx, store.JobFilter{State: store.JobState(state), Limit: limit})
	if err != nil {
		return JobBoard{}, err
	}
	for _, j := range list {
		v := JobView{ID: j.ID, Kind: j.Kind, State: string(j.State), Attempts: j.Attempts, MaxAttempts: j.MaxAttempts,
			RunAt: j.RunAt, LeaseOwner: j.LeaseOwner, LeaseUntil: j.LeaseUntil, LastError: j.LastError,
			UpdatedAt: j.UpdatedAt, FinishedAt: j.FinishedAt}
		v.Period = j.Period()
		if v.Period == store.RecurringPeriod {
			v.Period, v.Recurring = "", true
		}
		b.Jobs = append(b.Jobs, v)
	}
	return b, nil
}
