package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"cobro/internal/dbtest"
	"cobro/internal/jobs"
	"cobro/internal/store"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func job(t *testing.T, db *store.DB, id string) store.Job {
	t.Helper()
	list, err := db.Jobs(context.Background(), store.JobFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range list {
		if j.ID == id {
			return j
		}
	}
	t.Fatalf("job %s not found", id)
	return store.Job{}
}

// TestClaimLeaseFence: a claim holds the job for its lease; once the lease
// runs out another owner claims it with a higher fence, and the first
// owner can then neither finish, fail, extend nor hold it.
func TestClaimLeaseFence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := newClock().Now()
		id, created, err := db.EnqueueJob(ctx, store.NewJob{Kind: "k", Payload: `{"x":1}`, RunAt: t0, MaxAttempts: 3}, t0)
		if err != nil || !created {
			t.Fatal(created, err)
		}
		if got, _ := db.ClaimJobs(ctx, "a", []string{"k"}, 5, time.Minute, t0.Add(-time.Second)); len(got) != 0 {
			t.Fatalf("claimed before run_at: %+v", got)
		}
		if got, _ := db.ClaimJobs(ctx, "a", []string{"other"}, 5, time.Minute, t0); len(got) != 0 {
			t.Fatalf("claimed a kind not asked for: %+v", got)
		}
		a, err := db.ClaimJobs(ctx, "a", []string{"k"}, 5, time.Minute, t0)
		if err != nil || len(a) != 1 {
			t.Fatal(a, err)
		}
		if a[0].Fence != 1 || a[0].Attempts != 1 || a[0].State != store.JobRunning || a[0].LeaseOwner != "a" || a[0].Payload != `{"x":1}` {
			t.Fatalf("claim: %+v", a[0])
		}
		if got, _ := db.ClaimJobs(ctx, "b", []string{"k"}, 5, time.Minute, t0.Add(59*time.Second)); len(got) != 0 {
			t.Fatalf("claimed while leased: %+v", got)
		}
		// Renewing moves the lease on.
		if err := db.ExtendJobLease(ctx, id, 1, t0.Add(2*time.Minute), t0.Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.ClaimJobs(ctx, "b", []string{"k"}, 5, time.Minute, t0.Add(90*time.Second)); len(got) != 0 {
			t.Fatalf("claimed while the renewed lease holds: %+v", got)
		}
		t1 := t0.Add(2 * time.Minute)
		b, err := db.ClaimJobs(ctx, "b", []string{"k"}, 5, time.Minute, t1)
		if err != nil || len(b) != 1 || b[0].Fence != 2 || b[0].Attempts != 2 || b[0].LeaseOwner != "b" {
			t.Fatalf("takeover: %+v %v", b, err)
		}
		for name, err := range map[string]error{
			"finish": db.FinishJob(ctx, id, 1, t1),
			"fail":   db.FailJob(ctx, id, 1, "x", t1, false, t1),
			"extend": db.ExtendJobLease(ctx, id, 1, t1.Add(time.Hour), t1),
			"hold":   db.Write(ctx, func(tx *store.Tx) error { return tx.HoldJobLease(ctx, id, 1) }),
		} {
			if !errors.Is(err, store.ErrLeaseLost) {
				t.Errorf("%s under the old fence: %v, want ErrLeaseLost", name, err)
			}
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.HoldJobLease(ctx, id, 2) }); err != nil {
			t.Fatalf("hold under the current fence: %v", err)
		}
		if err := db.FinishJob(ctx, id, 2, t1); err != nil {
			t.Fatal(err)
		}
		if j := job(t, db, id); j.State != store.JobDone || j.LeaseOwner != "" || !j.FinishedAt.Equal(t1) {
			t.Fatalf("finished: %+v", j)
		}
		if err := db.FinishJob(ctx, id, 2, t1); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("finish twice: %v", err)
		}
		if got, _ := db.ClaimJobs(ctx, "c", []string{"k"}, 5, time.Minute, t1.Add(time.Hour)); len(got) != 0 {
			t.Fatalf("claimed a done job: %+v", got)
		}
		// A unique key is enqueued once, whatever its state.
		if _, created, err := db.EnqueueJob(ctx, store.NewJob{Kind: "k", UniqueKey: "k@p", RunAt: t1, MaxAttempts: 1}, t1); err != nil || !created {
			t.Fatal(created, err)
		}
		if _, created, err := db.EnqueueJob(ctx, store.NewJob{Kind: "k", UniqueKey: "k@p", RunAt: t1, MaxAttempts: 1}, t1); err != nil || created {
			t.Fatalf("second enqueue of one key: created=%v %v", created, err)
		}
		// A lease that runs out on the last attempt makes the job dead.
		c, _ := db.ClaimJobs(ctx, "a", []string{"k"}, 5, time.Minute, t1)
		if len(c) != 1 || c[0].UniqueKey != "k@p" {
			t.Fatalf("claim k@p: %+v", c)
		}
		if got, _ := db.ClaimJobs(ctx, "b", []string{"k"}, 5, time.Minute, t1.Add(2*time.Minute)); len(got) != 0 {
			t.Fatalf("claimed past its last attempt: %+v", got)
		}
		if j := job(t, db, c[0].ID); j.State != store.JobDead || j.LastError == "" {
			t.Fatalf("lease out on last attempt: %+v", j)
		}
		// Released: back in the queue without the attempt counted.
		id3, _, _ := db.EnqueueJob(ctx, store.NewJob{Kind: "k", RunAt: t1, MaxAttempts: 2}, t1)
		c, _ = db.ClaimJobs(ctx, "a", []string{"k"}, 5, time.Minute, t1)
		if len(c) != 1 || c[0].ID != id3 {
			t.Fatalf("claim: %+v", c)
		}
		if err := db.ReleaseJob(ctx, id3, c[0].Fence, t1); err != nil {
			t.Fatal(err)
		}
		if j := job(t, db, id3); j.State != store.JobQueued || j.Attempts != 0 {
			t.Fatalf("released: %+v", j)
		}
	})
}

