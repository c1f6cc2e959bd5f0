package app

import (
	"context"
	"time"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/money"
	"cobro/internal/store"
)

// CollectionSearch is the collections page's filter.
type CollectionSearch struct {
	Agent, Instrument, State string
	From, To                 civil.Date // collected in the company's calendar, both included
	// AfterAt/AfterID: only those recorded after this point, oldest first (the live feed).
	AfterAt, AfterID string
}

// CollectionList is a page of collections with its total.
type CollectionList struct {
	Items []CollectionView
	// Total is the sum of those not voided, in the company's currency;
	// Count how many.
	Total money.Amount
	Count int
	// Latest is where a live feed of this list starts.
	LatestAt, LatestID string
}

// SearchCollections lists the collections the actor may see, newest first.
func (a *App) SearchCollections(ctx context.Context, actor auth.Actor, q CollectionSearch) (CollectionList, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return CollectionList{}, err
	}
	company, err := a.Company(ctx)
	if err != nil {
		return CollectionList{}, err
	}
	loc, err := a.Location(ctx)
	if err != nil {
		return CollectionList{}, err
	}
	f := store.CollectionSearch{Scope: actor.AgentScope(), Agent: q.Agent, Instrument: q.Instrument, State: q.State,
		AfterAt: q.AfterAt, AfterID: q.AfterID}
	if !q.From.IsZero() {
		f.From = time.Date(q.From.Year, q.From.Month, q.From.Day, 0, 0, 0, 0, loc)
	}
	if !q.To.IsZero() {
		f.To = time.Date(q.To.Year, q.To.Month, q.To.Day, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	}
	out := CollectionList{Items: []CollectionView{}, Total: money.Zero(company.Currency)}
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		cs, names, err := tx.SearchCollections(ctx, f)
		if err != nil {
			return err
		}
		for _, c := range cs {
			v := collectionView(c)
			v.CustomerName = names[c.CustomerID]
			out.Items = append(out.Items, v)
			if c.State != "voided" && c.Amount.Currency == company.Currency {
				out.Total.Minor += c.Amount.Minor
				out.Count++
			}
		}
		return nil
	})
	// The live feed goes on from the newest listed (the same filter
	// applies), or from now when none is.
	out.LatestAt = store.Stamp(a.now())
	if q.AfterAt == "" && len(out.Items) > 0 {
		out.LatestAt, out.LatestID = store.Stamp(out.Items[0].RecordedAt), out.Items[0].ID
	} else if n := len(out.Items); n > 0 {
		out.LatestAt, out.LatestID = store.Stamp(out.Items[n-1].RecordedAt), out.Items[n-1].ID
	}
	return out, err
}

// Stamp writes a time as storage does, for a feed's cursor.
func Stamp(t time.Time) string { return store.Stamp(t) }
