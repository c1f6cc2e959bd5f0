package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	if err := actor.Check(auth.RecordCollection); err != nil {
		return CollectionView{}, nil, err
	}
	if strings.TrimSpace(req.CustomerID) == "" {
		return CollectionView{}, nil, ruleInvalid("required", "customer_id", "customer_id is required")
	}
	if !req.Amount.Currency.Valid() {
		return CollectionView{}, nil, ruleInvalid("required", "amount", "amount is required")
	}
	allocs, err := allocations(req.Allocations, req.Amount.Currency)
	if err != nil {
		return CollectionView{}, nil, err
	}
	if _, err := a.Today(ctx); err != nil {
		return CollectionView{}, nil, err
	}
	now := a.now()
	collectedAt := now
	if req.CollectedAt != nil && !req.CollectedAt.IsZero() {
		collectedAt = *req.CollectedAt
	}
	if err := a.checkDates(ctx, collectedAt, req.Instrument, now); err != nil {
		return CollectionView{}, nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return CollectionView{}, nil, err
	}
	c := ledger.Collection{
		ID: id.String(), CustomerID: strings.TrimSpace(req.CustomerID), Amount: req.Amount, Instrument: req.Instrument,
		State: ledger.Cleared, CollectedAt: collectedAt, RecordedAt: now, CollectedBy: actor.Name,
		DeviceID: req.DeviceID, Allocations: allocs,
	}
	c.Instrument.Number, c.Instrument.Bank = strings.TrimSpace(c.Instrument.Number), strings.TrimSpace(c.Instrument.Bank)
	if c.Instrument.Kind.ClearsLater() {
		c.State = ledger.InHand
	}
	var view CollectionView
	replay, err := a.idempotent(ctx, actor, idem, http.StatusCreated, func(tx *store.Tx) (any, error) {
		_, asOf, err := tx.Company(ctx, true)
		if err != nil {
			return nil, err
		}
		acc, err := a.visibleAccount(ctx, tx, actor, c.CustomerID, true)
		if err != nil {
			return nil, err
		}
		docs, err := tx.Documents(ctx, docIDs(c.Allocations))
		if err != nil {
			return nil, err
		}
		if err := ledger.CheckNewCollection(acc.Customer, c, docs); err != nil {
			return nil, err
		}
		if err := tx.InsertCollection(ctx, c, now); err != nil {
			return nil, err
		}
		delta := ledger.CollectionDelta(ledger.Collection{}, c)
		d, err := a.movePending(ctx, tx, c.Allocations, docs, +1, asOf)
		if err != nil {
			return nil, err
		}
		if err := tx.AddFigures(ctx, c.CustomerID, delta.Add(d), now); err != nil {
			return nil, err
		}
		if err := tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: source(actor, c.DeviceID),
			Action: "collection.record", Entity: "collection", EntityID: c.ID, CustomerID: c.CustomerID,
			IdempotencyKey: idem.Key, Detail: auditCollection(c)}); err != nil {
			return nil, err
		}
		view = collectionView(c)
		return view, nil
	})
	return view, replay, err
}

// movePending adds (sign +1) or takes back (sign -1) allocations from
// their documents' pending amounts and returns how that moves the figures.
func (a *App) movePending(ctx context.Context, tx *store.Tx, allocs []ledger.Allocation, docs map[string]ledger.Document,
	sign int64, asOf civil.Date) (ledger.Figures, error) {
	var delta ledger.Figures
	now := a.now()
	for i, al := range allocs {
		old := docs[al.DocumentID]
		ok, err := tx.AddPending(ctx, al.DocumentID, sign*al.Amount, now)
		if err != nil {
			return delta, err
		}
		if !ok {
			return delta, &ledger.RuleError{Err: ledger.ErrOverAllocated, Code: "allocation_exceeds_open",
				Field: fmt.Sprintf("allocations[%d].amount", i), Message: fmt.Sprintf("document %q no longer has that much open", al.DocumentID)}
		}
		nw := old
		nw.Pending += sign * al.Amount
		docs[al.DocumentID] = nw
		delta = delta.Add(ledger.DocumentDelta(old, nw, asOf))
	}
	return delta, nil
}

