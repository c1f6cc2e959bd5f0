package app

import (
	"context"
	"slices"
	"strconv"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// DSOWindowDays is the period of credit sales DSO is measured against:
// the invoices issued in the 90 days ending today, today included (from
// today−89 to today).
const DSOWindowDays = 90

// DSOFormula is how DSO is computed, shown beside it.
const DSOFormula = "DSO = open receivables ÷ credit sales of the last 90 days (today included) × 90"

// AgingBucket is one bucket of the aging table: the open amount of owed
// documents aged in it, and the part of that in dispute.
type AgingBucket struct {
	Bucket   string       `json:"bucket"`
	Amount   money.Amount `json:"amount"`
	Disputed money.Amount `json:"disputed"`
}

// Days is a number of days with one decimal, exact: tenths of a day.
type Days int64

// MarshalJSON writes tenths as a decimal number: 453 → 45.3.
func (d Days) MarshalJSON() ([]byte, error) {
	sign, n := "", int64(d)
	if n < 0 {
		sign, n = "-", -n
	}
	return []byte(sign + strconv.FormatInt(n/10, 10) + "." + strconv.FormatInt(n%10, 10)), nil
}

func (d Days) String() string { b, _ := d.MarshalJSON(); return string(b) }

// CurrencyReport is the management figures of one currency. They foot:
// Open = Σ Aging − CreditNotes; Overdue = PastDue − DisputedPastDue, where
// PastDue is Σ Aging of every bucket but "current" and DisputedPastDue the
// disputed part of those buckets; Disputed = Σ Aging's disputed.
type CurrencyReport struct {
	Currency        money.Currency `json:"currency"`
	Open            money.Amount   `json:"total_open"`
	Overdue         money.Amount   `json:"overdue"`
	Disputed        money.Amount   `json:"disputed"`
	CreditNotes     money.Amount   `json:"credit_notes"`
	Owed            money.Amount   `json:"owed"`
	PastDue         money.Amount   `json:"past_due"`
	DisputedPastDue money.Amount   `json:"disputed_past_due"`
	Aging           []AgingBucket  `json:"aging"`
	CreditSales     money.Amount   `json:"credit_sales_90d"`
	// DSO is null when there were no credit sales in the window.
	DSO       *Days `json:"dso_days"`
	Customers int64 `json:"customers_with_open_items"`
}

// Summary is the management summary: one entry per currency, never summed
// across currencies.
type Summary struct {
	AsOf       civil.Date       `json:"as_of"`
	DSOFormula string           `json:"dso_formula"`
	Currencies []CurrencyReport `json:"currencies"`
}

// Summary computes the management figures for the customers the actor sees.
func (a *App) Summary(ctx context.Context, actor auth.Actor) (Summary, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return Summary{}, err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return Summary{}, err
	}
	var raw map[money.Currency]*store.CurrencySummary
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		raw, err = tx.Summary(ctx, today, today.AddDays(-(DSOWindowDays - 1)), actor.AgentScope())
		return err
	})
	if err != nil {
		return Summary{}, err
	}
	out := Summary{AsOf: today, DSOFormula: DSOFormula, Currencies: []CurrencyReport{}}
	for cur, s := range raw {
		r := CurrencyReport{Currency: cur, Open: money.New(s.Open, cur), Overdue: money.New(s.Overdue, cur),
			Disputed: money.New(s.Disputed, cur), CreditNotes: money.New(s.CreditNotes, cur),
			CreditSales: money.New(s.CreditSales, cur), Customers: s.Customers}
		var owed, pastDue, disputedPastDue int64
		for _, b := range ledger.Buckets {
			r.Aging = append(r.Aging, AgingBucket{Bucket: string(b), Amount: money.New(s.Aging[b], cur),
				Disputed: money.New(s.AgingDisputed[b], cur)})
			owed += s.Aging[b]
			if b != ledger.BucketCurrent {
				pastDue += s.Aging[b]
				disputedPastDue += s.AgingDisputed[b]
			}
		}
		r.Owed, r.PastDue, r.DisputedPastDue = money.New(owed, cur), money.New(pastDue, cur), money.New(disputedPastDue, cur)
		if s.CreditSales > 0 {
			// tenths of a day, rounded half up: open/sales*90*10
			d := Days((s.Open*DSOWindowDays*10*2 + s.CreditSales) / (2 * s.CreditSales))
			r.DSO = &d
		}
		out.Currencies = append(out.Currencies, r)
	}
	slices.SortFunc(out.Currencies, func(x, y CurrencyReport) int {
		if x.Currency < y.Currency {
			return -1
		}
		return 1
	})
	return out, nil
}
