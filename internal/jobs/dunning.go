package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/notify"
	"cobro/internal/store"
)

// The dunning kinds: the daily run of the reminders, and the mailer that
// delivers their emails from the outbox.
const (
	KindDunningRun  = "dunning.run"
	KindDunningMail = "dunning.mail"
)

// DefaultDunningHour is the company's hour of the daily run.
const DefaultDunningHour = 9 * time.Hour

// Sender sends one reminder (notify.Mailer).
type Sender interface {
	Send(ctx context.Context, r notify.Reminder) error
	Domain() string
}

// DunningConfig configures the dunning jobs.
type DunningConfig struct {
	// Hour of the company's day the run is due from, on business days
	// (Monday to Friday). 0: DefaultDunningHour.
	Hour time.Duration
	// Mailer sends the emails; nil: they wait in the outbox, pending,
	// until a server with an SMTP server configured delivers them.
	Mailer Sender
}

// NotBusinessDay is Saturday and Sunday.
func NotBusinessDay(d civil.Date) bool {
	wd := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// Dunning registers the daily run (once per business day across servers:
// its period is the day) and, with a mailer, the delivery of the emails.
func Dunning(r *Runner, a *app.App, db *store.DB, cfg DunningConfig) {
	if cfg.Hour == 0 {
		cfg.Hour = DefaultDunningHour
	}
	r.Register(Kind{Name: KindDunningRun, Lease: 10 * time.Minute, Handle: func(ctx context.Context, _ Job) error {
		rep, err := a.RunDunning(ctx, auth.System("dunning"), app.DunningOptions{})
		if errors.Is(err, app.ErrNoCompany) {
			return nil
		}
		if err == nil {
			r.cfg.Log.Info("dunning run", "as_of", rep.AsOf.String(), "customers", rep.Customers, "queued", rep.Queued,
				"tasks", rep.Tasks, "skipped", rep.Skipped, "waiting", rep.Waiting)
		}
		return err
	}})
	r.Every(KindDunningRun, Daily(cfg.Hour, func(ctx context.Context) (*time.Location, error) {
		loc, err := a.Location(ctx)
		if errors.Is(err, app.ErrNoCompany) {
			return nil, nil
		}
		return loc, err
	}, NotBusinessDay))
	if cfg.Mailer == nil {
		return
	}
	m := &mailer{db: db, r: r, send: cfg.Mailer}
	r.Register(Kind{Name: KindDunningMail, Handle: m.run, Lease: 2 * time.Minute})
	r.Recurring(KindDunningMail, OutboxInterval)
}

type mailer struct {
	db   *store.DB
	r    *Runner
	send Sender
}

const mailBatch = 20

func (m *mailer) run(ctx context.Context, _ Job) error {
	for range outboxBatches {
		n, err := m.batch(ctx)
		if err != nil || n < mailBatch {
			return err
		}
	}
	return nil
}

// batch claims due reminder emails under the outbox's lease, sends each,
// and records the outcome with the send intent in one transaction. A crash
// after the SMTP server accepted a message and before that commit sends it
// again once the lease runs out, with the same Message-ID
// (docs/reliability.md).
func (m *mailer) batch(ctx context.Context) (int, error) {
	owner := m.r.cfg.Owner
	claimed, err := m.db.ClaimOutboxTopic(ctx, store.TopicDunningEmail, owner, mailBatch, time.Duration(mailBatch)*time.Minute, m.r.cfg.Now())
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	wctx := context.WithoutCancel(ctx)
	for _, e := range claimed {
		if ctx.Err() != nil {
			_ = m.db.ReleaseOutbox(wctx, owner, []string{e.ID})
			continue
		}
		var rem notify.Reminder
		raw, _ := e.Payload.(json.RawMessage)
		o := store.OutboxOutcome{Counted: true}
		err := json.Unmarshal(raw, &rem)
		if err == nil {
			err = m.send.Send(ctx, rem)
		}
		now := m.r.cfg.Now()
		state, reason := store.SendSent, ""
		if err == nil {
			o.Delivered = true
		} else {
			if ctx.Err() != nil { // cut short by the runner stopping
				o.Counted = false
			}
			attempt := e.Attempts + 1
			o.LastError = "smtp: " + err.Error()
			o.Dead = o.Counted && attempt >= OutboxMaxAttempts
			o.NextAttemptAt = now.Add(OutboxBackoff.Delay(attempt, m.r.cfg.Jitter()))
			if !o.Counted {
				o.NextAttemptAt = now
			}
			state, reason = store.SendQueued, ""
			if o.Dead {
				state, reason = store.SendFailed, "undeliverable"
			}
		}
		at := time.Time{}
		if o.Delivered {
			at = now
		}
		err = m.db.RecordOutboxWith(wctx, e.ID, owner, o, now, func(tx *store.Tx) error {
			return tx.MarkDunningSent(wctx, e.AggregateID, state, reason, rem.MessageID(m.send.Domain()), at)
		})
		if errors.Is(err, store.ErrLeaseLost) {
			m.r.cfg.Log.Warn("dunning mail lease lost: another worker has it", "event", e.ID)
		} else if err != nil {
			return len(claimed), err
		}
		if o.Dead {
			m.r.cfg.Log.Warn("dunning email dead", "send", e.AggregateID, "to", rem.To, "err", o.LastError)
		}
	}
	return len(claimed), ctx.Err()
}
