package app

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"cobro/internal/auth"
	"cobro/internal/delivery"
	"cobro/internal/store"
)

// TopicTest is the topic of the event "Send a test event" puts in the
// outbox: delivered like any other, so it tries the real path.
const TopicTest = "cobro.test"

// OutboxDestination is where the outbox's events go, as the page shows
// it: the secret only as a hint of its end.
type OutboxDestination struct {
	WebhookURL string
	SecretHint string // "••••6789"; empty when there is no secret
	CSVDir     string
	Configured bool // any destination set: without one, events wait
	UpdatedAt  time.Time
	UpdatedBy  string
}

// OutboxEventView is an outbox event as the administration sees it.
type OutboxEventView struct {
	ID, Topic, AggregateID, CustomerID string
	State                              string
	Attempts, MaxAttempts              int
	CreatedAt, NextAttemptAt           time.Time
	LastError                          string
	DeliveredAt                        time.Time
	CanResend                          bool   // delivered or dead
	Payload                            string // indented JSON
}

// OutboxAttemptView is one attempt to deliver an event somewhere.
type OutboxAttemptView struct {
	At          time.Time
	Destination string // "webhook" or "csv"
	Target      string
	OK          bool
	Status      int
	Error       string
	Duration    time.Duration
}

// OutboxStateCount is how many events are in a state.
type OutboxStateCount struct {
	State string
	N     int64
}

// OutboxBoard is the outbox page: where events go, counts by state, and
// the latest events of the state asked for (every state when empty).
type OutboxBoard struct {
	State       string
	Destination OutboxDestination
	Counts      []OutboxStateCount
	Events      []OutboxEventView
}

// OutboxMaxAttempts is how many attempts an event gets before it is dead;
// the delivery worker (internal/jobs) applies it.
const OutboxMaxAttempts = 12

func outboxView(e store.OutboxEvent) OutboxEventView {
	v := OutboxEventView{ID: e.ID, Topic: e.Topic, AggregateID: e.AggregateID, CustomerID: e.CustomerID, State: e.State,
		Attempts: e.Attempts, MaxAttempts: OutboxMaxAttempts, CreatedAt: e.CreatedAt, NextAttemptAt: e.NextAttemptAt,
		LastError: e.LastError, DeliveredAt: e.DeliveredAt, CanResend: e.State == store.OutboxDelivered || e.State == store.OutboxDead}
	if raw, ok := e.Payload.(json.RawMessage); ok {
		var b bytes.Buffer
		if json.Indent(&b, raw, "", "  ") == nil {
			v.Payload = b.String()
		} else {
			v.Payload = string(raw)
		}
	}
	return v
}

func destinationView(d store.OutboxDelivery) OutboxDestination {
	v := OutboxDestination{WebhookURL: d.WebhookURL, CSVDir: d.CSVDir, Configured: d.Configured(), UpdatedAt: d.UpdatedAt, UpdatedBy: d.UpdatedBy}
	if d.WebhookSecret != "" {
		v.SecretHint = "••••"
		if n := utf8.RuneCountInString(d.WebhookSecret); n >= 16 {
			r := []rune(d.WebhookSecret)
			v.SecretHint += string(r[n-4:])
		}
	}
	return v
}

// OutboxStates are the states an outbox event can be in.
func OutboxStates() []string { return append([]string(nil), store.OutboxStates...) }

// Outbox shows the events for the outside world, the newest first, with
// where they go.
func (a *App) Outbox(ctx context.Context, actor auth.Actor, state string, limit int) (OutboxBoard, error) {
	if err := actor.Check(auth.ReadOutbox); err != nil {
		return OutboxBoard{}, err
	}
	if state != "" && !strings.Contains(" "+strings.Join(store.OutboxStates, " ")+" ", " "+state+" ") {
		return OutboxBoard{}, ruleInvalid("bad_outbox_state", "state", "unknown outbox state %q", state)
	}
	b := OutboxBoard{State: state}
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		d, err := tx.OutboxDelivery(ctx)
		if err != nil {
			return err
		}
		b.Destination = destinationView(d)
		counts, err := tx.OutboxCounts(ctx)
		if err != nil {
			return err
		}
		for _, s := range store.OutboxStates {
			b.Counts = append(b.Counts, OutboxStateCount{State: s, N: counts[s]})
		}
		list, err := tx.OutboxNewest(ctx, store.OutboxFilter{State: state, Limit: limit})
		if err != nil {
			return err
		}
		for _, e := range list {
			b.Events = append(b.Events, outboxView(e))
		}
		return nil
	})
	return b, err
}

