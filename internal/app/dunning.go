package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/dunning"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/notify"
	"cobro/internal/store"
)

// dunningBatch is how many customers one transaction of a run decides.
const dunningBatch = 200

// dunningItemsKept bounds the items a run reports (its counts are whole).
const dunningItemsKept = 1000

// DunningOptions is one run: the company's day to decide for (zero:
// today) and whether only to say what would be sent.
type DunningOptions struct {
	AsOf   civil.Date
	DryRun bool
}

// DunningItem is what a run decided (or would decide) for one customer.
type DunningItem struct {
	CustomerID, CustomerName, Agent string
	Step                            dunning.Step
	State                           string // queued, task, skipped; "wait" for a customer the minimum gap holds back
	Reason                          string // why skipped: no_email, channel_unavailable
	Until                           civil.Date
	Reminder                        notify.Reminder
}

// DunningReport is what a run did.
type DunningReport struct {
	AsOf                                  civil.Date
	DryRun                                bool
	Customers                             int // customers with something open, looked at
	Queued, Tasks, Skipped, Waiting, Done int // Done: decided by an earlier run (nothing new)
	Items                                 []DunningItem
}

// Scenario is the scenario a customer is dunned under: the default one
// for every customer until scenarios per segment are set up in pages.
func (a *App) scenario(_ ledger.Customer) dunning.Scenario { return dunning.Default() }

// RunDunning runs the reminders for a day: per customer with something
// open, the one step due (dunning.Decide), recorded as a send intent under
// its unique key in the transaction that decides it, with its email in the
// outbox (topic dunning.email) or its call task as an alert for the agent.
// A step decided before (by this run repeated, or another server) is
// recorded once: the second insert does nothing. A dry run writes nothing.
func (a *App) RunDunning(ctx context.Context, actor auth.Actor, o DunningOptions) (DunningReport, error) {
	need := auth.RunDunning
	if o.DryRun {
		need = auth.ReadDunning
	}
	if err := actor.Check(need); err != nil {
		return DunningReport{}, err
	}
	company, err := a.Company(ctx)
	if err != nil {
		return DunningReport{}, err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return DunningReport{}, err
	}
	if o.AsOf.IsZero() {
		o.AsOf = today
	}
	rep := DunningReport{AsOf: o.AsOf, DryRun: o.DryRun}
	after := ""
	for {
		var ids []string
		if err := a.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			ids, err = tx.DunningCustomers(ctx, after, dunningBatch)
			return err
		}); err != nil {
			return rep, err
		}
		if len(ids) == 0 {
			return rep, nil
		}
		after = ids[len(ids)-1]
		var batch DunningReport
		work := func(tx *store.Tx) error {
			batch = DunningReport{}
			return a.dunBatch(ctx, tx, company, o, ids, &batch)
		}
		if o.DryRun {
			err = a.db.Read(ctx, work)
		} else {
			err = a.db.Write(ctx, work)
		}
		if err != nil {
			return rep, fmt.Errorf("dunning run: %w", err)
		}
		rep.Customers += batch.Customers
		rep.Queued += batch.Queued
		rep.Tasks += batch.Tasks
		rep.Skipped += batch.Skipped
		rep.Waiting += batch.Waiting
		rep.Done += batch.Done
		for _, it := range batch.Items {
			if len(rep.Items) < dunningItemsKept {
				rep.Items = append(rep.Items, it)
			}
		}
	}
}

