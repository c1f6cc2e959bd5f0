package jobs_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/dbtest"
	"cobro/internal/jobs"
	"cobro/internal/store"
)

// TestUpkeep: with no request at all, the runner moves the figures to the
// new day soon after midnight in the company's time zone, once per day,
// forgets idempotency keys past their retention, and old jobs.
func TestUpkeep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		madrid, _ := time.LoadLocation("Europe/Madrid")
		clk := &clock{t: time.Date(2026, 12, 3, 23, 50, 0, 0, madrid)}
		a := app.New(db, app.WithClock(clk.Now))
		r := jobs.New(db, jobs.Config{Owner: "t", Now: clk.Now})
		jobs.Upkeep(r, a, db)
		// No company yet: the calendar has nothing to do and is not due.
		if n, err := r.RunDue(ctx); err != nil || n != 3 {
			t.Fatalf("before the company: ran %d (%v), want the two purges and the statistics", n, err)
		}
		if err := a.SaveCompany(ctx, auth.System("t"), app.DefaultCompany()); err != nil {
			t.Fatal(err)
		}
		old := clk.Now()
		if err := db.Write(ctx, func(tx *store.Tx) error {
			if res, err := tx.ClaimKey(ctx, "t", "old-key", "h1", old); err != nil || res.State != store.IdemNew {
				return fmt.Errorf("claim: %+v %v", res, err)
			}
			return tx.FinishKey(ctx, "t", "old-key", "created", "{}", old)
		}); err != nil {
			t.Fatal(err)
		}
		asOf := func() civil.Date {
			var d civil.Date
			if err := db.Read(ctx, func(tx *store.Tx) error {
				_, day, err := tx.Company(ctx, false)
				d = day
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return d
		}
		if n, err := r.RunDue(ctx); err != nil || n != 2 {
			t.Fatalf("with a company: ran %d (%v), want the calendar and the ratings", n, err)
		}
		if got := asOf(); got.String() != "2026-12-03" {
			t.Fatalf("figures as of %s", got)
		}
		clk.Add(11 * time.Minute) // 00:01 on the 4th in Madrid, 23:01 UTC: a new hour too
		if n, err := r.RunDue(ctx); err != nil || n != 2 {
			t.Fatalf("after midnight: ran %d (%v), want the calendar and the hourly purge", n, err)
		}
		if got := asOf(); got.String() != "2026-12-04" {
			t.Fatalf("after midnight, figures as of %s, want 2026-12-04", got)
		}
		if n, err := r.RunDue(ctx); err != nil || n != 0 {
			t.Fatalf("again the same day: ran %d (%v)", n, err)
		}
		// 35 days on, the hourly purge forgets the key: it can be used
		// for another request.
		clk.Add(app.KeyRetention + time.Hour)
		if _, err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		var res store.IdemResult
		if err := db.Write(ctx, func(tx *store.Tx) error {
			var err error
			res, err = tx.ClaimKey(ctx, "t", "old-key", "h2", clk.Now())
			return err
		}); err != nil || res.State != store.IdemNew {
			t.Fatalf("a key past retention: %+v %v, want it forgotten", res, err)
		}
		list, err := db.Jobs(ctx, store.JobFilter{Kind: jobs.KindCalendar})
		if err != nil {
			t.Fatal(err)
		}
		var periods []string
		for _, j := range list {
			if j.State != store.JobDone {
				t.Errorf("%s: %s %s", j.UniqueKey, j.State, j.LastError)
			}
			periods = append(periods, j.UniqueKey)
		}
		slices.Sort(periods)
		// The runs of December were forgotten by the daily jobs.purge.
		if want := []string{"calendar.refresh@2027-01-08"}; !slices.Equal(periods, want) {
			t.Errorf("calendar runs %v, want %v", periods, want)
		}
	})
}