// OutboxEvent shows one event: what it says, and every attempt to deliver
// it (the latest 100).
func (a *App) OutboxEvent(ctx context.Context, actor auth.Actor, id string) (OutboxEventView, []OutboxAttemptView, error) {
	if err := actor.Check(auth.ReadOutbox); err != nil {
		return OutboxEventView{}, nil, err
	}
	var v OutboxEventView
	var out []OutboxAttemptView
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		e, err := tx.OutboxEventByID(ctx, id)
		if err != nil {
			return err
		}
		v = outboxView(e)
		as, err := tx.OutboxAttempts(ctx, id, 100)
		for _, x := range as {
			out = append(out, OutboxAttemptView{At: x.At, Destination: x.Destination, Target: x.Target, OK: x.OK, Status: x.Status,
				Error: x.Error, Duration: x.Duration})
		}
		return err
	})
	return v, out, err
}

// ResendOutbox sets a delivered or dead event pending and due now, its
// attempts counted afresh; the audit log records who did it and from
// where. The receiver gets the same event id again (and deduplicates on it
// if it already had it).
func (a *App) ResendOutbox(ctx context.Context, actor auth.Actor, id string) error {
	if err := actor.Check(auth.ResendOutbox); err != nil {
		return err
	}
	now := a.now()
	return a.db.Write(ctx, func(tx *store.Tx) error {
		e, err := tx.ResendOutbox(ctx, id, now)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: actor.Source, Action: "outbox.resend",
			Entity: "outbox", EntityID: id, CustomerID: e.CustomerID,
			Detail: map[string]any{"topic": e.Topic, "was": e.State, "attempts": e.Attempts, "last_error": e.LastError}})
	})
}

// OutboxDestinationRequest sets where events go. An empty Secret keeps the
// one stored.
type OutboxDestinationRequest struct {
	WebhookURL string
	Secret     string
	CSVDir     string
}

// MinSecretLength is the shortest webhook secret accepted.
const MinSecretLength = 16

// SaveOutboxDestination sets the webhook (address and secret) and the CSV
// drop folder; empty ones are not used. The audit log records the change,
// never the secret.
func (a *App) SaveOutboxDestination(ctx context.Context, actor auth.Actor, req OutboxDestinationRequest) error {
	if err := actor.Check(auth.ConfigureOutbox); err != nil {
		return err
	}
	req.WebhookURL, req.CSVDir, req.Secret = strings.TrimSpace(req.WebhookURL), strings.TrimSpace(req.CSVDir), strings.TrimSpace(req.Secret)
	if req.WebhookURL != "" {
		if err := delivery.CheckURL(req.WebhookURL); err != nil {
			return ruleInvalid("bad_webhook_url", "webhook_url", "webhook address: %v", err).WithValue(req.WebhookURL)
		}
	}
	if req.Secret != "" && utf8.RuneCountInString(req.Secret) < MinSecretLength {
		return ruleInvalid("short_webhook_secret", "webhook_secret", "the webhook secret must have at least %d characters", MinSecretLength)
	}
	if req.CSVDir != "" {
		if err := delivery.CheckDir(req.CSVDir); err != nil {
			return ruleInvalid("bad_csv_dir", "csv_dir", "CSV folder %s: %v", req.CSVDir, err).WithValue(req.CSVDir)
		}
	}
	now := a.now()
	return a.db.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.OutboxDelivery(ctx)
		if err != nil {
			return err
		}
		d := store.OutboxDelivery{WebhookURL: req.WebhookURL, WebhookSecret: old.WebhookSecret, CSVDir: req.CSVDir, UpdatedAt: now, UpdatedBy: actor.Name}
		if req.Secret != "" {
			d.WebhookSecret = req.Secret
		}
		if d.WebhookURL != "" && d.WebhookSecret == "" {
			return ruleInvalid("webhook_secret_required", "webhook_secret", "a webhook needs a secret to sign with (at least %d characters)", MinSecretLength)
		}
		if err := tx.SetOutboxDelivery(ctx, d); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: actor.Source, Action: "outbox.configure",
			Entity: "outbox", EntityID: "delivery", Detail: map[string]any{"webhook": delivery.Target(d.WebhookURL),
				"csv_dir": d.CSVDir, "secret_changed": d.WebhookSecret != old.WebhookSecret}})
	})
}

// SendTestEvent puts a test event (topic cobro.test) in the outbox, to be
// delivered like any other.
func (a *App) SendTestEvent(ctx context.Context, actor auth.Actor) error {
	if err := actor.Check(auth.ConfigureOutbox); err != nil {
		return err
	}
	now := a.now()
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.AppendOutbox(ctx, []store.OutboxEvent{{Topic: TopicTest, AggregateID: "test",
			Payload: map[string]any{"message": "a test event from cobro", "sent_by": actor.Name}}}, now); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: actor.Source, Action: "outbox.test",
			Entity: "outbox", EntityID: "test"})
	})
}
