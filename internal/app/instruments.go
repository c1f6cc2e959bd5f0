package app

import (
	"context"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// Cheques and promissory notes after the visit: in the agent's hand, handed
// in to the office, deposited at the bank, then cleared or returned. The
// administration works them from a queue by state and maturity.

// MoveInstrument records that a cheque or promissory note was handed in
// or deposited.
func (a *App) MoveInstrument(ctx context.Context, actor auth.Actor, idem Idem, id string, to ledger.Custody) (CollectionView, *Replay, error) {
	return a.changeCollection(ctx, actor, auth.SettleInstrument, idem, id,
		func(_ *store.Tx, c ledger.Collection, _ civil.Date) (ledger.CollectionChange, error) {
			return ledger.MoveCustody(c, to, a.now())
		})
}

// The queues of the instruments page, in the order of an instrument's life.
var InstrumentQueues = []string{"in_hand", "with_agent", "handed_in", "deposited", "cleared", "returned"}

// InstrumentQueue is one tab of the instruments page: how many and how
// much (in the company's currency).
type InstrumentQueue struct {
	Queue string
	Count int64
	Total money.Amount
}

// InstrumentRowView is an instrument with its customer's name.
type InstrumentRowView struct {
	CollectionView
	// Overdue: its maturity has passed and it is still in hand.
	Overdue bool
}

// InstrumentBoard is the instruments page.
type InstrumentBoard struct {
	Queue  string
	Queues []InstrumentQueue
	Items  []InstrumentRowView
	Total  money.Amount // of the items listed
	Today  civil.Date
}

// Instruments lists the cheques and promissory notes of a queue (every one
// in hand when queue is ""), by maturity.
func (a *App) Instruments(ctx context.Context, actor auth.Actor, queue string) (InstrumentBoard, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return InstrumentBoard{}, err
	}
	if queue == "" {
		queue = "in_hand"
	}
	f := store.InstrumentFilter{Scope: actor.AgentScope(), Limit: 500}
	switch queue {
	case "in_hand":
		f.State, f.Any = ledger.InHand, true
	case "with_agent":
		f.State, f.Custody = ledger.InHand, ledger.WithAgent
	case "handed_in":
		f.State, f.Custody = ledger.InHand, ledger.HandedIn
	case "deposited":
		f.State, f.Custody = ledger.InHand, ledger.Deposited
	case "cleared":
		f.State, f.Any = ledger.Cleared, true
	case "returned":
		f.State, f.Any = ledger.Bounced, true
	default:
		return InstrumentBoard{}, ruleInvalid("bad_queue", "state", "state must be one of in_hand, with_agent, handed_in, deposited, cleared, returned").WithValue(queue)
	}
	company, err := a.Company(ctx)
	if err != nil {
		return InstrumentBoard{}, err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return InstrumentBoard{}, err
	}
	cur := company.Currency
	b := InstrumentBoard{Queue: queue, Items: []InstrumentRowView{}, Total: money.Zero(cur), Today: today}
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		counts, err := tx.InstrumentCounts(ctx, f.Scope)
		if err != nil {
			return err
		}
		byQueue := map[string]*InstrumentQueue{}
		for _, q := range InstrumentQueues {
			b.Queues = append(b.Queues, InstrumentQueue{Queue: q, Total: money.Zero(cur)})
		}
		for i := range b.Queues {
			byQueue[b.Queues[i].Queue] = &b.Queues[i]
		}
		for _, c := range counts {
			var names []string
			switch c.State {
			case ledger.InHand:
				names = []string{"in_hand", map[ledger.Custody]string{ledger.WithAgent: "with_agent", ledger.HandedIn: "handed_in", ledger.Deposited: "deposited"}[c.Custody]}
			case ledger.Cleared:
				names = []string{"cleared"}
			case ledger.Bounced:
				names = []string{"returned"}
			}
			for _, n := range names {
				if q := byQueue[n]; q != nil {
					q.Count += c.N
					if c.Currency == cur {
						q.Total.Minor += c.Minor
					}
				}
			}
		}
		rows, err := tx.Instruments(ctx, f)
		if err != nil {
			return err
		}
		for _, r := range rows {
			v := InstrumentRowView{CollectionView: collectionView(r.Collection)}
			v.CustomerName = r.CustomerName
			v.Overdue = r.State == ledger.InHand && !r.Instrument.DueDate.IsZero() && r.Instrument.DueDate.Before(today)
			b.Items = append(b.Items, v)
			if r.Amount.Currency == cur {
				b.Total.Minor += r.Amount.Minor
			}
		}
		return nil
	})
	return b, err
}
