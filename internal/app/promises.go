package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/dunning"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// MaxNoteLen bounds the note of a promise or a dispute.
const MaxNoteLen = 1000

// Promise is a customer's promise to pay: the documents it covers (every
// overdue one when Whole), by when, how much, who recorded it and what
// became of it (open, kept, broken: the dunning run decides).
type Promise struct {
	ID         string       `json:"id"`
	CustomerID string       `json:"customer_id"`
	Whole      bool         `json:"whole"`
	Date       civil.Date   `json:"date"`
	Amount     money.Amount `json:"amount"`
	MadeBy     string       `json:"made_by"`
	Note       string       `json:"note"`
	MadeOn     civil.Date   `json:"made_on"`
	State      string       `json:"state"`
	SettledOn  civil.Date   `json:"settled_on,omitzero"`
	CreatedAt  time.Time    `json:"created_at"`
	Documents  []string     `json:"documents"`
}

// PromiseInput is a promise to record: the documents (none: the customer's
// whole overdue), the date, the amount in minor units (0: what the
// documents have open) and a note.
type PromiseInput struct {
	Documents []string
	Date      civil.Date
	Amount    int64
	Currency  money.Currency // of Amount; empty: the documents'
	Note      string
}

// RecordPromise records a promise to pay of a customer the actor sees, as
// of the company's day: dunning pauses for its documents until its date
// (and dunning.PromiseGrace days), audited.
func (a *App) RecordPromise(ctx context.Context, actor auth.Actor, customerID string, in PromiseInput) (Promise, error) {
	if err := actor.Check(auth.RecordPromise); err != nil {
		return Promise{}, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > MaxNoteLen {
		return Promise{}, ruleInvalid("too_long", "note", "the note is longer than %d characters", MaxNoteLen)
	}
	if in.Date.IsZero() {
		return Promise{}, ruleInvalid("promise_date_required", "date", "a promise needs the date it will be paid by")
	}
	if in.Amount < 0 || in.Amount > money.MaxMinor {
		return Promise{}, ruleInvalid("promise_amount_invalid", "amount", "the amount must be positive and at most %d minor units", money.MaxMinor)
	}
	var p store.Promise
	now := a.now()
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		acc, err := a.visibleAccount(ctx, tx, actor, customerID, tx.RowLocks())
		if err != nil {
			return err
		}
		_, today, err := tx.Company(ctx, false)
		if err != nil {
			return err
		}
		if in.Date.Before(today) || in.Date.After(today.AddDays(365)) {
			return ruleInvalid("promise_date_out_of_range", "date", "the date must be from today to a year from today").WithValue(in.Date.String())
		}
		docs, err := tx.OpenDocumentsOf(ctx, []string{acc.ID})
		if err != nil {
			return err
		}
		open := map[string]ledger.Document{}
		for _, d := range docs {
			if d.Kind.Owed() && d.Open() > 0 {
				open[d.ID] = d
			}
		}
		p = store.Promise{CustomerID: acc.ID, Date: in.Date, MadeBy: actor.Name, Note: in.Note, MadeOn: today, State: dunning.PromiseOpen}
		var chosen []ledger.Document
		if len(in.Documents) == 0 {
			p.Whole = true
			for _, d := range docs {
				if _, ok := open[d.ID]; ok && d.StateAsOf(today).Status.PastDue() {
					chosen = append(chosen, d)
				}
			}
			if len(chosen) == 0 {
				return ruleInvalid("nothing_overdue", "documents", "the customer has nothing overdue: name the documents promised")
			}
		} else {
			seen := map[string]bool{}
			for _, id := range in.Documents {
				d, ok := open[id]
				if !ok {
					return ruleInvalid("unknown_document", "documents", "no open document %q of this customer", id).WithValue(id)
				}
				if !seen[id] {
					seen[id] = true
					chosen = append(chosen, d)
				}
			}
		}
		var total int64
		for _, d := range chosen {
			if d.Currency != chosen[0].Currency {
				return ruleInvalid("promise_currency_mismatch", "documents", "the documents of a promise must be in one currency")
			}
			total += d.Open()
			p.Documents = append(p.Documents, store.PromiseDocument{DocumentID: d.ID, Open: d.Open()})
		}
		if in.Currency != "" && in.Amount != 0 && in.Currency != chosen[0].Currency {
			return ruleInvalid("promise_currency_mismatch", "amount", "the amount must be in the documents' currency, %s", chosen[0].Currency).
				WithValue(string(in.Currency))
		}
		p.Currency, p.Amount = string(chosen[0].Currency), in.Amount
		if p.Amount == 0 {
			p.Amount = total
		}
		if err := tx.InsertPromise(ctx, &p, now); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: source(actor, ""), Action: "promise.record",
			Entity: "promise", EntityID: p.ID, CustomerID: acc.ID, Detail: map[string]any{"date": p.Date.String(), "amount": p.Amount,
				"currency": p.Currency, "documents": len(p.Documents), "whole": p.Whole}})
	})
	if errors.Is(err, store.ErrNotFound) {
		return Promise{}, ErrNotFound
	}
	if err != nil {
		return Promise{}, err
	}
	return promiseView(p), nil
}

