package store

import (
	"context"
	"fmt"

	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

// CurrencySummary is the management figures of one currency. They foot:
// Open = Σ Aging − CreditNotes, and Overdue = Σ Aging of the past-due
// buckets − Σ AgingDisputed of the same buckets (ledger.ReturnedMinDays).
type CurrencySummary struct {
	Currency money.Currency
	// Open is owed documents' open amounts minus open credit notes.
	Open int64
	// Overdue is the open amount of past-due documents not in dispute.
	Overdue int64
	// Disputed is the open amount of owed documents in dispute (in Aging).
	Disputed int64
	// CreditNotes is the open amount of credit notes, positive.
	CreditNotes int64
	// Aging is owed documents' open amounts by bucket, disputed included;
	// AgingDisputed is the disputed part of each.
	Aging         map[Bucket]int64
	AgingDisputed map[Bucket]int64
	// CreditSales is the amount of invoices issued in the sales window.
	CreditSales int64
	Customers   int64
}

// Summary computes the management figures per currency on day today, for
// the customers of agent scope ("" for all), with the credit sales of
// invoices issued from salesFrom to today.
func (t *Tx) Summary(ctx context.Context, today, salesFrom civil.Date, scope string) (map[money.Currency]*CurrencySummary, error) {
	out := map[money.Currency]*CurrencySummary{}
	get := func(c string) *CurrencySummary {
		cur := money.Currency(c)
		if out[cur] == nil {
			out[cur] = &CurrencySummary{Currency: cur, Aging: map[Bucket]int64{}, AgingDisputed: map[Bucket]int64{}}
		}
		return out[cur]
	}
	var p params
	cols := statusSQL("d", today, &p) + ` AS status, ` + bucketSQL("d", today, &p) + ` AS bucket`
	scopeSQL := ""
	if scope != "" {
		scopeSQL = ` AND d.customer_id IN (SELECT id FROM customers WHERE agent = ` + p.add(scope) + `)`
	}
	rows, err := t.query(ctx, `SELECT d.currency, d.kind, d.status, d.bucket, SUM(d.open_minor)
		FROM (SELECT d.currency, d.kind, d.open_minor, `+cols+` FROM documents d WHERE d.open_minor > 0`+scopeSQL+`) d
		GROUP BY d.currency, d.kind, d.status, d.bucket`, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: aging: %w", err)
	}
	for rows.Next() {
		var cur, kind, status, bucket string
		var sum int64
		if err := rows.Scan(&cur, &kind, &status, &bucket, &sum); err != nil {
			rows.Close()
			return nil, err
		}
		s := get(cur)
		if !ledger.Kind(kind).Owed() {
			s.CreditNotes += sum
			s.Open -= sum
			continue
		}
		b, st := Bucket(bucket), ledger.Status(status)
		s.Aging[b] += sum
		s.Open += sum
		switch {
		case st == ledger.Disputed:
			s.Disputed += sum
			s.AgingDisputed[b] += sum
		case st.PastDue():
			s.Overdue += sum
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	p = params{}
	q := `SELECT d.currency, SUM(d.amount_minor) FROM documents d WHERE d.kind = '` + string(ledger.Invoice) + `'
		AND d.issue_date >= ` + p.add(salesFrom.String()) + ` AND d.issue_date <= ` + p.add(today.String())
	if scope != "" {
		q += ` AND d.customer_id IN (SELECT id FROM customers WHERE agent = ` + p.add(scope) + `)`
	}
	rows, err = t.query(ctx, q+` GROUP BY d.currency`, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: credit sales: %w", err)
	}
	for rows.Next() {
		var cur string
		var sales int64
		if err := rows.Scan(&cur, &sales); err != nil {
			rows.Close()
			return nil, err
		}
		get(cur).CreditSales += sales
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	q = `SELECT currency, COUNT(*) FROM customers WHERE open_count > 0`
	var cargs []any
	if scope != "" {
		q += ` AND agent = $1`
		cargs = append(cargs, scope)
	}
	rows, err = t.query(ctx, q+` GROUP BY currency`, cargs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var cur string
		var n int64
		if err := rows.Scan(&cur, &n); err != nil {
			return nil, err
		}
		get(cur).Customers = n
	}
	return out, rows.Err()
}

// OldestOverdue returns, for each of these customers that has one, the due
// date of its oldest overdue or unpaid document not in dispute: how long
// the customer has been late. A returned item counts from its own due date.
func (t *Tx) OldestOverdue(ctx context.Context, ids []string, today civil.Date) (map[string]civil.Date, error) {
	out := map[string]civil.Date{}
	var p params
	q := `SELECT MIN(d.due_date) FROM documents d WHERE d.customer_id = ` + p.add("") + ` AND d.open_minor > 0
		AND d.due_date < ` + p.add(today.String()) + ` AND ` + pastDueSQL("d", today, &p)
	for _, id := range ids {
		var due *string
		p.args[0] = id
		err := t.queryRow(ctx, q, p.args...).Scan(&due)
		if err != nil {
			return nil, fmt.Errorf("store: oldest overdue of %q: %w", id, err)
		}
		if due == nil {
			continue
		}
		d, err := civil.Parse(*due)
		if err != nil {
			return nil, fmt.Errorf("store: oldest overdue of %q: %w", id, err)
		}
		out[id] = d
	}
	return out, nil
}
