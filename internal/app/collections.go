package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// CollectionRequest is a collection to record.
type CollectionRequest struct {
	CustomerID  string                  `json:"customer_id"`
	Amount      money.Amount            `json:"amount"`
	Instrument  ledger.InstrumentDetail `json:"instrument"`
	Allocations []AllocationRequest     `json:"allocations"`
	// CollectedAt is the device's time of the collection (it may have been
	// captured offline); the server's time when absent.
	CollectedAt *time.Time `json:"collected_at,omitempty"`
	DeviceID    string     `json:"device_id,omitempty"`
	// Agent is who collected it, when the caller is not that agent (the
	// administration keying in a paper receipt); an agent names only self.
	Agent string `json:"agent,omitempty"`
	// ReceiptNumber is the number a device printed offline, from its
	// reserved blocks (with DeviceID); online collections get one here.
	ReceiptNumber string `json:"receipt_number,omitempty"`
	// Offline marks a collection captured without network and synced
	// later: the money was received and its receipt handed over, so a debt
	// paid meanwhile by other means does not refuse it (see
	// ledger.ClipToOpen).
	Offline bool `json:"offline,omitempty"`
}

// AllocationRequest applies part of a collection to a document.
type AllocationRequest struct {
	DocumentID string       `json:"document_id"`
	Amount     money.Amount `json:"amount"`
}

// maxAllocations bounds one request's allocations.
const maxAllocations = 500

func allocations(reqs []AllocationRequest, cur money.Currency) ([]ledger.Allocation, error) {
	if len(reqs) > maxAllocations {
		return nil, ruleInvalid("too_many_allocations", "allocations", "at most %d allocations per request", maxAllocations)
	}
	out := make([]ledger.Allocation, 0, len(reqs))
	for i, r := range reqs {
		if r.Amount.Currency != cur {
			return nil, &ledger.RuleError{Err: ledger.ErrCurrency, Code: "currency_mismatch",
				Field: fmt.Sprintf("allocations[%d].amount.currency", i), Message: "allocation currency differs from the collection's"}
		}
		out = append(out, ledger.Allocation{DocumentID: strings.TrimSpace(r.DocumentID), Amount: r.Amount.Minor})
	}
	return out, nil
}

// RecordCollection records money received from a customer, allocated to
// documents or not (an advance payment). The customer's figures move in the
// same transaction; a retry under the same key records nothing new.
func (a *App) RecordCollection(ctx context.Context, actor auth.Actor, idem Idem, req CollectionRequest) (CollectionView, *Replay, error) {
	c, err := a.newCollection(ctx, actor, req)
	if err != nil {
		return CollectionView{}, nil, err
	}
	var view CollectionView
	replay, err := a.run(ctx, actor, change{action: auth.RecordCollection, idem: idem, outcome: OutcomeCreated, device: c.DeviceID,
		decide: func(tx *store.Tx, asOf civil.Date) (any, ledger.Effects, error) {
			acc, err := a.visibleAccount(ctx, tx, actor, c.CustomerID, true)
			if err != nil {
				return nil, ledger.Effects{}, err
			}
			docs, err := tx.Documents(ctx, docIDs(c.Allocations))
			if err != nil {
				return nil, ledger.Effects{}, err
			}
			c := c // decide may run again: the number is taken in this attempt's transaction
			if c.ReceiptNumber, err = a.receiptNumberFor(ctx, tx, c, req.ReceiptNumber); err != nil {
				return nil, ledger.Effects{}, err
			}
			var unapplied int64
			if req.Offline {
				c, unapplied = ledger.ClipToOpen(c, docs)
			}
			ch, err := ledger.RecordCollection(acc.Customer, c, docs, asOf)
			if err != nil {
				return nil, ledger.Effects{}, err
			}
			if unapplied > 0 {
				ch.Effects.Alerts = append(ch.Effects.Alerts, ledger.Alert{Kind: ledger.TopicOfflineUnapplied,
					CustomerID: c.CustomerID, Agent: c.Agent, Entity: "collection", EntityID: c.ID,
					Detail: map[string]any{"receipt": c.ReceiptNumber, "unapplied": money.New(unapplied, c.Amount.Currency),
						"amount": c.Amount}})
			}
			if err := a.writeCollection(ctx, tx, ch); err != nil {
				return nil, ledger.Effects{}, err
			}
			view = collectionView(ch.New)
			return view, ch.Effects, nil
		}})
	return view, replay, err
}

