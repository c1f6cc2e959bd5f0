package store

import (
	"fmt"
	"strings"

	"cobro/internal/civil"
	"cobro/internal/ledger"
)

// The SQL of the domain's rules, rendered from their one definition in
// package ledger (StatusPrecedence, Aging, Status.PastDue, OverLimit): the
// store only knows how each atomic condition reads in terms of its
// columns. TestRulesSQLMatchLedger shows both agree on both databases.

// Bucket is an aging bucket (ledger.Bucket).
type Bucket = ledger.Bucket

// Buckets lists the aging buckets in order (ledger.Buckets).
var Buckets = ledger.Buckets

// params numbers the arguments of a statement as its SQL is built.
type params struct{ args []any }

// add appends v and returns its placeholder.
func (p *params) add(v any) string {
	p.args = append(p.args, v)
	return fmt.Sprintf("$%d", len(p.args))
}

// conditionSQL is c on the documents row alias d, with today's placeholder.
func conditionSQL(c ledger.Condition, d, today string) string {
	switch c {
	case ledger.IsClosed:
		return d + ".open_minor = 0"
	case ledger.IsDisputed:
		return d + ".disputed = 1"
	case ledger.IsReturned:
		return d + ".kind = '" + string(ledger.Returned) + "'"
	case ledger.IsInvoicePastDue:
		return "(" + d + ".kind = '" + string(ledger.Invoice) + "' AND " + d + ".due_date < " + today + ")"
	case ledger.Always:
		return ""
	}
	panic(fmt.Sprintf("store: no SQL for ledger condition %d", c))
}

// statusSQL is a CASE giving the status of documents row d on day today,
// by ledger.StatusPrecedence.
func statusSQL(d string, today civil.Date, p *params) string {
	t := p.add(today.String())
	var b strings.Builder
	b.WriteString("CASE")
	for _, r := range ledger.StatusPrecedence {
		cond := conditionSQL(r.When, d, t)
		if cond == "" {
			fmt.Fprintf(&b, " ELSE '%s'", r.Status)
			break
		}
		fmt.Fprintf(&b, " WHEN %s THEN '%s'", cond, r.Status)
	}
	b.WriteString(" END")
	return b.String()
}

// statusInSQL is a condition: the status column col is one of the
// statuses for which keep holds.
func statusInSQL(col string, keep func(ledger.Status) bool) string {
	var in []string
	for _, s := range ledger.Statuses() {
		if keep(s) {
			in = append(in, "'"+string(s)+"'")
		}
	}
	return col + " IN (" + strings.Join(in, ", ") + ")"
}

// statusIsSQL is a condition: documents row d has status s on day today,
// by ledger.StatusPrecedence: s's condition holds and no earlier one does.
// Unlike comparing statusSQL, it leaves the planner the columns (a due
// date range for overdue).
func statusIsSQL(d string, today civil.Date, s ledger.Status, p *params) string {
	// today's placeholder is numbered only if a condition uses it: an
	// unused parameter has no type for PostgreSQL.
	const mark = "\x00today"
	var conds []string
	for _, r := range ledger.StatusPrecedence {
		cond := conditionSQL(r.When, d, mark)
		if r.Status == s {
			if cond != "" {
				conds = append(conds, cond)
			}
			if len(conds) == 0 {
				return "1 = 1"
			}
			out := "(" + strings.Join(conds, " AND ") + ")"
			if strings.Contains(out, mark) {
				out = strings.ReplaceAll(out, mark, p.add(today.String()))
			}
			return out
		}
		conds = append(conds, "NOT ("+cond+")")
	}
	return "1 = 0" // not a status
}

// statusDueHintSQL is a condition on the due date of owed documents row d
// that every owed document of status s holds on day today, found by
// evaluating ledger.StateAsOf on owed documents of every kind, dispute and
// side of today (pending: due today or later); "1 = 1" when the status
// occurs on both sides. It lets the due-date index find the documents.
func statusDueHintSQL(d string, today civil.Date, s ledger.Status, p *params) string {
	var before, after bool
	for _, k := range []ledger.Kind{ledger.Invoice, ledger.Returned} {
		for _, disputed := range []bool{false, true} {
			for _, off := range []int{-30, -1, 0, 1, 30} {
				doc := ledger.Document{Kind: k, Disputed: disputed, DueDate: today.AddDays(off), Amount: 1, ERPOpen: 1}
				if doc.StateAsOf(today).Status == s {
					before, after = before || off < 0, after || off >= 0
				}
			}
		}
	}
	switch {
	case before && !after:
		return d + ".due_date < " + p.add(today.String())
	case after && !before:
		return d + ".due_date >= " + p.add(today.String())
	}
	return "1 = 1"
}

// bucketRangeSQL is a condition on documents row d's due date that every
// document of bucket b holds on day today (a superset: returned items
// younger than ReturnedMinDays age into the second bucket), for an index
// to find them; the exact test is bucketSQL.
func bucketRangeSQL(d string, today civil.Date, b ledger.Bucket, p *params) string {
	var conds []string
	prev := -1
	for _, x := range ledger.Aging {
		if x.Bucket == b {
			if x.MaxDays >= 0 {
				conds = append(conds, d+".due_date >= "+p.add(today.AddDays(-x.MaxDays).String()))
			}
			if prev >= ledger.ReturnedMinDays {
				conds = append(conds, d+".due_date < "+p.add(today.AddDays(-prev).String()))
			}
			if len(conds) == 0 {
				return "1 = 1"
			}
			return strings.Join(conds, " AND ")
		}
		prev = x.MaxDays
	}
	return "1 = 0" // not a bucket
}

// pastDueSQL is a condition: the status of documents row d on day today
// counts in the overdue figure (ledger.Status.PastDue).
func pastDueSQL(d string, today civil.Date, p *params) string {
	return statusInSQL("("+statusSQL(d, today, p)+")", ledger.Status.PastDue)
}

// bucketSQL is a CASE giving the aging bucket of documents row d on day
// today, by ledger.Aging and ledger.Document.AgingDays: a bucket holding
// up to m days past due holds the due dates from today−m, and returned
// items only from ReturnedMinDays.
func bucketSQL(d string, today civil.Date, p *params) string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, x := range ledger.Aging {
		if x.MaxDays < 0 {
			fmt.Fprintf(&b, " ELSE '%s'", x.Bucket)
			break
		}
		cond := d + ".due_date >= " + p.add(today.AddDays(-x.MaxDays).String())
		if x.MaxDays < ledger.ReturnedMinDays {
			cond += " AND " + d + ".kind <> '" + string(ledger.Returned) + "'"
		}
		fmt.Fprintf(&b, " WHEN %s THEN '%s'", cond, x.Bucket)
	}
	b.WriteString(" END")
	return b.String()
}

// overLimitSQL is a condition on customers row c: its whole risk (the
// ledger's and its reservations, Account.Risk) exceeds its credit limit
// (ledger.OverLimit).
func overLimitSQL(c string) string {
	return c + ".credit_limit_minor IS NOT NULL AND " + c + ".risk_minor + " + reservedSQL(c) + " > " + c + ".credit_limit_minor"
}

// reservedSQL is what customers row c's live reservations hold
// (Account.Reserved): a point read of credit_accounts by its key.
func reservedSQL(c string) string {
	return "COALESCE((SELECT ca.reserved_minor FROM credit_accounts ca WHERE ca.customer_id = " + c + ".id), 0)"
}
