package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// JobState is where a job is in its life.
type JobState string

const (
	JobQueued  JobState = "queued"  // waiting for its run_at
	JobRunning JobState = "running" // claimed: a runner holds its lease
	JobRetry   JobState = "retry"   // failed; runs again at run_at
	JobDone    JobState = "done"
	JobDead    JobState = "dead" // failed its last attempt: a person must look
)

// JobStates are the states in the order a page lists them.
var JobStates = []JobState{JobQueued, JobRunning, JobRetry, JobDone, JobDead}

// ErrLeaseLost is returned when a job's claim is no longer the caller's:
// its lease ran out and another runner claimed it (a higher fence), or it
// was finished meanwhile. Whatever the caller did under the lost claim
// must not be recorded as the job's outcome.
var ErrLeaseLost = errors.New("job lease lost")

// NewJob is a job to enqueue.
type NewJob struct {
	Kind string
	// UniqueKey makes the job one of a kind: a second job with the same
	// key is not added. Periodic jobs use "kind@period". Empty: the id.
	UniqueKey   string
	Payload     string
	RunAt       time.Time
	MaxAttempts int
}

// Job is a stored job.
type Job struct {
	ID, Kind, UniqueKey, Payload string
	State                        JobState
	Attempts, MaxAttempts        int
	RunAt                        time.Time
	LeaseOwner                   string
	LeaseUntil                   time.Time
	// Fence is the number of the job's latest claim; finishing requires it.
	Fence                            int64
	LastError                        string
	CreatedAt, UpdatedAt, FinishedAt time.Time
}

// PeriodKey is the unique key of a periodic job's run for period: the
// period's one row, whichever server enqueues it.
func PeriodKey(kind, period string) string { return kind + "@" + period }

// RecurringPeriod is the one period of a recurring job, whose row is
// queued again after each run.
const RecurringPeriod = "recurring"

// Period is the period a periodic job runs for (empty for other jobs).
func (j Job) Period() string {
	if p, ok := strings.CutPrefix(j.UniqueKey, j.Kind+"@"); ok {
		return p
	}
	return ""
}

const jobColumns = `id, kind, unique_key, payload, state, attempts, max_attempts, run_at, lease_owner, lease_until,
	fence, last_error, created_at, updated_at, finished_at`

func scanJob(sc interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var runAt, leaseUntil, created, updated, finished string
	err := sc.Scan(&j.ID, &j.Kind, &j.UniqueKey, &j.Payload, &j.State, &j.Attempts, &j.MaxAttempts, &runAt, &j.LeaseOwner,
		&leaseUntil, &j.Fence, &j.LastError, &created, &updated, &finished)
	if err != nil {
		return j, err
	}
	for _, f := range []struct {
		s string
		t *time.Time
	}{{runAt, &j.RunAt}, {leaseUntil, &j.LeaseUntil}, {created, &j.CreatedAt}, {updated, &j.UpdatedAt}, {finished, &j.FinishedAt}} {
		if *f.t, err = ParseStamp(f.s); err != nil {
			return j, fmt.Errorf("job %s: %w", j.ID, err)
		}
	}
	return j, nil
}

// EnqueueJob adds a job in its own transaction. created is false when a
// job with the same unique key exists (whatever its state): the job was
// already enqueued, by this server or another.
func (db *DB) EnqueueJob(ctx context.Context, j NewJob, now time.Time) (id string, created bool, err error) {
	err = db.Write(ctx, func(t *Tx) error {
		id, created, err = t.EnqueueJob(ctx, j, now)
		return err
	})
	return id, created, err
}