// TestRetryBackoffDeadLetter: a failing job is retried after a growing,
// jittered wait, and dead after its last attempt; a permanent error is
// dead at once; a job that succeeds on a retry is done.
func TestRetryBackoffDeadLetter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock()
		r := jobs.New(db, jobs.Config{Owner: "t", Now: clk.Now, Jitter: func() float64 { return 0.5 }})
		var mu sync.Mutex
		attempts := map[string][]int{}
		fails := map[string]int{"always": 99, "twice": 2}
		handle := func(ctx context.Context, j jobs.Job) error {
			mu.Lock()
			defer mu.Unlock()
			attempts[j.Payload] = append(attempts[j.Payload], j.Attempt)
			if j.Payload == "permanent" {
				return jobs.Permanent(errors.New("receiver said 400"))
			}
			if j.Payload == "panics" {
				panic("boom")
			}
			if j.Attempt <= fails[j.Payload] {
				return fmt.Errorf("attempt %d failed", j.Attempt)
			}
			return nil
		}
		r.Register(jobs.Kind{Name: "flaky", Handle: handle, MaxAttempts: 3, Backoff: jobs.Backoff{Base: 10 * time.Second, Max: time.Minute}})
		ids := map[string]string{}
		for _, p := range []string{"always", "twice", "permanent", "panics"} {
			id, _, err := r.Enqueue(ctx, "flaky", "", p, clk.Now())
			if err != nil {
				t.Fatal(err)
			}
			ids[p] = id
		}
		runDue := func(want int) {
			t.Helper()
			n, err := r.RunDue(ctx)
			if err != nil || n != want {
				t.Fatalf("at %s: ran %d (%v), want %d", clk.Now().Format(time.TimeOnly), n, err, want)
			}
		}
		t0 := clk.Now()
		runDue(4)
		a := job(t, db, ids["always"])
		// Jitter 0.5: three quarters of the step. Step 1 is 10 s.
		if a.State != store.JobRetry || !a.RunAt.Equal(t0.Add(7500*time.Millisecond)) || a.LastError != "attempt 1 failed" {
			t.Fatalf("after attempt 1: %+v", a)
		}
		if j := job(t, db, ids["permanent"]); j.State != store.JobDead || j.Attempts != 1 || j.LastError != "receiver said 400" {
			t.Fatalf("permanent: %+v", j)
		}
		if j := job(t, db, ids["panics"]); j.State != store.JobRetry || j.LastError != "panic: boom" {
			t.Fatalf("panic: %+v", j)
		}
		clk.Add(7 * time.Second)
		runDue(0)
		clk.Add(500 * time.Millisecond)
		runDue(3) // always, twice, panics: attempt 2
		// Step 2 is 20 s: waits 15 s.
		if a := job(t, db, ids["always"]); a.State != store.JobRetry || !a.RunAt.Equal(clk.Now().Add(15*time.Second)) {
			t.Fatalf("after attempt 2: %+v", a)
		}
		clk.Add(15 * time.Second)
		runDue(3)
		runDue(0)
		clk.Add(24 * time.Hour)
		runDue(0)
		for p, want := range map[string]store.JobState{"always": store.JobDead, "twice": store.JobDone, "permanent": store.JobDead, "panics": store.JobDead} {
			if j := job(t, db, ids[p]); j.State != want {
				t.Errorf("%s: %s, want %s (%+v)", p, j.State, want, j)
			}
		}
		if got := fmt.Sprint(attempts["always"], attempts["twice"], attempts["permanent"]); got != "[1 2 3] [1 2 3] [1]" {
			t.Errorf("attempts: %s", got)
		}
		if j := job(t, db, ids["twice"]); j.LastError != "" {
			t.Errorf("done job keeps an error: %q", j.LastError)
		}
		reg := prometheus.NewRegistry()
		reg.MustRegister(r.Collectors()...)
		for _, c := range []struct {
			name   string
			labels []string
			want   float64
		}{
			{"cobro_job_failures_total", []string{"kind", "flaky"}, 9},
			{"cobro_job_runs_total", []string{"kind", "flaky", "outcome", "retry"}, 6},
			{"cobro_job_runs_total", []string{"kind", "flaky", "outcome", "dead"}, 3},
			{"cobro_job_runs_total", []string{"kind", "flaky", "outcome", "done"}, 1},
			{"cobro_job_duration_seconds", []string{"kind", "flaky"}, 10},
			{"cobro_jobs", []string{"kind", "flaky", "state", "dead"}, 3},
			{"cobro_jobs", []string{"kind", "flaky", "state", "done"}, 1},
			{"cobro_jobs", []string{"kind", "flaky", "state", "retry"}, 0},
		} {
			if got := metric(t, reg, c.name, c.labels...); got != c.want {
				t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
			}
		}
	})
}

