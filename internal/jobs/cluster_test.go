package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"cobro/internal/civil"
	"cobro/internal/dbtest"
	"cobro/internal/jobs"
	"cobro/internal/store"
)

// open opens another handle on dsn: another server's pool.
func open(t *testing.T, dsn string, migrate bool) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if migrate {
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// TestPeriodicOncePerPeriod: two runners, each on its own handle on one
// database (as two `cobro serve` processes), both asking several times at
// once during each period, run an hourly job exactly once per period.
func TestPeriodicOncePerPeriod(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			dsn := dbtest.DSN(t, kind)
			dbs := []*store.DB{open(t, dsn, true), open(t, dsn, false)}
			clk := newClock()
			var mu sync.Mutex
			ran := map[string][]string{} // period → owners that ran it
			var runners []*jobs.Runner
			for i, db := range dbs {
				r := jobs.New(db, jobs.Config{Owner: "server" + string(rune('A'+i)), Now: clk.Now, Concurrency: 2})
				r.Register(jobs.Kind{Name: "hourly", Handle: func(ctx context.Context, j jobs.Job) error {
					mu.Lock()
					ran[j.Period] = append(ran[j.Period], r.Owner())
					mu.Unlock()
					time.Sleep(5 * time.Millisecond) // hold the claim while the others ask
					return nil
				}})
				r.Every("hourly", jobs.Every(time.Hour))
				runners = append(runners, r)
			}
			const periods = 6
			var want []string
			for p := 0; p < periods; p++ {
				want = append(want, clk.Now().Truncate(time.Hour).Format("2006-01-02T15:04:05Z"))
				var wg sync.WaitGroup
				for round := 0; round < 3; round++ {
					for _, r := range runners {
						wg.Go(func() {
							if _, err := r.RunDue(context.Background()); err != nil {
								t.Error(err)
							}
						})
					}
				}
				wg.Wait()
				clk.Add(20 * time.Minute) // the next period comes every third step
				for _, r := range runners {
					if _, err := r.RunDue(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				clk.Add(40 * time.Minute)
			}
			if len(ran) != periods {
				t.Errorf("ran for %d periods, want %d: %v", len(ran), periods, ran)
			}
			for _, p := range want {
				if len(ran[p]) != 1 {
					t.Errorf("period %s ran %d times (%v), want once", p, len(ran[p]), ran[p])
				}
			}
			done, err := dbs[1].Jobs(context.Background(), store.JobFilter{State: store.JobDone})
			if err != nil || len(done) != periods {
				t.Fatalf("done jobs: %d (%v), want %d", len(done), err, periods)
			}
		})
	}
}

func TestDaily(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	weekend := func(d civil.Date) bool {
		wd := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Weekday()
		return wd == time.Saturday || wd == time.Sunday
	}
	s := jobs.Daily(8*time.Hour, func(context.Context) (*time.Location, error) { return madrid, nil }, weekend)
	for _, c := range []struct {
		utc  string
		want string
	}{
		{"2026-12-03T06:59:59Z", ""},           // 07:59:59 in Madrid, a Thursday
		{"2026-12-03T07:00:00Z", "2026-12-03"}, // 08:00
		{"2026-12-03T22:59:59Z", "2026-12-03"}, // 23:59:59
		{"2026-12-03T23:00:00Z", ""},           // Friday 00:00
		{"2026-12-04T09:00:00Z", "2026-12-04"}, // Friday 10:00
		{"2026-12-05T09:00:00Z", ""},           // Saturday
		{"2026-12-07T07:30:00Z", "2026-12-07"}, // Monday 08:30
		{"2026-07-01T06:00:00Z", "2026-07-01"}, // summer time: 08:00
	} {
		now, _ := time.Parse(time.RFC3339, c.utc)
		if got, err := s(context.Background(), now); err != nil || got != c.want {
			t.Errorf("at %s: %q %v, want %q", c.utc, got, err, c.want)
		}
	}
	none := jobs.Daily(0, func(context.Context) (*time.Location, error) { return nil, nil }, nil)
	if got, err := none(context.Background(), time.Now()); got != "" || err != nil {
		t.Errorf("no location: %q %v", got, err)
	}
}

// The child of TestKilledRunnerRetriedOnce: a runner whose job writes a
// line and then waits forever, until the test kills the process.
const helperEnv = "COBRO_JOBS_TEST_CHILD"

