package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"cobro/internal/civil"
	"cobro/internal/ledger"
)

// visit is a collection an agent records on a visit to a customer.
type visit struct {
	c      *customer
	at     time.Time // when it was collected, in the company's zone
	in     ledger.InstrumentDetail
	allocs []alloc
	amount int64 // cents
	// twice: the agent entered it a second time by mistake, and the
	// office voids the copy. bounces: a cheque that comes back unpaid.
	twice, bounces bool
	id             string // the collection's id, once recorded
}

type alloc struct {
	d      *doc
	amount int64
}

func (v *visit) day() civil.Date { return civil.Of(v.at) }

var banks = []string{"CaixaBank", "BBVA", "Santander", "Sabadell", "Cajamar", "Bankinter", "Ibercaja", "Caixa Popular"}

// visitDays is how far back the agents' collections in cobro go.
const visitDays = 28

// plan decides what the agents collected over the last weeks: most
// customers who owe something paid one or more debts at a visit (some only
// a part), some again a week or two later, each the way they usually pay.
// One cash collection is entered twice by mistake, one cheque bounces, and
// one customer pays an advance. Customers kept over or near their limit
// are not visited, so they stay there.
func plan(rng *rand.Rand, custs []*customer, docs []*doc, today civil.Date, loc *time.Location) []*visit {
	owed := map[*customer][]*doc{}
	for _, d := range docs {
		if d.owed() && d.open > 0 && !d.disputed {
			owed[d.c] = append(owed[d.c], d)
		}
	}
	p := &planner{rng: rng, loc: loc, used: map[*doc]int64{}, touched: map[*doc]int{}}
	var days []civil.Date // the working days of the last weeks
	for d := today.AddDays(-visitDays); !d.After(today); d = d.AddDays(1) {
		if wd := weekday(d); wd != time.Saturday && wd != time.Sunday {
			days = append(days, d)
		}
	}
	var out []*visit
	for _, c := range custs {
		if c.over || c.near || len(owed[c]) == 0 || rng.IntN(100) >= 70 {
			continue
		}
		slices.SortStableFunc(owed[c], func(a, b *doc) int { return cmpDate(a.due, b.due) })
		// Routes are weekly: a customer is seen on the same weekday.
		for day := pick(rng, days); !day.After(today); day = day.AddDays(7 * (1 + rng.IntN(2))) {
			if v := p.visit(c, owed[c], day); v != nil {
				out = append(out, v)
			}
			if rng.IntN(100) >= 40 {
				break
			}
		}
	}
	p.markTwice(out)
	markBounce(out, today)
	if adv := advance(custs, today, loc); adv != nil {
		out = append(out, adv)
	}
	for _, v := range out {
		if len(v.allocs) > 0 {
			v.amount = 0
			for _, al := range v.allocs {
				v.amount += al.amount
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *visit) int { return a.at.Compare(b.at) })
	return out
}

// planner keeps what the planned visits have taken of each document.
type planner struct {
	rng     *rand.Rand
	loc     *time.Location
	used    map[*doc]int64
	touched map[*doc]int // visits allocating to the document
}

// visit is a visit to c on day paying the oldest debts it can, or nil when
// nothing is due to the agent.
func (p *planner) visit(c *customer, owed []*doc, day civil.Date) *visit {
	var payable []*doc
	for _, d := range owed {
		// A direct debit not yet due is the bank's to collect.
		if d.open > p.used[d] && !d.issue.After(day) &&
			(d.instrument != ledger.DirectDebit || d.kind == ledger.Returned || d.due.Before(day)) {
			payable = append(payable, d)
		}
	}
	if len(payable) == 0 {
		return nil
	}
	v := &visit{c: c, at: visitTime(p.rng, day, p.loc), in: instrument(p.rng, c.pays, day)}
	for _, d := range payable[:min(len(payable), 1+p.rng.IntN(3))] {
		v.allocs = append(v.allocs, alloc{d, d.open - p.used[d]})
	}
	if last := &v.allocs[len(v.allocs)-1]; p.rng.IntN(100) < 25 && last.amount >= 2000 {
		// "Today I can give you 300": whole euros, 30-50% of it.
		last.amount = last.amount * int64(30+p.rng.IntN(21)) / 100 / 100 * 100
	}
	for _, al := range v.allocs {
		p.used[al.d] += al.amount
		p.touched[al.d]++
	}
	return v
}

// markTwice picks the cash collection the agent enters twice: one paying
// at most half of a single debt no other visit pays, so the copy fits in
// what stays open until the office voids it.
func (p *planner) markTwice(vs []*visit) {
	for _, v := range vs {
		if al := v.allocs[0]; v.in.Kind == ledger.Cash && len(v.allocs) == 1 && p.touched[al.d] == 1 && 2*al.amount <= al.d.open {
			v.twice = true
			return
		}
	}
	for _, v := range vs {
		if al := v.allocs[0]; v.in.Kind == ledger.Cash && p.touched[al.d] == 1 && al.d.open >= 2000 {
			v.allocs = v.allocs[:1]
			v.allocs[0].amount = al.d.open * 4 / 10
			v.twice = true
			return
		}
	}
}

// markBounce picks the cheque that comes back unpaid: one collected at
// least five days ago (a transfer or cash visit is made a cheque when the
// demo is small and has none).
func markBounce(vs []*visit, today civil.Date) {
	var first *visit
	for _, v := range vs {
		if v.twice || v.day().After(today.AddDays(-5)) {
			continue
		}
		if v.in.Kind == ledger.Cheque {
			v.bounces = true
			return
		}
		if first == nil && v.in.Kind != ledger.PromissoryNote {
			first = v
		}
	}
	if first != nil {
		first.in = ledger.InstrumentDetail{Kind: ledger.Cheque, Number: fmt.Sprintf("%07d", 4_000_000+len(vs)), Bank: banks[0]}
		first.bounces = true
	}
}

// advance is a wholesale customer's transfer on account of an order not
// yet invoiced.
func advance(custs []*customer, today civil.Date, loc *time.Location) *visit {
	for _, c := range custs {
		if c.segment == "wholesale" && !c.over && !c.near {
			day := today.AddDays(-2)
			for wd := weekday(day); wd == time.Saturday || wd == time.Sunday; wd = weekday(day) {
				day = day.AddDays(-1)
			}
			return &visit{c: c, at: time.Date(day.Year, day.Month, day.Day, 10, 15, 0, 0, loc),
				in: ledger.InstrumentDetail{Kind: ledger.Transfer}, amount: 150000}
		}
	}
	return nil
}

// instrument is how a customer who usually pays with pays hands over the
// money: a returned direct debit is paid in cash; a few pay by card.
func instrument(rng *rand.Rand, pays ledger.Instrument, day civil.Date) ledger.InstrumentDetail {
	kind := pays
	switch {
	case rng.IntN(100) < 5:
		kind = ledger.Card
	case pays == ledger.DirectDebit:
		kind = ledger.Cash
	}
	in := ledger.InstrumentDetail{Kind: kind}
	switch kind {
	case ledger.Cheque:
		in.Number, in.Bank = fmt.Sprintf("%07d", rng.IntN(10_000_000)), pick(rng, banks)
	case ledger.PromissoryNote:
		in.Number, in.Bank = fmt.Sprintf("%07d", rng.IntN(10_000_000)), pick(rng, banks)
		in.DueDate = day.AddDays(30 + rng.IntN(61))
	}
	return in
}

func weekday(d civil.Date) time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Weekday()
}

// visitTime is a time in shop hours on day.
func visitTime(rng *rand.Rand, day civil.Date, loc *time.Location) time.Time {
	hour := pick(rng, []int{9, 10, 11, 12, 13, 16, 17, 18, 19})
	return time.Date(day.Year, day.Month, day.Day, hour, rng.IntN(60), 0, 0, loc)
}

func cmpDate(a, b civil.Date) int {
	switch {
	case a.Before(b):
		return -1
	case b.Before(a):
		return 1
	}
	return 0
}
