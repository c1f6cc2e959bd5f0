package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// OutboxEvent is an event for the outside world, written in the
// transaction of the change it tells of (only the change envelope of
// package app writes them) and delivered later by a worker.
type OutboxEvent struct {
	ID          string // UUIDv7, given by AppendOutbox: events sort by creation
	Topic       string // e.g. "collection.recorded"
	AggregateID string // the entity the event is about
	CustomerID  string
	Payload     any // marshalled as JSON when appended; json.RawMessage when read
	CreatedAt   time.Time
	// Delivery: pending until delivered, or dead after too many attempts.
	State         string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	DeliveredAt   time.Time
}

// The states of an outbox event.
const (
	OutboxPending   = "pending"
	OutboxDelivered = "delivered"
	OutboxDead      = "dead"
)

// AppendOutbox adds events to the outbox in the caller's transaction, so
// they commit or roll back with the change. Each is due at once.
func (t *Tx) AppendOutbox(ctx context.Context, events []OutboxEvent, now time.Time) error {
	ts := Stamp(now)
	for _, e := range events {
		id, err := uuid.NewV7()
		if err != nil {
			return err
		}
		payload, err := json.Marshal(e.Payload)
		if err != nil {
			return fmt.Errorf("store: outbox payload of %s: %w", e.Topic, err)
		}
		_, err = t.exec(ctx, `INSERT INTO outbox (id, topic, aggregate_id, customer_id, payload, created_at, next_attempt_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)`, id.String(), e.Topic, e.AggregateID, e.CustomerID, string(payload), ts)
		if err != nil {
			return fmt.Errorf("store: outbox: %w", err)
		}
	}
	return nil
}

const outboxCols = `id, topic, aggregate_id, customer_id, payload, created_at, state, attempts, next_attempt_at, last_error, delivered_at`

// Outbox lists outbox events after the id after (all when ""), oldest
// first, at most limit; with aggregate set, only that entity's.
func (t *Tx) Outbox(ctx context.Context, aggregate, after string, limit int) ([]OutboxEvent, error) {
	rows, err := t.query(ctx, `SELECT `+outboxCols+` FROM outbox WHERE ($1 = '' OR aggregate_id = $1) AND id > $2
		ORDER BY id LIMIT $3`, aggregate, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEvent
	for rows.Next() {
		var e OutboxEvent
		var payload, created, next, delivered string
		if err := rows.Scan(&e.ID, &e.Topic, &e.AggregateID, &e.CustomerID, &payload, &created, &e.State, &e.Attempts,
			&next, &e.LastError, &delivered); err != nil {
			return nil, fmt.Errorf("store: outbox: %w", err)
		}
		e.Payload = json.RawMessage(payload)
		for _, s := range []struct {
			v   string
			dst *time.Time
		}{{created, &e.CreatedAt}, {next, &e.NextAttemptAt}, {delivered, &e.DeliveredAt}} {
			if *s.dst, err = ParseStamp(s.v); err != nil {
				return nil, fmt.Errorf("store: outbox %s: %w", e.ID, err)
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
