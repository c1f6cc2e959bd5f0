package store

import (
	"context"
	"time"

	"cobro/internal/ledger"
)

// InstrumentSum is a count and sum of collections of one instrument.
type InstrumentSum struct {
	Instrument ledger.Instrument
	Count      int64
	Amount     int64
}

// FieldTotals are what an agent's dashboard leads with.
type FieldTotals struct {
	Overdue        int64 // across the agent's customers in the currency
	CollectedToday InstrumentSum
	// NotHandedIn: collected and not voided, in no verified settlement yet.
	NotHandedIn []InstrumentSum
}

// AgentFieldTotals reads an agent's totals in currency cur; today is
// [dayStart, dayEnd) in the company's time zone.
func (t *Tx) AgentFieldTotals(ctx context.Context, agent, cur string, dayStart, dayEnd time.Time) (FieldTotals, error) {
	var f FieldTotals
	if err := t.queryRow(ctx, `SELECT COALESCE(SUM(overdue_minor), 0) FROM customers WHERE agent = $1 AND currency = $2`,
		agent, cur).Scan(&f.Overdue); err != nil {
		return f, err
	}
	if err := t.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(amount_minor), 0) FROM collections WHERE agent = $1 AND currency = $2
		AND state <> 'voided' AND collected_at >= $3 AND collected_at < $4`, agent, cur, Stamp(dayStart), Stamp(dayEnd)).
		Scan(&f.CollectedToday.Count, &f.CollectedToday.Amount); err != nil {
		return f, err
	}
	rows, err := t.query(ctx, `SELECT instrument, COUNT(*), SUM(amount_minor) FROM collections c WHERE c.agent = $1 AND c.currency = $2
		AND c.state <> 'voided' AND NOT EXISTS (SELECT 1 FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_id
			WHERE l.collection_id = c.id AND l.correction = 0 AND s.state = 'verified')
		GROUP BY instrument ORDER BY instrument`, agent, cur)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		var s InstrumentSum
		var in string
		if err := rows.Scan(&in, &s.Count, &s.Amount); err != nil {
			return f, err
		}
		s.Instrument = ledger.Instrument(in)
		f.NotHandedIn = append(f.NotHandedIn, s)
	}
	return f, rows.Err()
}