func TestBackoffDelay(t *testing.T) {
	b := jobs.Backoff{Base: 10 * time.Second, Max: time.Minute}
	for _, c := range []struct {
		attempt  int
		jitter   float64
		min, max time.Duration
	}{
		{1, 0, 5 * time.Second, 5 * time.Second},
		{1, 0.999, 9900 * time.Millisecond, 10 * time.Second},
		{2, 0, 10 * time.Second, 10 * time.Second},
		{3, 0.5, 30 * time.Second, 30 * time.Second},
		{4, 0, 30 * time.Second, 30 * time.Second}, // 80 s capped at 60
		{4, 0.999, 59 * time.Second, time.Minute},
		{500, 0.5, 45 * time.Second, 45 * time.Second}, // no overflow
		{0, 0, 5 * time.Second, 5 * time.Second},
	} {
		if d := b.Delay(c.attempt, c.jitter); d < c.min || d > c.max {
			t.Errorf("Delay(%d, %v) = %s, want in [%s, %s]", c.attempt, c.jitter, d, c.min, c.max)
		}
	}
}

// TestLeaseTakenOver: a runner whose job outlives its lease (a stalled
// process) cannot mark it done once another runner has claimed it; the
// other runner's outcome stands.
func TestLeaseTakenOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock()
		started, release := make(chan struct{}), make(chan struct{})
		a := jobs.New(db, jobs.Config{Owner: "a", Now: clk.Now})
		// An hour's lease is renewed every 20 real minutes: never during
		// the test, so the test clock alone runs it out.
		a.Register(jobs.Kind{Name: "slow", Lease: time.Hour, Handle: func(ctx context.Context, j jobs.Job) error {
			close(started)
			<-release
			return nil
		}})
		var bRuns []jobs.Job
		b := jobs.New(db, jobs.Config{Owner: "b", Now: clk.Now})
		b.Register(jobs.Kind{Name: "slow", Lease: time.Hour, Handle: func(ctx context.Context, j jobs.Job) error {
			bRuns = append(bRuns, j)
			return nil
		}})
		id, _, err := a.Enqueue(ctx, "slow", "", "", clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error)
		go func() { _, err := a.RunDue(ctx); done <- err }()
		<-started
		if n, err := b.RunDue(ctx); n != 0 || err != nil {
			t.Fatalf("b claimed a leased job: %d %v", n, err)
		}
		clk.Add(61 * time.Minute)
		if n, err := b.RunDue(ctx); n != 1 || err != nil {
			t.Fatalf("b after the lease ran out: %d %v", n, err)
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		j := job(t, db, id)
		if j.State != store.JobDone || j.Fence != 2 || j.Attempts != 2 || len(bRuns) != 1 || bRuns[0].Attempt != 2 {
			t.Fatalf("after takeover: %+v, b ran %+v", j, bRuns)
		}
		reg := prometheus.NewRegistry()
		reg.MustRegister(a.Collectors()...)
		if n := metric(t, reg, "cobro_job_runs_total", "kind", "slow", "outcome", "lease_lost"); n != 1 {
			t.Errorf("a's lease_lost runs: %v", n)
		}
		if n := metric(t, reg, "cobro_job_runs_total", "kind", "slow", "outcome", "done"); n != 0 {
			t.Errorf("a recorded done: %v", n)
		}
	})
}

