package jobs

import (
	"context"
	"time"

	"cobro/internal/app"
)

// KindExpireChecks ends the credit reservations and requests for approval
// whose time ran out (the company's reservation days): a recurring job, so
// one runner at a time sweeps.
const KindExpireChecks = "credit.expire"

// ExpireChecksInterval is how often the reservations are swept.
const ExpireChecksInterval = time.Minute

// Credit registers the expiry of credit reservations on r.
func Credit(r *Runner, a *app.App) {
	r.Register(Kind{Name: KindExpireChecks, Handle: func(ctx context.Context, _ Job) error {
		n, err := a.ExpireChecks(ctx)
		if n > 0 {
			r.cfg.Log.Info("expired credit reservations", "count", n)
		}
		return err
	}})
	r.Recurring(KindExpireChecks, ExpireChecksInterval)
}