func (a *App) dunBatch(ctx context.Context, tx *store.Tx, company ledger.Company, o DunningOptions, ids []string, rep *DunningReport) error {
	// Writing, the customers' rows are locked first (PostgreSQL), so two
	// servers deciding the same customer queue, and the second reads what
	// the first recorded.
	accounts, err := tx.Accounts(ctx, ids, !o.DryRun && tx.RowLocks())
	if err != nil {
		return err
	}
	docs, err := tx.OpenDocumentsOf(ctx, ids)
	if err != nil {
		return err
	}
	promises, err := a.dunPromises(ctx, tx, ids, accounts, docs, o.AsOf, !o.DryRun)
	if err != nil {
		return err
	}
	sent, err := tx.DunningSent(ctx, ids)
	if err != nil {
		return err
	}
	last, err := tx.LastContacts(ctx, ids)
	if err != nil {
		return err
	}
	type key struct{ doc, due string }
	steps := map[key][]string{}
	for _, s := range sent {
		k := key{s.DocumentID, s.DueDate.String()}
		steps[k] = append(steps[k], s.Step)
	}
	byCustomer := map[string][]dunning.Document{}
	numbers := map[string]ledger.Document{}
	for _, d := range docs {
		if !d.Kind.Owed() || d.Open() <= 0 {
			continue
		}
		numbers[d.ID] = d
		byCustomer[d.CustomerID] = append(byCustomer[d.CustomerID], dunning.Document{ID: d.ID, Number: d.Number, DueDate: d.DueDate,
			Open: money.New(d.Open(), d.Currency), Disputed: d.Disputed, Sent: steps[key{d.ID, d.DueDate.String()}]})
	}
	now := a.now()
	for _, id := range ids {
		acc, ok := accounts[id]
		if !ok || len(byCustomer[id]) == 0 {
			continue
		}
		rep.Customers++
		sc := a.scenario(acc.Customer)
		dec, wait, err := dunning.Decide(dunning.Input{Scenario: sc, Documents: byCustomer[id], LastContact: last[id], AsOf: o.AsOf,
			Promises: promises[id]})
		if err != nil {
			return err
		}
		item := DunningItem{CustomerID: id, CustomerName: acc.Name, Agent: acc.Agent}
		if wait != nil {
			rep.Waiting++
			item.Step, item.State, item.Until = wait.Step, "wait", wait.Until
			rep.Items = append(rep.Items, item)
			continue
		}
		if dec == nil {
			continue
		}
		sendID, err := store.NewSendID()
		if err != nil {
			return err
		}
		lang := customerLang(acc.Customer, company)
		r := notify.Reminder{SendID: sendID, CustomerID: id, CustomerName: acc.Name, To: acc.Email, Language: string(lang),
			Scenario: sc.ID, Step: dec.Step.Key, Template: dec.Step.Template, AsOf: o.AsOf, Company: company.Name,
			HowToPay: howToPay(company, lang), Totals: dec.Totals}
		send := store.DunningSend{ID: sendID, CustomerID: id, Scenario: sc.ID, Step: dec.Step.Key, Cycle: dec.Cycle,
			Channel: string(dec.Step.Channel), Template: dec.Step.Template, AsOf: o.AsOf, Language: string(lang)}
		for _, d := range dec.Documents {
			r.Documents = append(r.Documents, notify.ReminderDocument{Number: d.Number, DueDate: d.DueDate,
				DaysOverdue: o.AsOf.DaysSince(d.DueDate), Open: d.Open})
			send.Documents = append(send.Documents, store.DunningSendDocument{DocumentID: d.ID, DueDate: d.DueDate, Open: d.Open})
		}
		switch {
		case dec.Step.Channel == dunning.Email && strings.TrimSpace(acc.Email) == "":
			send.State, send.Reason = store.SendSkipped, "no_email"
		case dec.Step.Channel == dunning.Email:
			send.State, send.Recipient, send.MessageID = store.SendQueued, acc.Email, r.MessageID("")
		case dec.Step.Channel.Task():
			send.State, send.Recipient = store.SendTask, acc.Agent
		default:
			send.State, send.Reason = store.SendSkipped, "channel_unavailable"
		}
		item.Step, item.State, item.Reason, item.Reminder = dec.Step, send.State, send.Reason, r
		if o.DryRun {
			countSend(rep, send.State)
			rep.Items = append(rep.Items, item)
			continue
		}
		fresh, err := tx.InsertDunningSend(ctx, send, now)
		if err != nil {
			return err
		}
		if !fresh {
			rep.Done++
			continue
		}
		switch send.State {
		case store.SendQueued:
			if err := tx.AppendOutbox(ctx, []store.OutboxEvent{{Topic: store.TopicDunningEmail, AggregateID: sendID, CustomerID: id,
				Payload: r}}, now); err != nil {
				return err
			}
		case store.SendTask:
			var docs []string
			for _, d := range r.Documents {
				docs = append(docs, d.Number)
			}
			if err := tx.AddAlerts(ctx, []store.Alert{{Kind: "dunning." + string(dec.Step.Channel), CustomerID: id, Agent: acc.Agent,
				Entity: "dunning_send", EntityID: sendID, Detail: map[string]any{"customer": acc.Name, "step": dec.Step.Key,
					"documents": strings.Join(docs, ", "), "total": r.Totals[0]}}}, now); err != nil {
				return err
			}
		}
		countSend(rep, send.State)
		rep.Items = append(rep.Items, item)
	}
	return nil
}

func countSend(rep *DunningReport, state string) {
	switch state {
	case store.SendQueued:
		rep.Queued++
	case store.SendTask:
		rep.Tasks++
	default:
		rep.Skipped++
	}
}

func customerLang(c ledger.Customer, company ledger.Company) i18n.Lang {
	if l, ok := i18n.Parse(c.Language); ok {
		return l
	}
	if l, ok := i18n.Parse(company.Language); ok {
		return l
	}
	return i18n.English
}

func howToPay(c ledger.Company, l i18n.Lang) string {
	if l == i18n.Spanish && c.HowToPayES != "" {
		return c.HowToPayES
	}
	if l == i18n.English && c.HowToPayEN != "" {
		return c.HowToPayEN
	}
	if c.HowToPayEN != "" {
		return c.HowToPayEN
	}
	return c.HowToPayES
}

// DunningSent is a recorded send as the dunning page lists it.
type DunningSent struct {
	ID, CustomerID, Step, Channel, State, Reason, Recipient, MessageID string
	AsOf                                                               civil.Date
	CreatedAt, SentAt                                                  time.Time
}

// DunningSends lists the latest sends (newest first), at most limit; with
// customer set, that customer's only.
func (a *App) DunningSends(ctx context.Context, actor auth.Actor, customer string, limit int) ([]DunningSent, error) {
	if err := actor.Check(auth.ReadDunning); err != nil {
		return nil, err
	}
	var out []DunningSent
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		ss, err := tx.DunningSends(ctx, customer, limit)
		for _, s := range ss {
			out = append(out, DunningSent{ID: s.ID, CustomerID: s.CustomerID, Step: s.Step, Channel: s.Channel, State: s.State,
				Reason: s.Reason, Recipient: s.Recipient, MessageID: s.MessageID, AsOf: s.AsOf, CreatedAt: s.CreatedAt, SentAt: s.SentAt})
		}
		return err
	})
	return out, err
}