// writeCollection writes a decided change's own rows: the collection, its
// new allocations, the pending amounts it moves on documents (guarded in
// SQL, so a concurrent writer can never make it over-allocate), the
// acknowledgement of its allocations and the document it creates. Figures,
// audit and outbox are the envelope's.
func (a *App) writeCollection(ctx context.Context, tx *store.Tx, ch ledger.CollectionChange) error {
	if !ch.Changed() {
		return nil
	}
	now := a.now()
	old, nc := ch.Old, ch.New
	if old.ID == "" {
		if err := tx.InsertCollection(ctx, nc, now); err != nil {
			return err
		}
	} else if len(nc.Allocations) > len(old.Allocations) {
		if err := tx.InsertAllocations(ctx, nc.ID, nc.Allocations[len(old.Allocations):], now); err != nil {
			return err
		}
	}
	for _, m := range ch.Pending {
		ok, err := tx.AddPending(ctx, m.DocumentID, m.Amount, now)
		if err != nil {
			return err
		}
		if !ok {
			return &ledger.RuleError{Err: ledger.ErrOverAllocated, Code: "allocation_exceeds_open",
				Field: fmt.Sprintf("allocations[%d].amount", m.Index), Message: fmt.Sprintf("document %q no longer has that much open", m.DocumentID)}
		}
	}
	if old.ID == "" {
		return nil
	}
	if !old.Acked() && nc.Acked() {
		if err := tx.AckAllocations(ctx, nc.ID); err != nil {
			return err
		}
	}
	if ch.Created != nil {
		if err := tx.InsertDocuments(ctx, []ledger.Document{*ch.Created}, now); err != nil {
			return err
		}
	}
	return tx.UpdateCollection(ctx, nc, now)
}

// changeCollection runs a change of an existing collection through the
// envelope: it loads the collection and its customer (locked), lets decide
// compute the change and writes its rows.
func (a *App) changeCollection(ctx context.Context, actor auth.Actor, action auth.Action, idem Idem, id string,
	decide func(tx *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.CollectionChange, error)) (CollectionView, *Replay, error) {
	var view CollectionView
	replay, err := a.run(ctx, actor, change{action: action, idem: idem, outcome: OutcomeOK,
		decide: func(tx *store.Tx, asOf civil.Date) (any, ledger.Effects, error) {
			c, err := tx.Collection(ctx, id)
			if err != nil {
				return nil, ledger.Effects{}, err
			}
			if _, err := a.visibleAccount(ctx, tx, actor, c.CustomerID, true); err != nil {
				return nil, ledger.Effects{}, err
			}
			// Re-read under the customer's lock: another writer may have
			// changed it between the two reads.
			if c, err = tx.Collection(ctx, id); err != nil {
				return nil, ledger.Effects{}, err
			}
			ch, err := decide(tx, c, asOf)
			if err != nil {
				return nil, ledger.Effects{}, err
			}
			if err := a.writeCollection(ctx, tx, ch); err != nil {
				return nil, ledger.Effects{}, err
			}
			view = collectionView(ch.New)
			return view, ch.Effects, nil
		}})
	return view, replay, err
}

// AllocateCollection applies an advance payment (or the unallocated rest of
// a collection) to documents.
func (a *App) AllocateCollection(ctx context.Context, actor auth.Actor, idem Idem, id string, reqs []AllocationRequest) (CollectionView, *Replay, error) {
	return a.changeCollection(ctx, actor, auth.RecordCollection, idem, id,
		func(tx *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.CollectionChange, error) {
			add, err := allocations(reqs, c.Amount.Currency)
			if err != nil {
				return ledger.CollectionChange{}, err
			}
			docs, err := tx.Documents(ctx, docIDs(add))
			if err != nil {
				return ledger.CollectionChange{}, err
			}
			return ledger.AllocateCollection(c, add, docs, asOf)
		})
}

// VoidCollection voids a collection recorded in error, with a reason. The
// collection is kept; voiding it again returns the same void.
func (a *App) VoidCollection(ctx context.Context, actor auth.Actor, idem Idem, id, reason string) (CollectionView, *Replay, error) {
	return a.changeCollection(ctx, actor, auth.VoidCollection, idem, id,
		func(tx *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.CollectionChange, error) {
			docs, err := tx.Documents(ctx, docIDs(ledger.Unacked(c)))
			if err != nil {
				return ledger.CollectionChange{}, err
			}
			return ledger.VoidCollection(c, reason, docs, asOf)
		})
}

// ClearCollection records that a cheque or promissory note was paid.
func (a *App) ClearCollection(ctx context.Context, actor auth.Actor, idem Idem, id string) (CollectionView, *Replay, error) {
	return a.changeCollection(ctx, actor, auth.SettleInstrument, idem, id,
		func(_ *store.Tx, c ledger.Collection, _ civil.Date) (ledger.CollectionChange, error) {
			return ledger.ClearCollection(c)
		})
}

// ReturnCollection records that an instrument came back unpaid: what it
// paid re-opens as a returned (unpaid) item.
func (a *App) ReturnCollection(ctx context.Context, actor auth.Actor, idem Idem, id, reason string) (CollectionView, *Replay, error) {
	return a.changeCollection(ctx, actor, auth.SettleInstrument, idem, id,
		func(_ *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.CollectionChange, error) {
			number := "RET-" + c.Instrument.Number
			if c.Instrument.Number == "" {
				number = "RET-" + c.ID[len(c.ID)-8:]
			}
			return ledger.ReturnCollection(c, "RET-"+c.ID, number, reason, asOf)
		})
}

