package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"slices"

	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

// doc is a generated document as the ERP sees it today.
type doc struct {
	id, number string
	c          *customer
	kind       ledger.Kind
	issue, due civil.Date
	paidOn     civil.Date
	amount     int64 // cents
	open       int64 // cents, open in the ERP
	instrument ledger.Instrument
	disputed   bool
	n          int // order of creation, to number documents stably
}

func (d *doc) owed() bool { return d.kind != ledger.CreditNote }

// feeReturned is the bank's charge on a returned direct debit, passed on.
const feeReturned = 450

// documents writes a year of documents for each customer: invoices paid on
// time or late, an open tail with every age, partial payments, credit notes,
// direct debits returned by the bank and disputes. Numbers follow the issue
// dates, one series per kind and year, as an ERP's do.
func documents(rng *rand.Rand, custs []*customer, today civil.Date) []*doc {
	var out []*doc
	add := func(d *doc) *doc {
		d.n = len(out)
		out = append(out, d)
		return d
	}
	for _, c := range custs {
		seg := c.seg
		typical := int64(seg.invoice[0]*100 + rng.IntN((seg.invoice[1]-seg.invoice[0])*100))
		issued := today.AddDays(-365 + rng.IntN(seg.every[1]))
		for issued.Before(today) {
			in, terms := c.pays, c.terms
			if rng.IntN(100) < 12 { // now and then paid another way
				if in = pickWeighted(rng, seg.pays); in != c.pays {
					terms = termsFor(rng, in)
				}
			}
			amount := typical/2 + rng.Int64N(typical)
			d := add(&doc{c: c, kind: ledger.Invoice, issue: issued, due: issued.AddDays(terms), amount: amount, open: amount, instrument: in})
			paid := d.due.AddDays(lateness(rng, c.payer, in))
			if paid.Before(issued) {
				paid = issued
			}
			switch {
			case in == ledger.DirectDebit && d.due.Before(today):
				// The bank collects on the due date; some come back unpaid.
				d.open, d.paidOn = 0, d.due
				if rng.IntN(100) < [...]int{punctual: 1, late: 10, bad: 30}[c.payer] {
					returned(rng, add, d, today)
				}
			case paid.Before(today) && rng.IntN(1000) < 975:
				d.open, d.paidOn = 0, paid
			default:
				if rng.IntN(100) < 12 { // partly paid
					d.open = amount * int64(25+rng.IntN(50)) / 100
				}
				overdue := d.due.Before(today)
				d.disputed = overdue && rng.IntN(100) < 6 || !overdue && rng.IntN(100) < 1
			}
			if rng.IntN(100) < 3 {
				creditNote(rng, add, d, today)
			}
			issued = issued.AddDays(seg.every[0] + rng.IntN(seg.every[1]-seg.every[0]+1))
		}
	}
	number(out)
	return out
}

// lateness is how many days after the due date a payer pays.
func lateness(rng *rand.Rand, p payer, in ledger.Instrument) int {
	switch {
	case p == punctual && in == ledger.Cash:
		return rng.IntN(10) // at the agent's next visit
	case p == punctual:
		return rng.IntN(9) - 4
	case p == late:
		return 5 + rng.IntN(40)
	}
	return 20 + rng.IntN(220)
}

// returned adds the bank's return of direct debit d, with its fee: unpaid
// when recent or from a bad payer, else paid some weeks later.
func returned(rng *rand.Rand, add func(*doc) *doc, d *doc, today civil.Date) {
	on := d.due.AddDays(2 + rng.IntN(4))
	if !on.Before(today) {
		return
	}
	r := add(&doc{c: d.c, kind: ledger.Returned, issue: on, due: on, amount: d.amount + feeReturned, open: d.amount + feeReturned,
		instrument: ledger.DirectDebit})
	paid := on.AddDays(10 + rng.IntN(40))
	if d.c.payer != bad && on.Before(today.AddDays(-60)) && paid.Before(today) {
		r.open, r.paidOn = 0, paid
	}
}

