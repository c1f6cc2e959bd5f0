package app

import (
	"context"
	"time"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/money"
	"cobro/internal/store"
)

// Dashboard is what a role sees first.
type Dashboard struct {
	Role       auth.Role
	TopOverdue []CustomerView // most overdue first
	// DaysLate is, for the customers of TopOverdue, how many days their
	// oldest overdue document is late.
	DaysLate          map[string]int
	OverLimit         []CustomerView
	TopRisks          []CustomerView
	LatestCollections []CollectionView
	Returned          []DocumentView
	Summary           *Summary // management figures
	// Field leads an agent's dashboard: overdue across the agent's
	// customers, collected today, and what is not handed in yet.
	Field *FieldTotals
}

// FieldTotals are an agent's totals for the day, in the company's currency.
type FieldTotals struct {
	Overdue        money.Amount
	CollectedToday money.Amount
	CollectedCount int64
	NotHandedIn    []SettlementTotalView // by instrument
	NotHandedTotal money.Amount
}

const dashboardRows = 10

// Dashboard gathers the first page of each role: an agent's own customers
// ranked by what is overdue, those over their limit and the latest
// collections; the administration's latest collections, returned items and
// customers over limit; management's receivables, aging, DSO and top risks.
func (a *App) Dashboard(ctx context.Context, actor auth.Actor) (Dashboard, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return Dashboard{}, err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Role: actor.Role}
	scope := actor.AgentScope()
	list := func(tx *store.Tx, f store.CustomerFilter) ([]CustomerView, error) {
		f.Scope, f.Limit = scope, dashboardRows
		accs, err := tx.ListAccounts(ctx, f)
		out := make([]CustomerView, 0, len(accs))
		for _, acc := range accs {
			out = append(out, customerView(acc, today))
		}
		return out, err
	}
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if d.OverLimit, err = list(tx, store.CustomerFilter{Status: "over_limit", Sort: "risk"}); err != nil {
			return err
		}
		switch actor.Role {
		case auth.Management:
			d.TopRisks, err = list(tx, store.CustomerFilter{Sort: "risk"})
			return err
		case auth.Agent, auth.Supervisor:
			if actor.Role == auth.Agent {
				if d.Field, err = a.fieldTotals(ctx, tx, actor.Agent, today); err != nil {
					return err
				}
			}
			if d.TopOverdue, err = list(tx, store.CustomerFilter{Sort: "overdue", Overdue: true}); err != nil {
				return err
			}
			ids := make([]string, len(d.TopOverdue))
			for i, c := range d.TopOverdue {
				ids[i] = c.ID
			}
			oldest, err := tx.OldestOverdue(ctx, ids, today)
			if err != nil {
				return err
			}
			d.DaysLate = make(map[string]int, len(oldest))
			for id, due := range oldest {
				d.DaysLate[id] = today.DaysSince(due)
			}
		default:
			docs, err := tx.OpenReturned(ctx, scope, dashboardRows)
			if err != nil {
				return err
			}
			for _, doc := range docs {
				d.Returned = append(d.Returned, documentView(doc, today))
			}
		}
		cols, err := tx.LatestCollections(ctx, scope, dashboardRows)
		if err != nil {
			return err
		}
		ids := make([]string, len(cols))
		for i, c := range cols {
			ids[i] = c.CustomerID
		}
		names, err := tx.Accounts(ctx, ids, false)
		for _, c := range cols {
			v := collectionView(c)
			v.CustomerName = names[c.CustomerID].Name
			d.LatestCollections = append(d.LatestCollections, v)
		}
		return err
	})
	if err != nil {
		return d, err
	}
	if actor.Role == auth.Management || actor.Role == auth.Admin {
		s, err := a.Summary(ctx, actor)
		if err != nil {
			return d, err
		}
		d.Summary = &s
	}
	return d, nil
}

func (a *App) fieldTotals(ctx context.Context, tx *store.Tx, agent string, today civil.Date) (*FieldTotals, error) {
	company, err := a.Company(ctx)
	if err != nil {
		return nil, err
	}
	loc, err := a.Location(ctx)
	if err != nil {
		return nil, err
	}
	start := time.Date(today.Year, today.Month, today.Day, 0, 0, 0, 0, loc)
	f, err := tx.AgentFieldTotals(ctx, agent, string(company.Currency), start, start.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	cur := company.Currency
	out := &FieldTotals{Overdue: money.New(f.Overdue, cur), CollectedToday: money.New(f.CollectedToday.Amount, cur),
		CollectedCount: f.CollectedToday.Count, NotHandedIn: []SettlementTotalView{}, NotHandedTotal: money.Zero(cur)}
	for _, s := range f.NotHandedIn {
		out.NotHandedIn = append(out.NotHandedIn, SettlementTotalView{Instrument: s.Instrument, Count: int(s.Count), Amount: money.New(s.Amount, cur)})
		out.NotHandedTotal.Minor += s.Amount
	}
	return out, nil
}
