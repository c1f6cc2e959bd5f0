package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/credit"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// FactorView is one factor of a rating, in words.
type FactorView struct {
	Code    string `json:"code"`
	Value   int64  `json:"value"`
	Points  int    `json:"points"`
	Message string `json:"message"`
}

// RatingView is a customer's rating (credit.Rate) with its factors in
// words.
type RatingView struct {
	CustomerID string       `json:"customer_id"`
	Grade      credit.Grade `json:"grade"`
	Points     int          `json:"points"`
	Summary    string       `json:"summary"`
	AsOf       civil.Date   `json:"as_of"`
	// Paid invoices in the last 12 months, how many were paid late, and
	// the days late summed (the average is DaysLate / Paid).
	Paid     int          `json:"paid"`
	PaidLate int          `json:"paid_late"`
	DaysLate int64        `json:"days_late"`
	Factors  []FactorView `json:"factors"`
}

// tenths writes a value in tenths ("15.5", "15,5" in Spanish).
func tenths(lang i18n.Lang, v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	sep := "."
	if lang == i18n.Spanish {
		sep = ","
	}
	return fmt.Sprintf("%s%d%s%d", sign, v/10, sep, v%10)
}

// FactorMessage words a rating's factor in lang.
func FactorMessage(lang i18n.Lang, f credit.Factor) string {
	key := "rating.factor." + f.Code
	switch f.Code {
	case credit.FactorAvgLate, credit.FactorWeightedLate:
		return i18n.T(lang, key, "days", tenths(lang, f.Value))
	case credit.FactorLateShare:
		return i18n.T(lang, key, "share", tenths(lang, f.Value/10))
	case credit.FactorTrend:
		switch {
		case f.Points > 0:
			key += ".worse"
		case f.Points < 0:
			key += ".better"
		}
		return i18n.T(lang, key, "days", tenths(lang, max(f.Value, -f.Value)))
	}
	return i18n.T(lang, key, "count", f.Value)
}

// ratingView words r in lang.
func ratingView(lang i18n.Lang, customerID string, r credit.Rating) RatingView {
	v := RatingView{CustomerID: customerID, Grade: r.Grade, Points: r.Points, AsOf: r.AsOf,
		Summary: i18n.T(lang, "rating.grade."+string(r.Grade)),
		Paid:    r.Paid, PaidLate: r.PaidLate, DaysLate: r.DaysLate, Factors: make([]FactorView, len(r.Factors))}
	for i, f := range r.Factors {
		v.Factors[i] = FactorView{Code: f.Code, Value: f.Value, Points: f.Points, Message: FactorMessage(lang, f)}
	}
	return v
}

// rate computes a customer's rating from the ledger on day today.
func rate(ctx context.Context, tx *store.Tx, customerID string, today civil.Date) (credit.Rating, error) {
	docs, err := tx.RatingDocuments(ctx, customerID, today)
	if err != nil {
		return credit.Rating{}, err
	}
	return credit.Rate(docs, today), nil
}

// CustomerRating computes a customer's rating now, from its documents,
// for those who may see the customer.
func (a *App) CustomerRating(ctx context.Context, actor auth.Actor, lang i18n.Lang, customerID string) (RatingView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return RatingView{}, err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return RatingView{}, err
	}
	var v RatingView
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := a.visibleAccount(ctx, tx, actor, customerID, false); err != nil {
			return err
		}
		r, err := rate(ctx, tx, customerID, today)
		v = ratingView(lang, customerID, r)
		return err
	})
	return v, err
}

// ratingBatch is how many customers one transaction rates.
const ratingBatch = 200

// RateCustomers recomputes and stores the ratings of the customers ids
// (those that do not exist are skipped).
func (a *App) RateCustomers(ctx context.Context, ids []string) error {
	today, err := a.Today(ctx)
	if err != nil {
		return err
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	now := a.now()
	for rest := ids; len(rest) > 0; {
		n := min(len(rest), ratingBatch)
		err := a.db.Write(ctx, func(tx *store.Tx) error {
			var fx ledger.Effects
			for _, id := range rest[:n] {
				acc, err := tx.Account(ctx, id, false)
				if errors.Is(err, store.ErrNotFound) {
					continue
				} else if err != nil {
					return err
				}
				r, err := rate(ctx, tx, id, today)
				if err != nil {
					return err
				}
				old, err := tx.StoredRating(ctx, id)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
				// A rating that worsens is news for the agent and the office
				// (a first rating is not a drop).
				if err == nil && old.Grade != "" && r.Grade > old.Grade {
					fx.Alerts = append(fx.Alerts, ledger.Alert{Kind: ledger.TopicRatingDropped, CustomerID: id, Agent: acc.Customer.Agent,
						Entity: "customer", EntityID: id, Detail: map[string]any{"from": string(old.Grade), "to": string(r.Grade)}})
				}
				if err := tx.SaveRating(ctx, id, r, now); err != nil {
					return err
				}
			}
			return a.apply(ctx, tx, origin{actor: "system", source: "rating"}, fx)
		})
		if err != nil {
			return fmt.Errorf("rate customers: %w", err)
		}
		rest = rest[n:]
	}
	return nil
}

// RateAll recomputes every customer's rating (the daily ratings job), a
// page of customers at a time, and reports how many it rated.
func (a *App) RateAll(ctx context.Context) (int, error) {
	done, after := 0, ""
	for {
		var page []string
		err := a.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			page, err = tx.CustomerIDsAfter(ctx, after, ratingBatch)
			return err
		})
		if err != nil || len(page) == 0 {
			return done, err
		}
		if err := a.RateCustomers(ctx, page); err != nil {
			return done, err
		}
		done += len(page)
		after = page[len(page)-1]
	}
}

// StoredRating is a customer's rating as last stored (ErrNotFound before
// the first), for those who may see the customer.
func (a *App) StoredRating(ctx context.Context, actor auth.Actor, lang i18n.Lang, customerID string) (RatingView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return RatingView{}, err
	}
	var v RatingView
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := a.visibleAccount(ctx, tx, actor, customerID, false); err != nil {
			return err
		}
		r, err := tx.StoredRating(ctx, customerID)
		v = ratingView(lang, customerID, r)
		return err
	})
	return v, err
}

// touched is the set of customers whose facts an import changed, to rate
// again once it is done.
type touched map[string]bool

func (t touched) ids() []string { return slices.Sorted(maps.Keys(t)) }

// touch marks a customer whose facts the import changed.
func (im *importer) touch(customerID string) {
	if im.rated == nil {
		im.rated = touched{}
	}
	im.rated[customerID] = true
}

// rate rates again the customers the import changed, after it is applied.
func (im *importer) rate(ctx context.Context) error {
	if len(im.rated) == 0 {
		return nil
	}
	return im.a.RateCustomers(ctx, im.rated.ids())
}