// creditNote adds a credit note on invoice d (goods returned, a discount):
// recent ones still open to apply, older ones applied.
func creditNote(rng *rand.Rand, add func(*doc) *doc, d *doc, today civil.Date) {
	on := d.issue.AddDays(3 + rng.IntN(18))
	if !on.Before(today) {
		return
	}
	amount := d.amount * int64(5+rng.IntN(26)) / 100
	cn := add(&doc{c: d.c, kind: ledger.CreditNote, issue: on, due: on, amount: amount, open: amount, instrument: ledger.Other})
	if applied := on.AddDays(7 + rng.IntN(30)); applied.Before(today.AddDays(-15)) {
		cn.open, cn.paidOn = 0, applied
	}
}

// number gives documents their ids and numbers in issue-date order.
func number(docs []*doc) {
	sorted := slices.Clone(docs)
	slices.SortStableFunc(sorted, func(a, b *doc) int {
		switch {
		case a.issue.Before(b.issue):
			return -1
		case b.issue.Before(a.issue):
			return 1
		}
		return a.n - b.n
	})
	seq := map[string]int{}
	for _, d := range sorted {
		series := map[ledger.Kind]string{ledger.Invoice: "FV", ledger.CreditNote: "AB", ledger.Returned: "DV"}[d.kind]
		key := fmt.Sprint(series, d.issue.Year)
		seq[key]++
		d.id = fmt.Sprintf("%s%d-%06d", series, d.issue.Year, seq[key])
		d.number = fmt.Sprintf("%s%d/%06d", series, d.issue.Year, seq[key])
	}
}

// setLimits gives customers credit limits from what they owe: most have
// room, some are near it, a few are over it on purpose, and some have none.
func setLimits(rng *rand.Rand, custs []*customer, docs []*doc) {
	balance := map[*customer]int64{}
	typical := map[*customer]int64{}
	for _, d := range docs {
		if d.owed() {
			balance[d.c] += d.open
			typical[d.c] = max(typical[d.c], d.amount)
		} else {
			balance[d.c] -= d.open
		}
	}
	roundUp := func(v, step int64) int64 { return (v + step - 1) / step * step }
	var over, near bool
	for _, c := range custs {
		b := balance[c]
		switch r := rng.IntN(100); {
		case r < 10:
			c.noLimit = true
		case r < 16 && b >= 150000:
			c.over, over = true, true
			c.limit = max(50000, b*int64(55+rng.IntN(35))/100/50000*50000)
		case r < 24 && b >= 100000:
			c.near, near = true, true
			c.limit = roundUp(b*int64(102+rng.IntN(8))/100, 10000)
		default:
			c.limit = roundUp(max(typical[c]*3, b*int64(130+rng.IntN(120))/100), 50000)
		}
	}
	// Even a small demo shows a customer over the limit and one near it.
	for _, want := range []*bool{&over, &near} {
		if *want {
			continue
		}
		var top *customer
		for _, c := range custs {
			if !c.over && !c.near && (top == nil || balance[c] > balance[top]) {
				top = c
			}
		}
		if top == nil || balance[top] < 100000 {
			continue
		}
		top.noLimit = false
		if want == &over {
			top.over, top.limit = true, max(50000, balance[top]*7/10/50000*50000)
		} else {
			top.near, top.limit = true, roundUp(balance[top]*105/100, 10000)
		}
	}
}

func eur(cents int64) string { return money.New(cents, "EUR").Decimal() }

// customersCSV is the ERP's customer export.
func customersCSV(custs []*customer) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"customer_id", "name", "tax_id", "email", "phone", "language", "agent", "segment", "credit_limit",
		"currency", "zone", "route"})
	for _, c := range custs {
		limit := ""
		if !c.noLimit {
			limit = eur(c.limit)
		}
		_ = w.Write([]string{c.id, c.name, c.taxID, c.email, c.phone, c.lang, c.agent.code, c.segment, limit, "EUR", c.zone, c.route})
	}
	w.Flush()
	return buf.Bytes()
}

// documentsCSV is the ERP's export of docs, account by account.
func documentsCSV(docs []*doc) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"document_id", "customer_id", "kind", "number", "issue_date", "due_date", "currency", "amount",
		"open_amount", "instrument", "status", "paid_on"})
	for _, d := range docs {
		status := ""
		if d.disputed {
			status = "disputed"
		}
		_ = w.Write([]string{d.id, d.c.id, string(d.kind), d.number, d.issue.String(), d.due.String(), "EUR", eur(d.amount),
			eur(d.open), string(d.instrument), status, d.paidOn.String()})
	}
	w.Flush()
	return buf.Bytes()
}
