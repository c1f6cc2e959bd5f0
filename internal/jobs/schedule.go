package jobs

import (
	"context"
	"math"
	"time"

	"cobro/internal/civil"
)

// A Schedule names the period a periodic job is due for at now: every
// runner that asks during the same period gets the same name, and the job
// runs once for it (its unique key is "kind@period"). An empty period
// means not due now (before the hour of a daily job, a holiday).
type Schedule func(ctx context.Context, now time.Time) (period string, err error)

// Every is due once per interval d, the periods aligned on the Unix epoch
// (an hourly job's period is the hour, in UTC).
func Every(d time.Duration) Schedule {
	return func(_ context.Context, now time.Time) (string, error) {
		return now.UTC().Truncate(d).Format("2006-01-02T15:04:05Z"), nil
	}
}

// Daily is due once per day of the location loc gives (asked each time, so
// a change of the company's time zone is followed), from at after its
// midnight; skip, when set, leaves out days (weekends, holidays: "business
// days at 08:00" is Daily(8*time.Hour, loc, notBusinessDay)). A day's run
// that was missed because no server ran stays missed: the next period is
// the next day's (a job that must catch up reads what it has not done yet).
func Daily(at time.Duration, loc func(ctx context.Context) (*time.Location, error), skip func(civil.Date) bool) Schedule {
	return func(ctx context.Context, now time.Time) (string, error) {
		l, err := loc(ctx)
		if err != nil || l == nil {
			return "", err
		}
		local := now.In(l)
		day := civil.Of(local)
		midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, l)
		if local.Sub(midnight) < at || (skip != nil && skip(day)) {
			return "", nil
		}
		return day.String(), nil
	}
}

// Backoff is how long a failed job waits before its next attempt: Base
// after the first failure, doubling at each one up to Max, with jitter so
// that jobs which failed together do not retry together.
type Backoff struct {
	Base, Max time.Duration
}

// DefaultBackoff starts at 10 s and stops growing at an hour.
var DefaultBackoff = Backoff{Base: 10 * time.Second, Max: time.Hour}

// Delay is the wait after failed attempt number attempt (from 1), given a
// random jitter in [0, 1): uniformly between half the step and the whole
// step, Base·2^(attempt−1) capped at Max.
func (b Backoff) Delay(attempt int, jitter float64) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	step := float64(b.Base) * math.Pow(2, float64(attempt-1))
	if step > float64(b.Max) || math.IsInf(step, 0) {
		step = float64(b.Max)
	}
	return time.Duration(step/2 + step/2*jitter)
}
