package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

// Company reads the company profile and the day the stored figures are
// computed for. ErrNotFound means the database has no company yet.
// With share, the row is held against a concurrent calendar refresh until
// the transaction ends, so figures deltas are computed for the right day.
func (t *Tx) Company(ctx context.Context, share bool) (ledger.Company, civil.Date, error) {
	q := `SELECT name, tax_id, address, currency, time_zone, language, how_to_pay_en, how_to_pay_es, figures_as_of,
		settlement_tolerance_minor FROM company WHERE id = 1`
	if share {
		if err := t.holdDay(ctx, false); err != nil {
			return ledger.Company{}, civil.Date{}, err
		}
	}
	var c ledger.Company
	var cur, asOf string
	err := t.queryRow(ctx, q).Scan(&c.Name, &c.TaxID, &c.Address, &cur, &c.TimeZone, &c.Language, &c.HowToPayEN, &c.HowToPayES, &asOf,
		&c.SettlementTolerance.Minor)
	if errors.Is(err, sql.ErrNoRows) {
		return c, civil.Date{}, ErrNotFound
	}
	if err != nil {
		return c, civil.Date{}, fmt.Errorf("store: company: %w", err)
	}
	c.Currency = money.Currency(cur)
	c.SettlementTolerance.Currency = c.Currency
	d, err := civil.Parse(asOf)
	if err != nil {
		return c, civil.Date{}, fmt.Errorf("store: company figures_as_of: %w", err)
	}
	return c, d, nil
}

// SaveCompany creates or updates the company profile. asOf is only used
// when the company is created.
func (t *Tx) SaveCompany(ctx context.Context, c ledger.Company, asOf civil.Date) error {
	if err := t.holdDay(ctx, true); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO company (id, name, tax_id, address, currency, time_zone, language, how_to_pay_en, how_to_pay_es, figures_as_of,
			settlement_tolerance_minor)
		VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, tax_id = excluded.tax_id, address = excluded.address,
			currency = excluded.currency, time_zone = excluded.time_zone, language = excluded.language,
			how_to_pay_en = excluded.how_to_pay_en, how_to_pay_es = excluded.how_to_pay_es,
			settlement_tolerance_minor = excluded.settlement_tolerance_minor`,
		c.Name, c.TaxID, c.Address, string(c.Currency), c.TimeZone, c.Language, c.HowToPayEN, c.HowToPayES, asOf.String(),
		c.SettlementTolerance.Minor)
	if err != nil {
		return fmt.Errorf("store: save company: %w", err)
	}
	return nil
}

// LockCalendar takes the company row for a calendar refresh: it waits for
// every write that computed figures for the old day, and returns that day.
func (t *Tx) LockCalendar(ctx context.Context) (civil.Date, error) {
	if err := t.holdDay(ctx, true); err != nil {
		return civil.Date{}, err
	}
	var asOf string
	if err := t.queryRow(ctx, `SELECT figures_as_of FROM company WHERE id = 1`+t.d.forUpdate()).Scan(&asOf); err != nil {
		return civil.Date{}, fmt.Errorf("store: lock calendar: %w", err)
	}
	return civil.Parse(asOf)
}

// holdDay holds the company's day for the transaction (see
// dialect.holdDay).
func (t *Tx) holdDay(ctx context.Context, exclusive bool) error {
	q := t.d.holdDay(exclusive)
	if q == "" {
		return nil
	}
	if _, err := t.exec(ctx, q); err != nil {
		return fmt.Errorf("store: hold the day: %w", err)
	}
	return nil
}

// SetFiguresAsOf records the day the stored figures are now computed for.
func (t *Tx) SetFiguresAsOf(ctx context.Context, d civil.Date) error {
	_, err := t.exec(ctx, `UPDATE company SET figures_as_of = $1 WHERE id = 1`, d.String())
	return err
}
