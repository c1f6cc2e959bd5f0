package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// OutboxStates are the states of an outbox event in the order a page lists
// them.
var OutboxStates = []string{OutboxPending, OutboxDelivered, OutboxDead}

// The destinations an outbox event is delivered to.
const (
	DestWebhook = "webhook"
	DestCSV     = "csv"
)

// OutboxDelivery is where the company's outbox events go: a signed
// webhook, a CSV drop folder, both, or neither (events wait, pending).
type OutboxDelivery struct {
	WebhookURL    string
	WebhookSecret string // signs the webhook's requests; never shown back in full
	CSVDir        string // a folder on the server: one CSV file per batch
	UpdatedAt     time.Time
	UpdatedBy     string
}

// Configured reports whether any destination is set.
func (d OutboxDelivery) Configured() bool { return d.WebhookURL != "" || d.CSVDir != "" }

// OutboxDelivery reads the destinations (all empty before they are set).
func (t *Tx) OutboxDelivery(ctx context.Context) (OutboxDelivery, error) {
	var d OutboxDelivery
	var at string
	err := t.queryRow(ctx, `SELECT webhook_url, webhook_secret, csv_dir, updated_at, updated_by FROM outbox_delivery WHERE id = 1`).
		Scan(&d.WebhookURL, &d.WebhookSecret, &d.CSVDir, &at, &d.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return OutboxDelivery{}, nil
	}
	if err != nil {
		return d, fmt.Errorf("store: outbox delivery: %w", err)
	}
	if d.UpdatedAt, err = ParseStamp(at); err != nil {
		return d, fmt.Errorf("store: outbox delivery: %w", err)
	}
	return d, nil
}

// OutboxDelivery reads the destinations outside a transaction (the worker).
func (db *DB) OutboxDelivery(ctx context.Context) (OutboxDelivery, error) {
	var d OutboxDelivery
	err := db.Read(ctx, func(t *Tx) error {
		var err error
		d, err = t.OutboxDelivery(ctx)
		return err
	})
	return d, err
}

// SetOutboxDelivery stores the destinations.
func (t *Tx) SetOutboxDelivery(ctx context.Context, d OutboxDelivery) error {
	_, err := t.exec(ctx, `INSERT INTO outbox_delivery (id, webhook_url, webhook_secret, csv_dir, updated_at, updated_by)
		VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET webhook_url = $1, webhook_secret = $2, csv_dir = $3,
		updated_at = $4, updated_by = $5`, d.WebhookURL, d.WebhookSecret, d.CSVDir, Stamp(d.UpdatedAt), d.UpdatedBy)
	if err != nil {
		return fmt.Errorf("store: set outbox delivery: %w", err)
	}
	return nil
}

// ClaimedEvent is an outbox event claimed for delivery, with the
// destinations that already have it.
type ClaimedEvent struct {
	OutboxEvent
	WebhookAt, CSVAt time.Time
}

// ClaimOutbox claims up to limit due pending events for owner, oldest
// first, each under a lease until now+lease: pending events whose
// next_attempt_at has come and that no live lease holds. A worker that died
// leaves its events to be claimed again when their lease runs out. On
// PostgreSQL claimers skip the rows another is claiming (FOR UPDATE SKIP
// LOCKED); on SQLite the single writer claims one batch at a time.
//
// The dunning.* topics are left out: reminders go to customers by their
// own delivery (ClaimOutboxTopic), not to the ERP.
func (db *DB) ClaimOutbox(ctx context.Context, owner string, limit int, lease time.Duration, now time.Time) ([]ClaimedEvent, error) {
	return db.claimOutbox(ctx, owner, limit, lease, now, `topic NOT LIKE 'dunning.%'`)
}

// ClaimOutboxTopic claims due events of one topic as ClaimOutbox does
// (the same lease, the same order): the dunning mailer's claim.
func (db *DB) ClaimOutboxTopic(ctx context.Context, topic, owner string, limit int, lease time.Duration, now time.Time) ([]ClaimedEvent, error) {
	return db.claimOutbox(ctx, owner, limit, lease, now, `topic = $5`, topic)
}