// AckCollection records that the ERP has the collection: from now on the
// ERP's open amounts include its allocations.
func (a *App) AckCollection(ctx context.Context, actor auth.Actor, idem Idem, id string) (CollectionView, *Replay, error) {
	return a.changeCollection(ctx, actor, auth.AckCollection, idem, id,
		func(tx *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.CollectionChange, error) {
			return a.decideAck(ctx, tx, c, asOf)
		})
}

// decideAck decides the ERP's acknowledgement of c, reading the documents
// whose pending amounts it moves.
func (a *App) decideAck(ctx context.Context, tx *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.CollectionChange, error) {
	docs, err := tx.Documents(ctx, docIDs(ledger.Unacked(c)))
	if err != nil {
		return ledger.CollectionChange{}, err
	}
	return ledger.AckCollection(c, a.now(), docs, asOf)
}

// Collection returns one collection the actor may see.
func (a *App) Collection(ctx context.Context, actor auth.Actor, id string) (CollectionView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return CollectionView{}, err
	}
	var v CollectionView
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		c, err := tx.Collection(ctx, id)
		if err != nil {
			return err
		}
		if _, err := a.visibleAccount(ctx, tx, actor, c.CustomerID, false); err != nil {
			return err
		}
		v = collectionView(c)
		return nil
	})
	return v, err
}

// visibleAccount reads a customer the actor may see; one the actor may not
// see is reported as not found, so its existence does not leak.
func (a *App) visibleAccount(ctx context.Context, tx *store.Tx, actor auth.Actor, id string, lock bool) (store.Account, error) {
	acc, err := tx.Account(ctx, id, lock)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return acc, fmt.Errorf("customer %q: %w", id, store.ErrNotFound)
		}
		return acc, err
	}
	if !actor.Sees(acc.Agent) {
		return acc, fmt.Errorf("customer %q: %w", id, store.ErrNotFound)
	}
	return acc, nil
}

func docIDs(allocs []ledger.Allocation) []string {
	out := make([]string, len(allocs))
	for i, a := range allocs {
		out[i] = a.DocumentID
	}
	return out
}

func source(actor auth.Actor, device string) string {
	if device != "" {
		return actor.Source + " device=" + device
	}
	return actor.Source
}

// newCollection is the collection a request asks to record, checked for
// what needs no ledger rows (dates, currencies, bounds).
func (a *App) newCollection(ctx context.Context, actor auth.Actor, req CollectionRequest) (ledger.Collection, error) {
	if err := actor.Check(auth.RecordCollection); err != nil {
		return ledger.Collection{}, err
	}
	if strings.TrimSpace(req.CustomerID) == "" {
		return ledger.Collection{}, ruleInvalid("required", "customer_id", "customer_id is required")
	}
	if !req.Amount.Currency.Valid() {
		return ledger.Collection{}, ruleInvalid("required", "amount", "amount is required")
	}
	allocs, err := allocations(req.Allocations, req.Amount.Currency)
	if err != nil {
		return ledger.Collection{}, err
	}
	if _, err := a.Today(ctx); err != nil {
		return ledger.Collection{}, err
	}
	now := a.now()
	collectedAt := now
	if req.CollectedAt != nil && !req.CollectedAt.IsZero() {
		collectedAt = *req.CollectedAt
	}
	if err := a.checkDates(ctx, collectedAt, req.Instrument, now); err != nil {
		return ledger.Collection{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return ledger.Collection{}, err
	}
	c := ledger.Collection{
		ID: id.String(), CustomerID: strings.TrimSpace(req.CustomerID), Amount: req.Amount, Instrument: req.Instrument,
		State: ledger.Cleared, CollectedAt: collectedAt, RecordedAt: now, CollectedBy: actor.Name,
		DeviceID: strings.TrimSpace(req.DeviceID), Allocations: allocs,
	}
	if c.Agent, err = a.collectingAgent(ctx, actor, req.Agent); err != nil {
		return ledger.Collection{}, err
	}
	if req.ReceiptNumber != "" && c.DeviceID == "" {
		return ledger.Collection{}, ruleInvalid("required", "device_id", "a receipt number printed offline comes with the device_id that printed it")
	}
	c.Instrument.Number, c.Instrument.Bank = strings.TrimSpace(c.Instrument.Number), strings.TrimSpace(c.Instrument.Bank)
	c.Instrument.Label = strings.TrimSpace(c.Instrument.Label)
	if c.Instrument.Kind.ClearsLater() {
		c.State = ledger.InHand
	}
	return c, nil
}

// CheckCollection tells whether RecordCollection would accept req now,
// writing nothing: the record-collection page's confirmation step shows
// the rule a request breaks before the agent confirms it.
func (a *App) CheckCollection(ctx context.Context, actor auth.Actor, req CollectionRequest) error {
	c, err := a.newCollection(ctx, actor, req)
	if err != nil {
		return err
	}
	return a.db.Read(ctx, func(tx *store.Tx) error {
		acc, err := a.visibleAccount(ctx, tx, actor, c.CustomerID, false)
		if err != nil {
			return err
		}
		docs, err := tx.Documents(ctx, docIDs(c.Allocations))
		if err != nil {
			return err
		}
		return ledger.CheckNewCollection(acc.Customer, c, docs)
	})
}