// EnqueueJob adds a job in the transaction, so that it exists if and only
// if the transaction's change commits (the outbox's delivery, a follow-up).
func (t *Tx) EnqueueJob(ctx context.Context, j NewJob, now time.Time) (string, bool, error) {
	if j.Kind == "" || j.MaxAttempts < 1 {
		return "", false, fmt.Errorf("store: enqueue job: a kind and at least one attempt are required (%q, %d)", j.Kind, j.MaxAttempts)
	}
	u, err := uuid.NewV7()
	if err != nil {
		return "", false, err
	}
	id := u.String()
	if j.UniqueKey == "" {
		j.UniqueKey = id
	}
	res, err := t.exec(ctx, `INSERT INTO jobs (id, kind, unique_key, payload, state, max_attempts, run_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7, $7) ON CONFLICT (unique_key) DO NOTHING`,
		id, j.Kind, j.UniqueKey, j.Payload, j.MaxAttempts, Stamp(j.RunAt), Stamp(now))
	if err != nil {
		return "", false, fmt.Errorf("store: enqueue job %s: %w", j.Kind, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return "", false, fmt.Errorf("store: enqueue job %s: %w", j.Kind, err)
	}
	if n == 0 {
		return "", false, nil
	}
	return id, true, nil
}

// ClaimJobs claims up to limit jobs of the given kinds that are due at now
// for owner, each with a lease until now+lease and a new fence: jobs
// queued or waiting to retry whose run_at has come, and jobs whose
// runner's lease ran out (a runner that died: the job runs again, as its
// next attempt). A job whose lease ran out on its last attempt is dead.
// On PostgreSQL runners skip the rows another runner is claiming (FOR
// UPDATE SKIP LOCKED); on SQLite the single writer claims one at a time.
func (db *DB) ClaimJobs(ctx context.Context, owner string, kinds []string, limit int, lease time.Duration, now time.Time) ([]Job, error) {
	if len(kinds) == 0 || limit < 1 {
		return nil, nil
	}
	var out []Job
	err := db.Write(ctx, func(t *Tx) error {
		out = out[:0]
		_, err := t.exec(ctx, `UPDATE jobs SET state = 'dead', last_error = 'the lease of '||lease_owner||' ran out on the last attempt',
			lease_owner = '', lease_until = '', updated_at = $1, finished_at = $1
			WHERE state = 'running' AND lease_until <= $1 AND attempts >= max_attempts`, Stamp(now))
		if err != nil {
			return fmt.Errorf("store: claim jobs: %w", err)
		}
		args := []any{owner, Stamp(now.Add(lease)), Stamp(now), limit}
		for _, k := range kinds {
			args = append(args, k)
		}
		rows, err := t.query(ctx, `UPDATE jobs SET state = 'running', attempts = attempts + 1, fence = fence + 1,
			lease_owner = $1, lease_until = $2, updated_at = $3
			WHERE id IN (SELECT id FROM jobs
				WHERE ((state IN ('queued', 'retry') AND run_at <= $3) OR (state = 'running' AND lease_until <= $3))
				AND attempts < max_attempts AND kind IN (`+placeholders(5, len(kinds))+`)
				ORDER BY run_at, id LIMIT $4`+t.d.skipLocked()+`)
			RETURNING `+jobColumns, args...)
		if err != nil {
			return fmt.Errorf("store: claim jobs: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return fmt.Errorf("store: claim jobs: %w", err)
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	return out, err
}

// leased runs an update of the job held under fence and reports
// ErrLeaseLost when it touched nothing.
func (db *DB) leased(ctx context.Context, op, id string, fence int64, set string, args ...any) error {
	return db.Write(ctx, func(t *Tx) error {
		res, err := t.exec(ctx, `UPDATE jobs SET `+set+` WHERE id = $1 AND fence = $2 AND state = 'running'`,
			append([]any{id, fence}, args...)...)
		if err != nil {
			return fmt.Errorf("store: %s job %s: %w", op, id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: %s job %s: %w", op, id, err)
		} else if n == 0 {
			return fmt.Errorf("store: %s job %s (fence %d): %w", op, id, fence, ErrLeaseLost)
		}
		return nil
	})
}

// ExtendJobLease moves the lease of a job still held under fence to until.
func (db *DB) ExtendJobLease(ctx context.Context, id string, fence int64, until, now time.Time) error {
	return db.leased(ctx, "extend", id, fence, `lease_until = $3, updated_at = $4`, Stamp(until), Stamp(now))
}

// FinishJob marks a job held under fence done. ErrLeaseLost: the claim was
// taken over, and the job stays as the new claim leaves it.
func (db *DB) FinishJob(ctx context.Context, id string, fence int64, now time.Time) error {
	return db.leased(ctx, "finish", id, fence,
		`state = 'done', lease_owner = '', lease_until = '', last_error = '', updated_at = $3, finished_at = $3`, Stamp(now))
}

// RescheduleJob queues a recurring job held under fence again for runAt,
// its attempts counted afresh.
func (db *DB) RescheduleJob(ctx context.Context, id string, fence int64, runAt, now time.Time) error {
	return db.leased(ctx, "reschedule", id, fence,
		`state = 'queued', attempts = 0, lease_owner = '', lease_until = '', last_error = '', run_at = $3, updated_at = $4, finished_at = $4`,
		Stamp(runAt), Stamp(now))
}

// FailJob records a failed attempt of a job held under fence: it runs
// again at retryAt, or, when dead, never again.
func (db *DB) FailJob(ctx context.Context, id string, fence int64, msg string, retryAt time.Time, dead bool, now time.Time) error {
	if dead {
		return db.leased(ctx, "fail", id, fence,
			`state = 'dead', lease_owner = '', lease_until = '', last_error = $3, updated_at = $4, finished_at = $4`, msg, Stamp(now))
	}
	return db.leased(ctx, "fail", id, fence,
		`state = 'retry', lease_owner = '', lease_until = '', last_error = $3, run_at = $4, updated_at = $5`, msg, Stamp(retryAt), Stamp(now))
}

// ReleaseJob gives a job held under fence back without counting the
// attempt (a runner stopping cleanly before the job finished).
func (db *DB) ReleaseJob(ctx context.Context, id string, fence int64, now time.Time) error {
	return db.leased(ctx, "release", id, fence,
		`state = 'queued', attempts = attempts - 1, lease_owner = '', lease_until = '', run_at = $3, updated_at = $3`, Stamp(now))
}

// RetryJob queues a dead job again for now, with its attempts counted
// afresh and its last error kept until the next outcome. ErrNotFound: no
// dead job has that id.
func (t *Tx) RetryJob(ctx context.Context, id string, now time.Time) (Job, error) {
	j, err := scanJob(t.queryRow(ctx, `UPDATE jobs SET state = 'queued', attempts = 0, run_at = $2, updated_at = $2, finished_at = ''
		WHERE id = $1 AND state = 'dead' RETURNING `+jobColumns, id, Stamp(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("store: retry job %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return j, fmt.Errorf("store: retry job %s: %w", id, err)
	}
	return j, nil
}

// HoldJobLease checks, inside the transaction of a job's own work, that
// the job is still held under fence, and keeps it so until the transaction
// ends (a row lock on PostgreSQL; SQLite's single writer already does). A
// job whose effects must not be written by a runner that lost its lease
// calls it first: on ErrLeaseLost the work rolls back.
func (t *Tx) HoldJobLease(ctx context.Context, id string, fence int64) error {
	var one int
	err := t.queryRow(ctx, `SELECT 1 FROM jobs WHERE id = $1 AND fence = $2 AND state = 'running'`+t.d.forUpdate(), id, fence).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: job %s (fence %d): %w", id, fence, ErrLeaseLost)
	}
	if err != nil {
		return fmt.Errorf("store: hold job %s: %w", id, err)
	}
	return nil
}

// JobFilter selects jobs to list.
type JobFilter struct {
	State JobState // empty: every state
	Kind  string   // empty: every kind
	Limit int
}

// Jobs lists jobs, the most recently changed first.
func (db *DB) Jobs(ctx context.Context, f JobFilter) ([]Job, error) {
	var where []string
	var args []any
	if f.State != "" {
		args = append(args, string(f.State))
		where = append(where, fmt.Sprintf("state = $%d", len(args)))
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		where = append(where, fmt.Sprintf("kind = $%d", len(args)))
	}
	if f.Limit < 1 {
		f.Limit = 100
	}
	args = append(args, f.Limit)
	q := `SELECT ` + jobColumns + ` FROM jobs`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(` ORDER BY updated_at DESC, id DESC LIMIT $%d`, len(args))
	var out []Job
	err := db.Read(ctx, func(t *Tx) error {
		rows, err := t.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return err
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: jobs: %w", err)
	}
	return out, nil
}

// JobCount is how many jobs of a kind are in a state.
type JobCount struct {
	Kind  string
	State JobState
	N     int64
}

// JobCounts counts the jobs by kind and state.
func (db *DB) JobCounts(ctx context.Context) ([]JobCount, error) {
	var out []JobCount
	err := db.Read(ctx, func(t *Tx) error {
		rows, err := t.query(ctx, `SELECT kind, state, COUNT(*) FROM jobs GROUP BY kind, state ORDER BY kind, state`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c JobCount
			if err := rows.Scan(&c.Kind, &c.State, &c.N); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: job counts: %w", err)
	}
	return out, nil
}

// PurgeJobs forgets done and dead jobs finished before before. A periodic
// job's row is its period's guard, so before must be older than the
// longest period.
func (db *DB) PurgeJobs(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.Write(ctx, func(t *Tx) error {
		res, err := t.exec(ctx, `DELETE FROM jobs WHERE state IN ('done', 'dead') AND finished_at < $1`, Stamp(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: purge jobs: %w", err)
	}
	return n, nil
}