// Promises lists the promises of a customer the actor sees, newest first.
func (a *App) Promises(ctx context.Context, actor auth.Actor, customerID string) ([]Promise, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return nil, err
	}
	out := []Promise{}
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		acc, err := a.visibleAccount(ctx, tx, actor, customerID, false)
		if err != nil {
			return err
		}
		ps, err := tx.PromisesOf(ctx, []string{acc.ID}, false)
		for _, p := range ps {
			out = append(out, promiseView(p))
		}
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	return out, err
}

func promiseView(p store.Promise) Promise {
	v := Promise{ID: p.ID, CustomerID: p.CustomerID, Whole: p.Whole, Date: p.Date, Amount: money.New(p.Amount, money.Currency(p.Currency)),
		MadeBy: p.MadeBy, Note: p.Note, MadeOn: p.MadeOn, State: p.State, SettledOn: p.SettledOn, CreatedAt: p.CreatedAt, Documents: []string{}}
	for _, d := range p.Documents {
		v.Documents = append(v.Documents, d.DocumentID)
	}
	return v
}

// dunPromises settles the open promises of a batch's customers on asOf
// (kept, or broken past their date and the grace: an alert for the agent,
// through the envelope's apply) and returns, per customer, the promises
// dunning.Decide needs. Writing only when write.
func (a *App) dunPromises(ctx context.Context, tx *store.Tx, ids []string, accounts map[string]store.Account, docs []ledger.Document,
	asOf civil.Date, write bool) (map[string][]dunning.Promise, error) {
	ps, err := tx.PromisesOf(ctx, ids, true)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	open := map[string]int64{}
	for _, d := range docs {
		open[d.ID] = d.Open()
	}
	out := map[string][]dunning.Promise{}
	var fx ledger.Effects
	for _, p := range ps {
		dp := dunning.Promise{ID: p.ID, Date: p.Date, State: p.State, Amount: p.Amount}
		for _, d := range p.Documents {
			dp.Documents = append(dp.Documents, dunning.PromisedDocument{ID: d.DocumentID, Open: d.Open})
		}
		if st := dp.Outcome(open, asOf, dunning.PromiseGrace); st != dp.State {
			dp.State = st
			if write {
				changed, err := tx.SettlePromise(ctx, p.ID, st, asOf)
				if err != nil {
					return nil, err
				}
				if changed {
					acc := accounts[p.CustomerID]
					amount := money.New(p.Amount, money.Currency(p.Currency))
					fx.Audit = append(fx.Audit, ledger.Event{Kind: "promise." + st, Entity: "promise", EntityID: p.ID, CustomerID: p.CustomerID,
						Detail: map[string]any{"date": p.Date.String(), "amount": p.Amount, "currency": p.Currency}})
					if st == dunning.PromiseBroken {
						fx.Alerts = append(fx.Alerts, ledger.Alert{Kind: TopicPromiseBroken, CustomerID: p.CustomerID, Agent: acc.Agent,
							Entity: "promise", EntityID: p.ID, Detail: map[string]any{"customer": acc.Name, "date": p.Date.String(), "amount": amount}})
					}
				}
			}
		}
		out[p.CustomerID] = append(out[p.CustomerID], dp)
	}
	if write && !fx.IsZero() {
		if err := a.apply(ctx, tx, origin{actor: "dunning", source: "dunning run"}, fx); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// TopicPromiseBroken is the kind of the alert a broken promise raises for
// the customer's agent.
const TopicPromiseBroken = "promise.broken"
