package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"cobro/internal/app"
	"cobro/internal/delivery"
	"cobro/internal/store"
)

// KindOutbox delivers the outbox: a recurring job, so one runner at a time
// polls, and the events themselves are claimed under a lease besides
// (store.ClaimOutbox), so two runners never send the same event at once.
const KindOutbox = "outbox.deliver"

// Outbox delivery: an event is tried OutboxMaxAttempts times, waiting
// OutboxBackoff between attempts (30 s, 1 min, 2 min … capped at 6 h, each
// with jitter: 12 attempts over 7 to 15 hours), then it
// is dead until a person resends it.
const (
	OutboxMaxAttempts = app.OutboxMaxAttempts
	OutboxInterval    = 5 * time.Second
	outboxBatch       = 20
	// outboxLease outlasts a batch whose every webhook times out.
	outboxLease = outboxBatch*delivery.Timeout + time.Minute
	// outboxBatches bounds one run, so a large backlog yields the runner
	// to other jobs between runs.
	outboxBatches = 10
)

// OutboxBackoff is the wait between attempts at an event.
var OutboxBackoff = Backoff{Base: 30 * time.Second, Max: 6 * time.Hour}

// OutboxConfig configures the delivery worker.
type OutboxConfig struct {
	Client *http.Client // the webhook's client; nil: one with delivery.Timeout
}

// Outbox registers the outbox's delivery on r, every OutboxInterval.
func Outbox(r *Runner, db *store.DB, cfg OutboxConfig) {
	w := &outboxWorker{db: db, r: r, client: cfg.Client}
	r.Register(Kind{Name: KindOutbox, Handle: w.run, Lease: 2 * time.Minute})
	r.Recurring(KindOutbox, OutboxInterval)
}

type outboxWorker struct {
	db     *store.DB
	r      *Runner
	client *http.Client
}

// run delivers batches of due events until none is left (at most
// outboxBatches). With no destination configured nothing is claimed: the
// events wait, pending, and the outbox page says why.
func (w *outboxWorker) run(ctx context.Context, _ Job) error {
	dest, err := w.db.OutboxDelivery(ctx)
	if err != nil || !dest.Configured() {
		return err
	}
	for range outboxBatches {
		n, err := w.batch(ctx, dest)
		if err != nil || n < outboxBatch {
			return err
		}
	}
	return nil
}

func (w *outboxWorker) batch(ctx context.Context, dest store.OutboxDelivery) (int, error) {
	owner := w.r.cfg.Owner
	claimed, err := w.db.ClaimOutbox(ctx, owner, outboxBatch, outboxLease, w.r.cfg.Now())
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	outcomes := make([]store.OutboxOutcome, len(claimed))
	for i, e := range claimed {
		outcomes[i] = store.OutboxOutcome{WebhookAt: e.WebhookAt, CSVAt: e.CSVAt, Counted: true}
	}
	// The CSV drop: one file for the events of the batch that are not in
	// one yet.
	if dest.CSVDir != "" {
		var evs []delivery.Event
		var idx []int
		for i, e := range claimed {
			if e.CSVAt.IsZero() {
				evs, idx = append(evs, event(e)), append(idx, i)
			}
		}
		if len(evs) > 0 {
			now := w.r.cfg.Now()
			start := time.Now()
			path, err := delivery.DropCSV(dest.CSVDir, evs, now)
			a := store.OutboxAttempt{At: now, Destination: store.DestCSV, Target: path, OK: err == nil, Duration: time.Since(start)}
			if err != nil {
				a.Target, a.Error = dest.CSVDir, err.Error()
			}
			for _, i := range idx {
				outcomes[i].Attempts = append(outcomes[i].Attempts, a)
				if err == nil {
					outcomes[i].CSVAt = now
				} else {
					outcomes[i].LastError = a.Error
				}
			}
		}
	}
	wctx := context.WithoutCancel(ctx)
	for i, e := range claimed {
		o := &outcomes[i]
		if dest.WebhookURL != "" && e.WebhookAt.IsZero() {
			if ctx.Err() != nil {
				// Stopping: what was not sent goes back untouched, unless
				// its file was written (record that, not counted).
				if len(o.Attempts) == 0 {
					_ = w.db.ReleaseOutbox(wctx, owner, []string{e.ID})
					continue
				}
				o.Counted, o.NextAttemptAt = false, w.r.cfg.Now()
			} else {
				now := w.r.cfg.Now()
				res := delivery.Webhook{URL: dest.WebhookURL, Secret: dest.WebhookSecret, Client: w.client}.Send(ctx, event(e), now)
				o.Attempts = append(o.Attempts, store.OutboxAttempt{At: now, Destination: store.DestWebhook,
					Target: delivery.Target(dest.WebhookURL), OK: res.OK(), Status: res.Status, Error: res.Err, Duration: res.Duration})
				switch {
				case res.OK():
					o.WebhookAt = w.r.cfg.Now()
				case ctx.Err() != nil: // cut short by the runner stopping: not the receiver's failure
					o.Counted, o.NextAttemptAt = false, w.r.cfg.Now()
				default:
					o.LastError = "webhook: " + res.Err
				}
			}
		}
		now := w.r.cfg.Now()
		o.Delivered = (dest.WebhookURL == "" || !o.WebhookAt.IsZero()) && (dest.CSVDir == "" || !o.CSVAt.IsZero())
		if o.Delivered {
			o.LastError = ""
		} else if o.Counted {
			attempt := e.Attempts + 1
			o.Dead = attempt >= OutboxMaxAttempts
			o.NextAttemptAt = now.Add(OutboxBackoff.Delay(attempt, w.r.cfg.Jitter()))
		}
		err := w.db.RecordOutbox(wctx, e.ID, owner, *o, now)
		if errors.Is(err, store.ErrLeaseLost) {
			w.r.cfg.Log.Warn("outbox lease lost: another worker has the event", "event", e.ID)
		} else if err != nil {
			return len(claimed), err
		}
		if o.Dead {
			w.r.cfg.Log.Warn("outbox event dead", "event", e.ID, "topic", e.Topic, "attempts", e.Attempts+1, "err", o.LastError)
		}
	}
	return len(claimed), ctx.Err()
}

func event(e store.ClaimedEvent) delivery.Event {
	p, _ := e.Payload.(json.RawMessage)
	return delivery.Event{ID: e.ID, Topic: e.Topic, AggregateID: e.AggregateID, CustomerID: e.CustomerID, CreatedAt: e.CreatedAt, Payload: p}
}
