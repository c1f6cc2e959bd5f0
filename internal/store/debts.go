package store

import (
	"context"
	"fmt"
	"strings"

	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

// DebtFilter selects open debts (owed documents with something open)
// across customers.
type DebtFilter struct {
	Scope      string // agent scope from auth: "" sees all
	Agent      string
	Zone       string
	Route      string
	Segment    string
	Status     string // pending, overdue, unpaid, disputed
	Bucket     Bucket // aging bucket
	Instrument string
	MinOpen    *int64 // minor units, of the open amount
	MaxOpen    *int64
	DueFrom    civil.Date
	DueTo      civil.Date
	Search     string // what the user typed: see searchCond
}

// GroupKeys are the columns a debt list may be grouped by.
var GroupKeys = map[string]string{
	"agent": "c.agent", "zone": "c.zone", "route": "c.route", "segment": "c.segment",
	"status": "status", "bucket": "bucket", "instrument": "d.instrument", "customer": "c.id",
}

// debtQuery builds the FROM ... WHERE of a debt list, with the status and
// bucket columns rendered from the ledger's rules (rules.go). The status
// and bucket filters are rendered as conditions on the columns too, so
// that the due-date index finds them.
func debtQuery(today civil.Date, f DebtFilter) (string, []any) { return debtQueryJoin(today, f, true) }

// customerFiltered reports whether f filters on customers' columns.
func (f DebtFilter) customerFiltered() bool {
	return f.Scope != "" || f.Agent != "" || f.Zone != "" || f.Route != "" || f.Segment != "" || f.Search != ""
}

// debtQueryJoin is debtQuery, joined to the customers only when join is
// set (a count that neither filters nor groups by them reads the
// documents' index alone).
func debtQueryJoin(today civil.Date, f DebtFilter, join bool) (string, []any) {
	var p params
	inner := ""
	if f.Status != "" {
		inner += " AND " + statusIsSQL("d", today, ledger.Status(f.Status), &p) +
			" AND " + statusDueHintSQL("d", today, ledger.Status(f.Status), &p)
	}
	if f.Bucket != "" {
		inner += " AND " + bucketRangeSQL("d", today, f.Bucket, &p)
	}
	cols := statusSQL("d", today, &p) + ` AS status, ` + bucketSQL("d", today, &p) + ` AS bucket`
	q := `FROM (SELECT d.id, d.customer_id, d.kind, d.number, d.issue_date, d.due_date, d.currency, d.amount_minor,
		d.open_minor, d.instrument, ` + cols + `
		FROM documents d WHERE d.open_minor > 0 AND d.kind <> 'credit_note'` + inner + `) d`
	if join {
		q += ` JOIN customers c ON c.id = d.customer_id`
	}
	q += ` WHERE 1 = 1`
	args := p.args
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	for _, c := range []struct{ col, v string }{{"c.agent", f.Scope}, {"c.agent", f.Agent}, {"c.zone", f.Zone},
		{"c.route", f.Route}, {"c.segment", f.Segment}, {"d.bucket", string(f.Bucket)}, {"d.instrument", f.Instrument}} {
		if c.v != "" {
			add(c.col+" = $%d", c.v)
		}
	}
	if f.MinOpen != nil {
		add("d.open_minor >= $%d", *f.MinOpen)
	}
	if f.MaxOpen != nil {
		add("d.open_minor <= $%d", *f.MaxOpen)
	}
	if !f.DueFrom.IsZero() {
		add("d.due_date >= $%d", f.DueFrom.String())
	}
	if !f.DueTo.IsZero() {
		add("d.due_date <= $%d", f.DueTo.String())
	}
	if f.Search != "" {
		cond, a := searchCond("c.id", f.Search, len(args)+1)
		q += cond
		args = append(args, a...)
	}
	return q, args
}

// Debt is one open debt with its customer.
type Debt struct {
	Document     ledger.Document
	Status       string
	Bucket       Bucket
	CustomerName string
	Agent        string
	Zone         string
	Route        string
	Segment      string
}

// Debts lists open debts by due date (oldest first), after the cursor
// (due date and id of the last one seen).
func (t *Tx) Debts(ctx context.Context, today civil.Date, f DebtFilter, afterDue, afterID string, limit int) ([]Debt, error) {
	from, args := debtQuery(today, f)
	args = append(args, afterDue, afterID, limit)
	n := len(args)
	q := `SELECT d.id, d.customer_id, d.kind, d.number, d.issue_date, d.due_date, d.currency, d.amount_minor, d.open_minor,
		d.instrument, d.status, d.bucket, c.name, c.agent, c.zone, c.route, c.segment ` + from +
		fmt.Sprintf(` AND (d.due_date > $%d OR (d.due_date = $%d AND d.id > $%d)) ORDER BY d.due_date, d.id LIMIT $%d`, n-2, n-2, n-1, n)
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: debts: %w", err)
	}
	defer rows.Close()
	var out []Debt
	for rows.Next() {
		var x Debt
		d := &x.Document
		var kind, issue, due, cur, instr, bucket string
		if err := rows.Scan(&d.ID, &d.CustomerID, &kind, &d.Number, &issue, &due, &cur, &d.Amount, &d.ERPOpen, &instr,
			&x.Status, &bucket, &x.CustomerName, &x.Agent, &x.Zone, &x.Route, &x.Segment); err != nil {
			return nil, fmt.Errorf("store: debts: %w", err)
		}
		// ERPOpen carries the shown open amount here: Pending is zero, so
		// Open() returns it.
		d.Kind, d.Currency, d.Instrument, x.Bucket = ledger.Kind(kind), money.Currency(cur), ledger.Instrument(instr), Bucket(bucket)
		if d.IssueDate, err = civil.Parse(issue); err == nil {
			d.DueDate, err = civil.Parse(due)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// DebtGroup is the total of one group of a debt list, in one currency:
// Open = NotDue + PastDue + Disputed, where PastDue is what counts in the
// overdue figure (ledger.Status.PastDue) and NotDue the rest.
type DebtGroup struct {
	Key      string
	Currency money.Currency
	Count    int64
	Open     int64
	PastDue  int64
	Disputed int64
}

// DebtTotalsCap bounds the documents a debt list's totals count when its
// filter reaches into the documents (status, bucket, instrument, amounts,
// due dates): above it the totals are not computed (DebtGroups reports
// capped). Totals under customer filters alone are sums of the customers'
// figures and have no cap.
const DebtTotalsCap = 2000

// DebtGroupsLimit bounds the groups of a debt list: the largest are kept.
const DebtGroupsLimit = 100

// customerLevel reports whether f filters on customers alone, so that the
// customers' own figures give its totals.
func (f DebtFilter) customerLevel() bool {
	return f.Status == "" && f.Bucket == "" && f.Instrument == "" && f.MinOpen == nil && f.MaxOpen == nil &&
		f.DueFrom.IsZero() && f.DueTo.IsZero()
}

// customerGroups are the groupings the customers' figures can total.
var customerGroups = map[string]bool{"": true, "agent": true, "zone": true, "route": true, "segment": true, "customer": true}

// DebtGroups totals the debts of a filter by group (one of GroupKeys; ""
// for one grand total per currency), largest first, at most limit groups.
// Under customer filters alone it sums the customers' figures (Owed,
// Overdue, Disputed, OpenCount, kept with every change); otherwise it
// counts the matching documents, at most DebtTotalsCap of them, and
// reports capped (and no groups) when there are more.
func (t *Tx) DebtGroups(ctx context.Context, today civil.Date, f DebtFilter, group string, limit int) (groups []DebtGroup, capped bool, err error) {
	col := "''"
	if group != "" {
		var ok bool
		if col, ok = GroupKeys[group]; !ok {
			return nil, false, fmt.Errorf("store: unknown group %q", group)
		}
	}
	var q string
	var args []any
	if f.customerLevel() && customerGroups[group] {
		q = `SELECT ` + col + ` AS g, c.currency, SUM(c.open_count), SUM(c.owed_minor), SUM(c.overdue_minor), SUM(c.disputed_minor)
			FROM customers c WHERE c.owed_minor > 0`
		add := func(cond string, v any) {
			args = append(args, v)
			q += fmt.Sprintf(" AND "+cond, len(args))
		}
		for _, c := range []struct{ col, v string }{{"c.agent", f.Scope}, {"c.agent", f.Agent}, {"c.zone", f.Zone},
			{"c.route", f.Route}, {"c.segment", f.Segment}} {
			if c.v != "" {
				add(c.col+" = $%d", c.v)
			}
		}
		if f.Search != "" {
			cond, a := searchCond("c.id", f.Search, len(args)+1)
			q += cond
			args = append(args, a...)
		}
		groupBy := col + `, c.currency`
		if group == "" {
			groupBy = `c.currency` // PostgreSQL refuses a constant in GROUP BY
		}
		q += ` GROUP BY ` + groupBy
	} else {
		if !strings.Contains(col, ".") && col != "''" {
			col = "d." + col
		}
		var from string
		from, args = debtQueryJoin(today, f, f.customerFiltered() || strings.HasPrefix(col, "c."))
		args = append(args, DebtTotalsCap+1)
		key, groupBy := `x.g`, `x.g, x.currency`
		if group == "" {
			key, groupBy = `''`, `x.currency`
		}
		q = `SELECT ` + key + `, x.currency, COUNT(*), SUM(x.open_minor),
			SUM(CASE WHEN ` + statusInSQL("x.status", ledger.Status.PastDue) + ` THEN x.open_minor ELSE 0 END),
			SUM(CASE WHEN ` + statusInSQL("x.status", func(s ledger.Status) bool { return s == ledger.Disputed }) + ` THEN x.open_minor ELSE 0 END)
			FROM (SELECT ` + col + ` AS g, d.currency, d.open_minor, d.status ` + from +
			fmt.Sprintf(` LIMIT $%d) x GROUP BY `, len(args)) + groupBy // any DebtTotalsCap+1 rows tell it is capped
	}
	args = append(args, limit+1)
	q += fmt.Sprintf(` ORDER BY 4 DESC, 1 LIMIT $%d`, len(args))
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("store: debt groups: %w", err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var g DebtGroup
		var cur string
		if err := rows.Scan(&g.Key, &cur, &g.Count, &g.Open, &g.PastDue, &g.Disputed); err != nil {
			return nil, false, err
		}
		g.Currency = money.Currency(cur)
		n += g.Count
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if !f.customerLevel() || !customerGroups[group] {
		if n > DebtTotalsCap {
			return nil, true, nil
		}
	}
	return groups, false, nil
}
