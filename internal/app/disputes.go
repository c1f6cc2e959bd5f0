package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"cobro/internal/auth"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// The reasons of a dispute, and its states: open, then one resolution.
var (
	DisputeReasons     = []string{"price", "quantity", "quality", "not_delivered", "other"}
	DisputeResolutions = []string{"credit_note", "rejected", "paid"}
)

// Dispute is a customer's dispute on a document: why, who opened it and
// how the administration resolved it (credit_note: a credit note is
// expected from the ERP, the document stays disputed until it settles it;
// rejected or paid: the document is dunned again).
type Dispute struct {
	ID         string    `json:"id"`
	CustomerID string    `json:"customer_id"`
	DocumentID string    `json:"document_id"`
	Reason     string    `json:"reason"`
	Note       string    `json:"note"`
	OpenedBy   string    `json:"opened_by"`
	OpenedAt   time.Time `json:"opened_at"`
	State      string    `json:"state"`
	ResolvedBy string    `json:"resolved_by,omitempty"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	Resolution string    `json:"resolution,omitempty"`
}

// OpenDispute opens a dispute on a document of a customer the actor sees:
// the document becomes disputed (the customer's disputed figure moves
// through the change envelope's apply, in the same transaction), so
// dunning skips it until the dispute is resolved. Audited.
func (a *App) OpenDispute(ctx context.Context, actor auth.Actor, customerID, documentID, reason, note string) (Dispute, error) {
	if err := actor.Check(auth.OpenDispute); err != nil {
		return Dispute{}, err
	}
	if !slices.Contains(DisputeReasons, reason) {
		return Dispute{}, ruleInvalid("dispute_reason_invalid", "reason", "the reason must be one of %s", strings.Join(DisputeReasons, ", ")).WithValue(reason)
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > MaxNoteLen {
		return Dispute{}, ruleInvalid("too_long", "note", "the note is longer than %d characters", MaxNoteLen)
	}
	if _, err := a.Today(ctx); err != nil {
		return Dispute{}, err
	}
	var d store.Dispute
	now := a.now()
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		// The company's day first, then the customer, as the envelope does.
		_, today, err := tx.Company(ctx, true)
		if err != nil {
			return err
		}
		acc, err := a.visibleAccount(ctx, tx, actor, customerID, tx.RowLocks())
		if err != nil {
			return err
		}
		docs, err := tx.Documents(ctx, []string{documentID})
		if err != nil {
			return err
		}
		doc, ok := docs[documentID]
		if !ok || doc.CustomerID != acc.ID {
			return ruleInvalid("unknown_document", "document_id", "no document %q of this customer", documentID).WithValue(documentID)
		}
		if open, err := tx.OpenDisputeOf(ctx, documentID); err != nil {
			return err
		} else if open {
			return &ledger.RuleError{Err: ledger.ErrState, Code: "dispute_already_open", Field: "document_id", Value: documentID,
				Message: "the document has an open dispute already"}
		}
		d = store.Dispute{CustomerID: acc.ID, DocumentID: documentID, Reason: reason, Note: note, OpenedBy: actor.Name, WasDisputed: doc.Disputed}
		if err := tx.InsertDispute(ctx, &d, now); err != nil {
			return err
		}
		var fx ledger.Effects
		if !doc.Disputed {
			disputed := doc
			disputed.Disputed = true
			if err := tx.SetDocumentDisputed(ctx, documentID, true, now); err != nil {
				return err
			}
			if err := fx.MoveDocument(doc, disputed, today); err != nil {
				return err
			}
		}
		fx.Audit = append(fx.Audit, ledger.Event{Kind: "dispute.open", Entity: "dispute", EntityID: d.ID, CustomerID: acc.ID,
			Detail: map[string]any{"document": documentID, "number": doc.Number, "reason": reason, "note": note}})
		return a.apply(ctx, tx, origin{actor: actor.Name, source: source(actor, "")}, fx)
	})
	if errors.Is(err, store.ErrNotFound) {
		return Dispute{}, ErrNotFound
	}
	if err != nil {
		return Dispute{}, err
	}
	return disputeView(d), nil
}

// ResolveDispute records the administration's resolution of an open
// dispute with a note. Rejected or paid, the document is no longer
// disputed (unless the ERP had it so) and dunning takes it up again; a
// credit note expected leaves it disputed for the ERP's credit note.
// Audited.
func (a *App) ResolveDispute(ctx context.Context, actor auth.Actor, id, resolution, note string) (Dispute, error) {
	if err := actor.Check(auth.ResolveDispute); err != nil {
		return Dispute{}, err
	}
	if !slices.Contains(DisputeResolutions, resolution) {
		return Dispute{}, ruleInvalid("dispute_resolution_invalid", "resolution", "the resolution must be one of %s",
			strings.Join(DisputeResolutions, ", ")).WithValue(resolution)
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > MaxNoteLen {
		return Dispute{}, ruleInvalid("too_long", "note", "the note is longer than %d characters", MaxNoteLen)
	}
	if _, err := a.Today(ctx); err != nil {
		return Dispute{}, err
	}
	var d store.Dispute
	now := a.now()
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = tx.Dispute(ctx, id); err != nil {
			return err
		}
		// The company's day first, then the customer, as the envelope does.
		_, today, err := tx.Company(ctx, true)
		if err != nil {
			return err
		}
		acc, err := a.visibleAccount(ctx, tx, actor, d.CustomerID, tx.RowLocks())
		if err != nil {
			return err
		}
		changed, err := tx.ResolveDispute(ctx, id, resolution, actor.Name, note, now)
		if err != nil {
			return err
		}
		if !changed {
			return &ledger.RuleError{Err: ledger.ErrState, Code: "dispute_not_open", Field: "id", Value: id, Message: "the dispute is resolved already"}
		}
		var fx ledger.Effects
		if resolution != "credit_note" && !d.WasDisputed {
			docs, err := tx.Documents(ctx, []string{d.DocumentID})
			if err != nil {
				return err
			}
			if doc, ok := docs[d.DocumentID]; ok && doc.Disputed {
				cleared := doc
				cleared.Disputed = false
				if err := tx.SetDocumentDisputed(ctx, doc.ID, false, now); err != nil {
					return err
				}
				if err := fx.MoveDocument(doc, cleared, today); err != nil {
					return err
				}
			}
		}
		fx.Audit = append(fx.Audit, ledger.Event{Kind: "dispute.resolve", Entity: "dispute", EntityID: id, CustomerID: acc.ID,
			Detail: map[string]any{"document": d.DocumentID, "resolution": resolution, "note": note}})
		if err := a.apply(ctx, tx, origin{actor: actor.Name, source: source(actor, "")}, fx); err != nil {
			return err
		}
		d, err = tx.Dispute(ctx, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return Dispute{}, ErrNotFound
	}
	if err != nil {
		return Dispute{}, err
	}
	return disputeView(d), nil
}

// Disputes lists the disputes of a customer the actor sees, newest first.
func (a *App) Disputes(ctx context.Context, actor auth.Actor, customerID string) ([]Dispute, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return nil, err
	}
	out := []Dispute{}
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		acc, err := a.visibleAccount(ctx, tx, actor, customerID, false)
		if err != nil {
			return err
		}
		ds, err := tx.DisputesOf(ctx, acc.ID)
		for _, d := range ds {
			out = append(out, disputeView(d))
		}
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	return out, err
}

func disputeView(d store.Dispute) Dispute {
	return Dispute{ID: d.ID, CustomerID: d.CustomerID, DocumentID: d.DocumentID, Reason: d.Reason, Note: d.Note, OpenedBy: d.OpenedBy,
		OpenedAt: d.OpenedAt, State: d.State, ResolvedBy: d.ResolvedBy, ResolvedAt: d.ResolvedAt, Resolution: d.Resolution}
}
