package app

import (
	"context"
	"encoding/json"
	"fmt"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// The change envelope: every use case that moves money or figures runs
// through run (a request under an idempotency key) or, for the import
// batches and the calendar refresh that have no key, through apply in its
// own transaction. A use case only reads, decides (a pure function of
// package ledger returning the change's effects) and writes its own rows;
// the envelope does the rest, in the same transaction:
//
//  1. authorise the actor;
//  2. claim the idempotency key (the key row is inserted in this
//     transaction: a concurrent duplicate waits for it and then replays
//     the winner's answer; a failed change releases it by rolling back);
//  3. hold the company's day (store: a shared advisory lock on PostgreSQL), so a day change waits, and run the
//     use case's decision for that day;
//  4. apply the effects: figures in customer-id order with checked
//     arithmetic, the audit records, the alerts, the outbox events;
//  5. store the answer with the key.

// change is one request that changes money, as the envelope runs it.
type change struct {
	action  auth.Action
	idem    Idem
	outcome Outcome
	device  string // the device the request came from, for the audit log
	// decide reads what it needs (locking the customers it moves), decides,
	// writes the change's own rows and returns the answer and the effects.
	// It may run more than once (a retried transaction).
	decide func(tx *store.Tx, asOf civil.Date) (answer any, fx ledger.Effects, err error)
}

// origin is who made a change, as the audit log records it.
type origin struct {
	actor, source, key string
}

// run runs ch for actor in one write transaction. It returns the replay of
// the stored answer when the key was used before for the same request.
func (a *App) run(ctx context.Context, actor auth.Actor, ch change) (*Replay, error) {
	if err := actor.Check(ch.action); err != nil {
		return nil, err
	}
	if ch.idem.Key == "" {
		return nil, ErrKeyRequired
	}
	if len(ch.idem.Key) > keyMaxLen {
		return nil, ruleInvalid("idempotency_key_too_long", "Idempotency-Key", "the key is longer than 255 characters")
	}
	if _, err := a.Today(ctx); err != nil {
		return nil, err
	}
	by := origin{actor: actor.Name, source: source(actor, ch.device), key: ch.idem.Key}
	var replay *Replay
	// Shared: on SQLite, changes that arrive together commit together.
	err := a.db.WriteShared(ctx, func(tx *store.Tx) error {
		replay = nil
		claim, err := tx.ClaimKey(ctx, actor.Name, ch.idem.Key, ch.idem.Hash, a.now())
		if err != nil {
			return err
		}
		switch claim.State {
		case store.IdemMismatch:
			return ErrKeyReused
		case store.IdemDone:
			replay = &Replay{Outcome: Outcome(claim.Outcome), Body: []byte(claim.Response)}
			return nil
		}
		if a.afterClaim != nil {
			a.afterClaim(ctx)
		}
		_, asOf, err := tx.Company(ctx, true)
		if err != nil {
			return err
		}
		answer, fx, err := ch.decide(tx, asOf)
		if err != nil {
			return err
		}
		if err := a.apply(ctx, tx, by, fx); err != nil {
			return err
		}
		body, err := json.Marshal(answer)
		if err != nil {
			return err
		}
		return tx.FinishKey(ctx, actor.Name, ch.idem.Key, string(ch.outcome), string(body), a.now())
	})
	if err != nil {
		return nil, err
	}
	return replay, nil
}

// apply applies a decision's effects in tx: each customer's figures move by
// their delta, in customer-id order (on PostgreSQL the rows not locked yet
// are locked first, in that order), checked against overflow; then the
// audit records and the outbox events are written.
func (a *App) apply(ctx context.Context, tx *store.Tx, by origin, fx ledger.Effects) error {
	now := a.now()
	ids := fx.Customers()
	if err := tx.LockCustomers(ctx, ids); err != nil {
		return err
	}
	switch len(ids) {
	case 0:
	case 1:
		if err := tx.AddFigures(ctx, ids[0], fx.Delta(ids[0]), now); err != nil {
			return err
		}
	default:
		deltas := make(map[string]ledger.Figures, len(ids))
		for _, id := range ids {
			deltas[id] = fx.Delta(id)
		}
		if err := tx.AddFiguresMany(ctx, deltas, now); err != nil {
			return err
		}
	}
	for _, e := range fx.Audit {
		if err := tx.Audit(ctx, store.AuditEntry{At: now, Actor: by.actor, Source: by.source, Action: e.Kind, Entity: e.Entity,
			EntityID: e.EntityID, CustomerID: e.CustomerID, IdempotencyKey: by.key, Detail: e.Detail}); err != nil {
			return err
		}
	}
	if len(fx.Alerts) > 0 {
		alerts := make([]store.Alert, len(fx.Alerts))
		for i, e := range fx.Alerts {
			alerts[i] = store.Alert{Kind: e.Kind, CustomerID: e.CustomerID, Agent: e.Agent, Entity: e.Entity, EntityID: e.EntityID, Detail: e.Detail}
		}
		if err := tx.AddAlerts(ctx, alerts, now); err != nil {
			return err
		}
	}
	if len(fx.Outbox) == 0 {
		return nil
	}
	events := make([]store.OutboxEvent, len(fx.Outbox))
	for i, e := range fx.Outbox {
		events[i] = store.OutboxEvent{Topic: e.Kind, AggregateID: e.EntityID, CustomerID: e.CustomerID, Payload: e.Detail}
	}
	if err := tx.AppendOutbox(ctx, events, now); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}
