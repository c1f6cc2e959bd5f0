package app

import (
	"context"
	"slices"
	"strconv"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/money"
	"cobro/internal/store"
)

// DSOWindowDays is the period of credit sales DSO is measured against.
const DSOWindowDays = 90

// DSOFormula is how DSO is computed, shown beside it.
const DSOFormula = "DSO = open receivables ÷ credit sales of the last 90 days × 90"

// AgingBucket is one bucket of the aging table.
type AgingBucket struct {
	Bucket string       `json:"bucket"`
	Amount money.Amount `json:"amount"`
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

// CurrencyReport is the management figures of one currency.
type CurrencyReport struct {
	Currency    money.Currency `json:"currency"`
	Open        money.Amount   `json:"total_open"`
	Overdue     money.Amount   `json:"overdue"`
	Aging       []AgingBucket  `json:"aging"`
	CreditSales money.Amount   `json:"credit_sales_90d"`
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
		raw, err = tx.Summary(ctx, today, actor.AgentScope())
		return err
	})
	if err != nil {
		return Summary{}, err
	}
	out := Summary{AsOf: today, DSOFormula: DSOFormula, Currencies: []CurrencyReport{}}
	for cur, s := range raw {
		r := CurrencyReport{Currency: cur, Open: money.New(s.Open, cur), Overdue: money.New(s.Overdue, cur),
			CreditSales: money.New(s.CreditSales, cur), Customers: s.Customers}
		for _, b := range store.Buckets {
			r.Aging = append(r.Aging, AgingBucket{Bucket: string(b), Amount: money.New(s.Aging[b], cur)})
		}
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
