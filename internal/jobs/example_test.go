package jobs_test

import (
	"context"
	"fmt"
	"time"

	"cobro/internal/civil"
	"cobro/internal/jobs"
)

// A daily run on business days at 08:00 in the company's time zone (the
// dunning run's schedule): the period is the day, so every server that asks
// on Monday gets "2026-12-07" and the run happens once that day.
func ExampleDaily() {
	madrid, _ := time.LoadLocation("Europe/Madrid")
	weekend := func(d civil.Date) bool {
		wd := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Weekday()
		return wd == time.Saturday || wd == time.Sunday
	}
	company := func(context.Context) (*time.Location, error) { return madrid, nil }
	s := jobs.Daily(8*time.Hour, company, weekend)
	for _, at := range []string{"2026-12-05T10:00:00+01:00", "2026-12-07T07:59:00+01:00", "2026-12-07T08:00:00+01:00", "2026-12-07T19:00:00+01:00"} {
		now, _ := time.Parse(time.RFC3339, at)
		period, _ := s(context.Background(), now)
		fmt.Printf("%s %q\n", at, period)
	}
	// Output:
	// 2026-12-05T10:00:00+01:00 ""
	// 2026-12-07T07:59:00+01:00 ""
	// 2026-12-07T08:00:00+01:00 "2026-12-07"
	// 2026-12-07T19:00:00+01:00 "2026-12-07"
}

// The wait before each retry of a job that keeps failing, with the jitter
// at its middle.
func ExampleBackoff_Delay() {
	b := jobs.Backoff{Base: 10 * time.Second, Max: 2 * time.Minute}
	for attempt := 1; attempt <= 6; attempt++ {
		fmt.Println(attempt, b.Delay(attempt, 0.5))
	}
	// Output:
	// 1 7.5s
	// 2 15s
	// 3 30s
	// 4 1m0s
	// 5 1m30s
	// 6 1m30s
}