// TestRunStopsCleanly: Run returns once its context is done, after the
// job running has stopped; that job goes back to the queue, its attempt
// not counted.
func TestRunStopsCleanly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		clk := newClock()
		started := make(chan struct{})
		r := jobs.New(db, jobs.Config{Owner: "r", Now: clk.Now, Poll: 10 * time.Millisecond})
		r.Register(jobs.Kind{Name: "wait", Handle: func(ctx context.Context, j jobs.Job) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		}})
		id, _, err := r.Enqueue(context.Background(), "wait", "", "", clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- r.Run(ctx) }()
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Fatal("the job never started")
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not stop")
		}
		if j := job(t, db, id); j.State != store.JobQueued || j.Attempts != 0 || j.LeaseOwner != "" {
			t.Fatalf("after a clean stop: %+v", j)
		}
	})
}

// metric is the value of the series of name with the label pairs given
// (a histogram's count), or 0 when there is none.
func metric(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				if !hasLabel(m, labels[i], labels[i+1]) {
					continue series
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return 0
}

func hasLabel(m *dto.Metric, name, value string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue() == value
		}
	}
	return false
}

// TestRunKeepsUp: while jobs are waiting, Run claims the next as soon as
// one ends, not at the next poll: 30 jobs with two at a time and an hour
// between polls all run.
func TestRunKeepsUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		clk := newClock()
		var mu sync.Mutex
		ran := 0
		all := make(chan struct{})
		r := jobs.New(db, jobs.Config{Owner: "r", Now: clk.Now, Poll: time.Hour, Concurrency: 2})
		r.Register(jobs.Kind{Name: "quick", Handle: func(ctx context.Context, j jobs.Job) error {
			mu.Lock()
			defer mu.Unlock()
			if ran++; ran == 30 {
				close(all)
			}
			return nil
		}})
		for i := 0; i < 30; i++ {
			if _, _, err := r.Enqueue(context.Background(), "quick", "", "", clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- r.Run(ctx) }()
		select {
		case <-all:
		case <-time.After(20 * time.Second):
			mu.Lock()
			t.Errorf("ran %d of 30 jobs", ran)
			mu.Unlock()
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if list, err := db.Jobs(context.Background(), store.JobFilter{State: store.JobDone}); err != nil || len(list) != 30 {
			t.Fatalf("done: %d %v", len(list), err)
		}
	})
}