// changeCollection runs a change of an existing collection: it loads the
// collection and its customer (locked), lets change compute the new state,
// and stores it with its figures and audit record.
func (a *App) changeCollection(ctx context.Context, actor auth.Actor, action auth.Action, idem Idem, id, auditAction string,
	detail map[string]any, change func(tx *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.Collection, ledger.Figures, error)) (CollectionView, *Replay, error) {
	if err := actor.Check(action); err != nil {
		return CollectionView{}, nil, err
	}
	if _, err := a.Today(ctx); err != nil {
		return CollectionView{}, nil, err
	}
	var view CollectionView
	replay, err := a.idempotent(ctx, actor, idem, http.StatusOK, func(tx *store.Tx) (any, error) {
		_, asOf, err := tx.Company(ctx, true)
		if err != nil {
			return nil, err
		}
		c, err := tx.Collection(ctx, id)
		if err != nil {
			return nil, err
		}
		if _, err := a.visibleAccount(ctx, tx, actor, c.CustomerID, true); err != nil {
			return nil, err
		}
		// Re-read under the customer's lock: another writer may have
		// changed it between the two reads.
		if c, err = tx.Collection(ctx, id); err != nil {
			return nil, err
		}
		nc, docDelta, err := change(tx, c, asOf)
		if err != nil {
			return nil, err
		}
		now := a.now()
		if !sameCollection(c, nc) {
			if err := tx.UpdateCollection(ctx, nc, now); err != nil {
				return nil, err
			}
			delta := ledger.CollectionDelta(c, nc).Add(docDelta)
			if err := tx.AddFigures(ctx, c.CustomerID, delta, now); err != nil {
				return nil, err
			}
			d := auditCollection(nc)
			for k, v := range detail {
				d[k] = v
			}
			if err := tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: source(actor, ""), Action: auditAction,
				Entity: "collection", EntityID: c.ID, CustomerID: c.CustomerID, IdempotencyKey: idem.Key, Detail: d}); err != nil {
				return nil, err
			}
		}
		view = collectionView(nc)
		return view, nil
	})
	return view, replay, err
}

func sameCollection(a, b ledger.Collection) bool {
	return a.State == b.State && a.AckedAt.Equal(b.AckedAt) && a.VoidReason == b.VoidReason &&
		len(a.Allocations) == len(b.Allocations) && a.ReturnedDocument == b.ReturnedDocument
}

// AllocateCollection applies an advance payment (or the unallocated rest of
// a collection) to documents.
func (a *App) AllocateCollection(ctx context.Context, actor auth.Actor, idem Idem, id string, reqs []AllocationRequest) (CollectionView, *Replay, error) {
	return a.changeCollection(ctx, actor, auth.RecordCollection, idem, id, "collection.allocate", nil,
		func(tx *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.Collection, ledger.Figures, error) {
			add, err := allocations(reqs, c.Amount.Currency)
			if err != nil {
				return c, ledger.Figures{}, err
			}
			docs, err := tx.Documents(ctx, docIDs(add))
			if err != nil {
				return c, ledger.Figures{}, err
			}
			nc, err := ledger.Allocate(c, add, docs)
			if err != nil {
				return c, ledger.Figures{}, err
			}
			if err := tx.InsertAllocations(ctx, c.ID, add, a.now()); err != nil {
				return c, ledger.Figures{}, err
			}
			delta, err := a.movePending(ctx, tx, add, docs, +1, asOf)
			return nc, delta, err
		})
}

// VoidCollection voids a collection recorded in error, with a reason. The
// collection is kept; voiding it again returns the same void.
func (a *App) VoidCollection(ctx context.Context, actor auth.Actor, idem Idem, id, reason string) (CollectionView, *Replay, error) {
	return a.changeCollection(ctx, actor, auth.VoidCollection, idem, id, "collection.void", map[string]any{"reason": reason},
		func(tx *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.Collection, ledger.Figures, error) {
			nc, err := ledger.Void(c, reason)
			if err != nil || nc.State == c.State {
				return nc, ledger.Figures{}, err
			}
			// Pending allocations stop counting; acknowledged ones are the
			// ERP's to reverse, and the collection goes back to pending in
			// the ERP so the void is exported.
			var pending []ledger.Allocation
			for _, al := range c.Allocations {
				if !al.Acked {
					pending = append(pending, al)
				}
			}
			nc.AckedAt = time.Time{}
			docs, err := tx.Documents(ctx, docIDs(pending))
			if err != nil {
				return c, ledger.Figures{}, err
			}
			delta, err := a.movePending(ctx, tx, pending, docs, -1, asOf)
			return nc, delta, err
		})
}