func (db *DB) claimOutbox(ctx context.Context, owner string, limit int, lease time.Duration, now time.Time, topic string, args ...any) ([]ClaimedEvent, error) {
	if limit < 1 {
		return nil, nil
	}
	var out []ClaimedEvent
	err := db.Write(ctx, func(t *Tx) error {
		out = out[:0]
		rows, err := t.query(ctx, `UPDATE outbox SET lease_owner = $1, lease_until = $2
			WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $3 AND lease_until <= $3
				AND `+topic+` ORDER BY id LIMIT $4`+t.d.skipLocked()+`)
			RETURNING `+outboxCols+`, webhook_at, csv_at`, append([]any{owner, Stamp(now.Add(lease)), Stamp(now), limit}, args...)...)
		if err != nil {
			return fmt.Errorf("store: claim outbox: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e ClaimedEvent
			var wh, csv string
			if err := scanOutbox(rows, &e.OutboxEvent, &wh, &csv); err != nil {
				return fmt.Errorf("store: claim outbox: %w", err)
			}
			if e.WebhookAt, err = ParseStamp(wh); err != nil {
				return err
			}
			if e.CSVAt, err = ParseStamp(csv); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, err
}

func scanOutbox(sc interface{ Scan(...any) error }, e *OutboxEvent, extra ...any) error {
	var payload, created, next, delivered string
	dst := append([]any{&e.ID, &e.Topic, &e.AggregateID, &e.CustomerID, &payload, &created, &e.State, &e.Attempts,
		&next, &e.LastError, &delivered}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return err
	}
	e.Payload = json.RawMessage(payload)
	var err error
	for _, s := range []struct {
		v   string
		dst *time.Time
	}{{created, &e.CreatedAt}, {next, &e.NextAttemptAt}, {delivered, &e.DeliveredAt}} {
		if *s.dst, err = ParseStamp(s.v); err != nil {
			return fmt.Errorf("outbox %s: %w", e.ID, err)
		}
	}
	return nil
}

// OutboxAttempt is one attempt to deliver an event to one destination.
type OutboxAttempt struct {
	ID, EventID string
	At          time.Time
	Destination string // DestWebhook or DestCSV
	Target      string // the URL or the file
	OK          bool
	Status      int // a webhook answer's HTTP status; 0 for none
	Error       string
	Duration    time.Duration
}

// OutboxOutcome is what an attempt at an event came to, to record under
// its claim.
type OutboxOutcome struct {
	Attempts []OutboxAttempt
	// WebhookAt and CSVAt: when each destination got the event (zero:
	// not yet).
	WebhookAt, CSVAt time.Time
	Delivered        bool      // every destination configured has it
	Dead             bool      // not delivered, and no attempt is left
	NextAttemptAt    time.Time // when not delivered nor dead
	LastError        string
	// Counted: the attempt counts towards the event's attempts (false when
	// nothing was tried: no destination configured).
	Counted bool
}

// RecordOutbox records the outcome of an attempt at an event claimed by
// owner, and releases the claim. ErrLeaseLost: the lease ran out and
// another worker claimed the event; nothing is recorded.
func (db *DB) RecordOutbox(ctx context.Context, id, owner string, o OutboxOutcome, now time.Time) error {
	return db.RecordOutboxWith(ctx, id, owner, o, now, nil)
}

// RecordOutboxWith is RecordOutbox with also, in the same transaction and
// only while the claim holds, what the delivery itself records (with, when
// not nil): the dunning mailer marks its send intent sent.
func (db *DB) RecordOutboxWith(ctx context.Context, id, owner string, o OutboxOutcome, now time.Time, with func(*Tx) error) error {
	return db.Write(ctx, func(t *Tx) error {
		state := OutboxPending
		switch {
		case o.Delivered:
			state = OutboxDelivered
		case o.Dead:
			state = OutboxDead
		}
		delivered := ""
		if o.Delivered {
			delivered = Stamp(now)
		}
		next := Stamp(o.NextAttemptAt)
		if o.NextAttemptAt.IsZero() {
			next = Stamp(now)
		}
		res, err := t.exec(ctx, `UPDATE outbox SET state = $3, attempts = attempts + $4, next_attempt_at = $5, last_error = $6,
			delivered_at = $7, webhook_at = $8, csv_at = $9, lease_owner = '', lease_until = ''
			WHERE id = $1 AND lease_owner = $2 AND state = 'pending'`,
			id, owner, state, boolInt(o.Counted), next, o.LastError, delivered, stampOrEmpty(o.WebhookAt), stampOrEmpty(o.CSVAt))
		if err != nil {
			return fmt.Errorf("store: record outbox %s: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: record outbox %s: %w", id, err)
		} else if n == 0 {
			return fmt.Errorf("store: record outbox %s: %w", id, ErrLeaseLost)
		}
		for _, a := range o.Attempts {
			u, err := uuid.NewV7()
			if err != nil {
				return err
			}
			if _, err := t.exec(ctx, `INSERT INTO outbox_attempts (id, event_id, at, destination, target, ok, status, error, duration_ms)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, u.String(), id, Stamp(a.At), a.Destination, a.Target, boolInt(a.OK),
				a.Status, a.Error, a.Duration.Milliseconds()); err != nil {
				return fmt.Errorf("store: record outbox attempt %s: %w", id, err)
			}
		}
		if with != nil {
			return with(t)
		}
		return nil
	})
}

// ReleaseOutbox gives events claimed by owner back untouched (a worker
// stopping before it tried them).
func (db *DB) ReleaseOutbox(ctx context.Context, owner string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return db.Write(ctx, func(t *Tx) error {
		args := []any{owner}
		for _, id := range ids {
			args = append(args, id)
		}
		_, err := t.exec(ctx, `UPDATE outbox SET lease_owner = '', lease_until = '' WHERE lease_owner = $1 AND id IN (`+
			placeholders(2, len(ids))+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: release outbox: %w", err)
		}
		return nil
	})
}

// ResendOutbox sets a delivered or dead event pending again, due at now,
// its attempts counted afresh and every destination to be sent again. It
// returns the event as it was. ErrNotFound: no delivered or dead event has
// that id.
func (t *Tx) ResendOutbox(ctx context.Context, id string, now time.Time) (OutboxEvent, error) {
	var e OutboxEvent
	err := scanOutbox(t.queryRow(ctx, `SELECT `+outboxCols+` FROM outbox WHERE id = $1 AND state IN ('delivered', 'dead')`+
		t.d.forUpdate(), id), &e)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("store: resend outbox %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("store: resend outbox %s: %w", id, err)
	}
	_, err = t.exec(ctx, `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $2, delivered_at = '',
		webhook_at = '', csv_at = '', lease_owner = '', lease_until = '' WHERE id = $1`, id, Stamp(now))
	if err != nil {
		return e, fmt.Errorf("store: resend outbox %s: %w", id, err)
	}
	return e, nil
}

// OutboxFilter selects outbox events to list.
type OutboxFilter struct {
	State string // empty: every state
	// Before lists the events older than this id (a page); empty: from
	// the newest.
	Before string
	Limit  int
}

// OutboxNewest lists outbox events, the newest first.
func (t *Tx) OutboxNewest(ctx context.Context, f OutboxFilter) ([]OutboxEvent, error) {
	if f.Limit < 1 {
		f.Limit = 100
	}
	var where []string
	args := []any{}
	if f.State != "" {
		args = append(args, f.State)
		where = append(where, fmt.Sprintf("state = $%d", len(args)))
	}
	if f.Before != "" {
		args = append(args, f.Before)
		where = append(where, fmt.Sprintf("id < $%d", len(args)))
	}
	q := `SELECT ` + outboxCols + ` FROM outbox`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args))
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEvent
	for rows.Next() {
		var e OutboxEvent
		if err := scanOutbox(rows, &e); err != nil {
			return nil, fmt.Errorf("store: outbox: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// OutboxEventByID reads one event. ErrNotFound when there is none.
func (t *Tx) OutboxEventByID(ctx context.Context, id string) (OutboxEvent, error) {
	var e OutboxEvent
	err := scanOutbox(t.queryRow(ctx, `SELECT `+outboxCols+` FROM outbox WHERE id = $1`, id), &e)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("store: outbox %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("store: outbox %s: %w", id, err)
	}
	return e, nil
}

// OutboxCounts counts the events by state.
func (t *Tx) OutboxCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := t.query(ctx, `SELECT state, COUNT(*) FROM outbox GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("store: outbox counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("store: outbox counts: %w", err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// OutboxAttempts lists the attempts at an event, oldest first, at most
// limit (the latest ones when there are more).
func (t *Tx) OutboxAttempts(ctx context.Context, eventID string, limit int) ([]OutboxAttempt, error) {
	rows, err := t.query(ctx, `SELECT id, event_id, at, destination, target, ok, status, error, duration_ms FROM outbox_attempts
		WHERE event_id = $1 ORDER BY id DESC LIMIT $2`, eventID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: outbox attempts: %w", err)
	}
	defer rows.Close()
	var out []OutboxAttempt
	for rows.Next() {
		var a OutboxAttempt
		var at string
		var ok int
		var ms int64
		if err := rows.Scan(&a.ID, &a.EventID, &at, &a.Destination, &a.Target, &ok, &a.Status, &a.Error, &ms); err != nil {
			return nil, fmt.Errorf("store: outbox attempts: %w", err)
		}
		if a.At, err = ParseStamp(at); err != nil {
			return nil, fmt.Errorf("store: outbox attempts: %w", err)
		}
		a.OK, a.Duration = ok == 1, time.Duration(ms)*time.Millisecond
		out = append([]OutboxAttempt{a}, out...)
	}
	return out, rows.Err()
}
