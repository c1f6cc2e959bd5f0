package store

import (
	"context"
	"fmt"

	"cobro/internal/civil"
	"cobro/internal/money"
)

// Bucket is an aging bucket by days overdue.
type Bucket string

// The aging buckets, in order.
const (
	BucketCurrent Bucket = "current"
	Bucket1to30   Bucket = "1-30"
	Bucket31to60  Bucket = "31-60"
	Bucket61to90  Bucket = "61-90"
	Bucket91to180 Bucket = "91-180"
	BucketOver180 Bucket = "180+"
)

// Buckets lists the aging buckets in order.
var Buckets = []Bucket{BucketCurrent, Bucket1to30, Bucket31to60, Bucket61to90, Bucket91to180, BucketOver180}

// bucketCase is a SQL CASE giving a document's aging bucket from its due
// date, with the bucket boundaries as parameters $1..$5 (dates, so the
// expression is the same on both databases).
const bucketCase = `CASE WHEN d.due_date >= $1 THEN 'current' WHEN d.due_date >= $2 THEN '1-30'
	WHEN d.due_date >= $3 THEN '31-60' WHEN d.due_date >= $4 THEN '61-90' WHEN d.due_date >= $5 THEN '91-180' ELSE '180+' END`

// bucketArgs are the boundaries of bucketCase for day today: a document due
// today is current; due yesterday is 1 day overdue.
func bucketArgs(today civil.Date) []any {
	return []any{today.String(), today.AddDays(-30).String(), today.AddDays(-60).String(),
		today.AddDays(-90).String(), today.AddDays(-180).String()}
}

// CurrencySummary is the management figures of one currency.
type CurrencySummary struct {
	Currency money.Currency
	// Open is owed documents' open amounts minus open credit notes.
	Open    int64
	Overdue int64
	Aging   map[Bucket]int64 // open owed amounts by days overdue
	// CreditSales is the amount of invoices issued in the last 90 days.
	CreditSales int64
	Customers   int64
}

// Summary computes the management figures per currency on day today, for
// the customers of agent scope ("" for all).
func (t *Tx) Summary(ctx context.Context, today civil.Date, scope string) (map[money.Currency]*CurrencySummary, error) {
	out := map[money.Currency]*CurrencySummary{}
	get := func(c string) *CurrencySummary {
		cur := money.Currency(c)
		if out[cur] == nil {
			out[cur] = &CurrencySummary{Currency: cur, Aging: map[Bucket]int64{}}
		}
		return out[cur]
	}
	scopeSQL, args := "", bucketArgs(today)
	if scope != "" {
		args = append(args, scope)
		scopeSQL = fmt.Sprintf(` AND d.customer_id IN (SELECT id FROM customers WHERE agent = $%d)`, len(args))
	}
	rows, err := t.query(ctx, `SELECT d.currency, `+bucketCase+` AS bucket, SUM(d.open_minor)
		FROM documents d WHERE d.open_minor > 0 AND d.kind <> 'credit_note'`+scopeSQL+` GROUP BY d.currency, bucket`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: aging: %w", err)
	}
	for rows.Next() {
		var cur, bucket string
		var sum int64
		if err := rows.Scan(&cur, &bucket, &sum); err != nil {
			rows.Close()
			return nil, err
		}
		s := get(cur)
		s.Aging[Bucket(bucket)] += sum
		s.Open += sum
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Credit notes reduce what is open; returned items are overdue from day one.
	args2 := []any{today.String(), today.AddDays(-90).String()}
	scope2 := ""
	if scope != "" {
		args2 = append(args2, scope)
		scope2 = ` AND d.customer_id IN (SELECT id FROM customers WHERE agent = $3)`
	}
	rows, err = t.query(ctx, `SELECT d.currency,
		SUM(CASE WHEN d.kind = 'credit_note' THEN d.open_minor ELSE 0 END),
		SUM(CASE WHEN d.kind <> 'credit_note' AND d.disputed = 0 AND (d.kind = 'returned' OR d.due_date < $1) THEN d.open_minor ELSE 0 END),
		SUM(CASE WHEN d.kind = 'invoice' AND d.issue_date >= $2 THEN d.amount_minor ELSE 0 END)
		FROM documents d WHERE (d.open_minor > 0 OR d.issue_date >= $2)`+scope2+` GROUP BY d.currency`, args2...)
	if err != nil {
		return nil, fmt.Errorf("store: summary: %w", err)
	}
	for rows.Next() {
		var cur string
		var credit, overdue, sales int64
		if err := rows.Scan(&cur, &credit, &overdue, &sales); err != nil {
			rows.Close()
			return nil, err
		}
		s := get(cur)
		s.Open -= credit
		s.Overdue += overdue
		s.CreditSales += sales
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	q := `SELECT currency, COUNT(*) FROM customers WHERE open_count > 0`
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
	for _, id := range ids {
		var due *string
		err := t.queryRow(ctx, `SELECT MIN(due_date) FROM documents WHERE customer_id = $1 AND due_date < $2
			AND open_minor > 0 AND disputed = 0 AND kind IN ('invoice', 'returned')`, id, today.String()).Scan(&due)
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