// ClearCollection records that a cheque or promissory note was paid.
func (a *App) ClearCollection(ctx context.Context, actor auth.Actor, idem Idem, id string) (CollectionView, *Replay, error) {
	return a.changeCollection(ctx, actor, auth.SettleInstrument, idem, id, "collection.clear", nil,
		func(tx *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.Collection, ledger.Figures, error) {
			nc, err := ledger.Clear(c)
			return nc, ledger.Figures{}, err
		})
}

// ReturnCollection records that an instrument came back unpaid: what it
// paid re-opens as a returned (unpaid) item.
func (a *App) ReturnCollection(ctx context.Context, actor auth.Actor, idem Idem, id, reason string) (CollectionView, *Replay, error) {
	return a.changeCollection(ctx, actor, auth.SettleInstrument, idem, id, "collection.return", map[string]any{"reason": reason},
		func(tx *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.Collection, ledger.Figures, error) {
			if c.State == ledger.Bounced {
				return c, ledger.Figures{}, nil // returning twice returns the same return
			}
			docID := "RET-" + c.ID
			number := "RET-" + c.Instrument.Number
			if c.Instrument.Number == "" {
				number = "RET-" + c.ID[len(c.ID)-8:]
			}
			nc, doc, err := ledger.Return(c, docID, number)
			if err != nil {
				return nc, ledger.Figures{}, err
			}
			// The return goes to the ERP, like a void: an acknowledged
			// advance payment that bounced must be reversed there too.
			nc.AckedAt = time.Time{}
			if doc == nil {
				return nc, ledger.Figures{}, nil
			}
			doc.IssueDate, doc.DueDate = asOf, asOf
			nc.ReturnedDocument = doc.ID
			if err := tx.InsertDocuments(ctx, []ledger.Document{*doc}, a.now()); err != nil {
				return c, ledger.Figures{}, err
			}
			return nc, ledger.OfDocument(*doc, asOf), nil
		})
}

// AckCollection records that the ERP has the collection: from now on the
// ERP's open amounts include its allocations.
func (a *App) AckCollection(ctx context.Context, actor auth.Actor, idem Idem, id string) (CollectionView, *Replay, error) {
	return a.changeCollection(ctx, actor, auth.AckCollection, idem, id, "collection.ack", nil,
		func(tx *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.Collection, ledger.Figures, error) {
			return a.ack(ctx, tx, c, asOf)
		})
}

func (a *App) ack(ctx context.Context, tx *store.Tx, c ledger.Collection, asOf civil.Date) (ledger.Collection, ledger.Figures, error) {
	if c.Acked() {
		return c, ledger.Figures{}, nil
	}
	nc := c
	nc.AckedAt = a.now()
	var pending []ledger.Allocation
	nc.Allocations = make([]ledger.Allocation, len(c.Allocations))
	for i, al := range c.Allocations {
		if !al.Acked && c.State != ledger.Voided {
			pending = append(pending, al)
		}
		al.Acked = true
		nc.Allocations[i] = al
	}
	if err := tx.AckAllocations(ctx, c.ID); err != nil {
		return c, ledger.Figures{}, err
	}
	docs, err := tx.Documents(ctx, docIDs(pending))
	if err != nil {
		return c, ledger.Figures{}, err
	}
	delta, err := a.movePending(ctx, tx, pending, docs, -1, asOf)
	return nc, delta, err
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

func auditCollection(c ledger.Collection) map[string]any {
	allocs := make([]map[string]any, 0, len(c.Allocations))
	for _, al := range c.Allocations {
		allocs = append(allocs, map[string]any{"document_id": al.DocumentID, "amount_minor": al.Amount})
	}
	return map[string]any{"amount_minor": c.Amount.Minor, "currency": c.Amount.Currency, "instrument": c.Instrument.Kind,
		"state": c.State, "allocations": allocs, "collected_at": c.CollectedAt.UTC()}
}