func TestHelperStuckRunner(t *testing.T) {
	dsn := os.Getenv(helperEnv)
	if dsn == "" {
		t.Skip("the child process of TestKilledRunnerRetriedOnce")
	}
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	r := jobs.New(db, jobs.Config{Owner: "child", Poll: 20 * time.Millisecond})
	r.Register(jobs.Kind{Name: "stuck", Lease: time.Second, Handle: func(ctx context.Context, j jobs.Job) error {
		f, err := os.OpenFile(os.Getenv(helperEnv+"_MARK"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
		if err != nil {
			return err
		}
		_, _ = fmt.Fprintf(f, "child ran attempt %d\n", j.Attempt)
		f.Close()
		select {} // stuck: only SIGKILL ends it
	}})
	_ = r.Run(context.Background())
}

// TestKilledRunnerRetriedOnce: a process running a job is killed with
// SIGKILL; its lease runs out and another runner runs the job once more,
// as its second attempt, and the job is done.
func TestKilledRunnerRetriedOnce(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			dsn := dbtest.DSN(t, kind)
			db := open(t, dsn, true)
			ctx := context.Background()
			mark := filepath.Join(t.TempDir(), "mark")
			var runs []jobs.Job
			r := jobs.New(db, jobs.Config{Owner: "survivor"})
			r.Register(jobs.Kind{Name: "stuck", Lease: time.Second, Handle: func(ctx context.Context, j jobs.Job) error {
				runs = append(runs, j)
				return nil
			}})
			id, _, err := r.Enqueue(ctx, "stuck", "", "", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			child := exec.Command(os.Args[0], "-test.run=^TestHelperStuckRunner$", "-test.count=1")
			child.Env = append(os.Environ(), helperEnv+"="+dsn, helperEnv+"_MARK="+mark)
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			killed := false
			defer func() {
				if !killed {
					_ = child.Process.Kill()
					_ = child.Wait()
				}
			}()
			deadline := time.Now().Add(30 * time.Second)
			for {
				if b, _ := os.ReadFile(mark); len(b) > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the child never started the job")
				}
				time.Sleep(20 * time.Millisecond)
			}
			// The child holds the lease and renews it: nobody else runs the job.
			time.Sleep(1500 * time.Millisecond)
			if n, err := r.RunDue(ctx); n != 0 || err != nil {
				t.Fatalf("claimed a job a live runner holds: %d %v", n, err)
			}
			if err := child.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = child.Wait()
			killed = true
			for len(runs) == 0 {
				if time.Now().After(deadline) {
					t.Fatal("the job was never claimed again")
				}
				if _, err := r.RunDue(ctx); err != nil {
					t.Fatal(err)
				}
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(1500 * time.Millisecond) // past any lease: nothing else is claimed
			if n, err := r.RunDue(ctx); n != 0 || err != nil {
				t.Fatalf("ran again: %d %v", n, err)
			}
			b, _ := os.ReadFile(mark)
			if string(b) != "child ran attempt 1\n" || len(runs) != 1 || runs[0].Attempt != 2 {
				t.Fatalf("child: %q; survivor ran %+v", b, runs)
			}
			if j := job(t, db, id); j.State != store.JobDone || j.Attempts != 2 || j.Fence != 2 {
				t.Fatalf("job: %+v", j)
			}
		})
	}
}

// TestRecurring: a recurring job is one row that runs again every
// interval after it succeeds, on one runner at a time, retried with
// backoff when it fails; once dead, RetryJob queues it again.
func TestRecurring(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			dsn := dbtest.DSN(t, kind)
			dbs := []*store.DB{open(t, dsn, true), open(t, dsn, false)}
			ctx := context.Background()
			clk := newClock()
			var mu sync.Mutex
			var runs []jobs.Job
			fail := false
			var runners []*jobs.Runner
			for i, db := range dbs {
				r := jobs.New(db, jobs.Config{Owner: fmt.Sprint("server", i), Now: clk.Now, Jitter: func() float64 { return 0 }})
				r.Register(jobs.Kind{Name: "poll", MaxAttempts: 2, Backoff: jobs.Backoff{Base: 4 * time.Second, Max: time.Minute},
					Handle: func(ctx context.Context, j jobs.Job) error {
						mu.Lock()
						defer mu.Unlock()
						runs = append(runs, j)
						if fail {
							return fmt.Errorf("receiver down")
						}
						return nil
					}})
				r.Recurring("poll", 10*time.Second)
				runners = append(runners, r)
			}
			runAll := func() int {
				t.Helper()
				total := 0
				var wg sync.WaitGroup
				for _, r := range runners {
					wg.Go(func() {
						n, err := r.RunDue(ctx)
						if err != nil {
							t.Error(err)
						}
						mu.Lock()
						total += n
						mu.Unlock()
					})
				}
				wg.Wait()
				return total
			}
			steps := []struct {
				advance time.Duration
				fail    bool
				want    int
			}{
				{0, false, 1},               // first run, right away
				{0, false, 0},               // not again before the interval
				{9 * time.Second, false, 0}, //
				{time.Second, false, 1},     // 10 s after the first
				{10 * time.Second, true, 1}, // fails: retried in 2 s (half of the 4 s step, jitter 0)
				{time.Second, true, 0},      //
				{time.Second, true, 1},      // second and last attempt fails: dead
				{time.Hour, false, 0},       // dead stays dead
			}
			for i, s := range steps {
				clk.Add(s.advance)
				mu.Lock()
				fail = s.fail
				mu.Unlock()
				if got := runAll(); got != s.want {
					t.Fatalf("step %d: ran %d, want %d", i, got, s.want)
				}
			}
			list, err := dbs[0].Jobs(ctx, store.JobFilter{Kind: "poll"})
			if err != nil || len(list) != 1 || list[0].State != store.JobDead || list[0].LastError != "receiver down" ||
				list[0].UniqueKey != "poll@recurring" {
				t.Fatalf("the recurring job's rows: %+v %v", list, err)
			}
			if err := dbs[1].Write(ctx, func(tx *store.Tx) error {
				_, err := tx.RetryJob(ctx, list[0].ID, clk.Now())
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if got := runAll(); got != 1 {
				t.Fatalf("after a retry: ran %d, want 1", got)
			}
			if j := job(t, dbs[0], list[0].ID); j.State != store.JobQueued || j.Attempts != 0 || !j.RunAt.Equal(clk.Now().Add(10*time.Second)) {
				t.Fatalf("after the retried run: %+v", j)
			}
			if err := dbs[1].Write(ctx, func(tx *store.Tx) error {
				_, err := tx.RetryJob(ctx, list[0].ID, clk.Now())
				return err
			}); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("retry of a job that is not dead: %v", err)
			}
		})
	}
}
