package ledger

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"

	"cobro/internal/civil"
	"cobro/internal/money"
)

// model is one customer's ledger kept in memory the way the app keeps it in
// the database: documents with their pending amounts, collections, and
// figures moved by deltas on every change, never recomputed.
type model struct {
	cust  Customer
	today civil.Date
	docs  map[string]Document // the customer's documents, and one of another customer
	ids   []string            // document ids in creation order
	cols  []Collection
	figs  Figures // maintained by deltas only
	seq   int
	now   time.Time
}

const otherDoc = "X-1" // a document of another customer

func newModel() *model {
	m := &model{
		cust:  Customer{ID: "C", Currency: "EUR"},
		today: civil.Date{Year: 2026, Month: time.November, Day: 23},
		docs:  map[string]Document{},
		now:   time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC),
	}
	m.docs[otherDoc] = Document{ID: otherDoc, CustomerID: "X", Kind: Invoice, Currency: "EUR", Amount: 5000, ERPOpen: 5000}
	m.ids = append(m.ids, otherDoc)
	return m
}

func (m *model) next(prefix string) string { m.seq++; return prefix + strconv.Itoa(m.seq) }

// mine is the customer's own documents.
func (m *model) mine() []Document {
	var out []Document
	for _, id := range m.ids {
		if d := m.docs[id]; d.CustomerID == m.cust.ID {
			out = append(out, d)
		}
	}
	return out
}

// setDoc stores a new version of a document and moves the figures by its delta.
func (m *model) setDoc(old, nw Document) {
	if nw.CustomerID == m.cust.ID {
		m.figs = plus(m.figs, must(DocumentDelta(old, nw, m.today)))
	}
	if _, ok := m.docs[nw.ID]; !ok {
		m.ids = append(m.ids, nw.ID)
	}
	m.docs[nw.ID] = nw
}

// movePending adds sign*amount of each allocation to its document's pending.
func (m *model) movePending(t *rapid.T, allocs []Allocation, sign int64) {
	for _, al := range allocs {
		old := m.docs[al.DocumentID]
		if sign > 0 && al.Amount > old.Open() {
			t.Fatalf("allocation of %d to %s accepted with only %d open", al.Amount, al.DocumentID, old.Open())
		}
		nw := old
		nw.Pending += sign * al.Amount
		m.setDoc(old, nw)
	}
}

func (m *model) setCol(i int, nw Collection) {
	m.figs = plus(m.figs, must(CollectionDelta(m.cols[i], nw)))
	m.cols[i] = nw
}

// drawAllocations draws up to max allocations. Most are valid: to the
// customer's documents with something open, within what is open and within
// room (what the collection has left). The others are tricky: unknown
// documents, credit notes, another customer's, repeated, zero or negative
// amounts, one minor unit over, or the ERP's open amount forgetting what
// cobro collected.
func (m *model) drawAllocations(t *rapid.T, max int, room int64) []Allocation {
	n := rapid.IntRange(0, max).Draw(t, "allocations")
	out := make([]Allocation, 0, n)
	var payable, any []string // newest first
	for i := len(m.ids) - 1; i >= 0; i-- {
		d := m.docs[m.ids[i]]
		if d.CustomerID != m.cust.ID {
			continue
		}
		any = append(any, d.ID)
		if d.Kind.Owed() && d.Open() > 0 {
			payable = append(payable, d.ID)
		}
	}
	any = append(any, otherDoc, "F-unknown")
	for range n {
		if len(payable) > 0 && rapid.SampledFrom([]bool{true, true, true, false}).Draw(t, "valid") {
			d := m.docs[rapid.SampledFrom(payable).Draw(t, "doc")]
			limit := max64(1, min(d.Open(), room))
			amt := rapid.OneOf(rapid.Int64Range(1, limit), rapid.Just(limit)).Draw(t, "amount")
			out = append(out, Allocation{DocumentID: d.ID, Amount: amt})
			room -= amt
			continue
		}
		d := m.docs[rapid.SampledFrom(any).Draw(t, "tricky doc")]
		open := d.Open()
		amt := rapid.OneOf(
			rapid.Int64Range(-1, open+100),
			rapid.Just(open),
			rapid.Just(open+1),
			rapid.Just(d.ERPOpen), // what the ERP says, forgetting what cobro collected
		).Draw(t, "tricky amount")
		out = append(out, Allocation{DocumentID: d.ID, Amount: amt})
	}
	return out
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// expectAllocations says which rule, if any, allocations add of collection
// c break, written from the rules' description rather than their code.
func (m *model) expectAllocations(c Collection, add []Allocation) string {
	seen := map[string]bool{}
	total := c.Allocated()
	for _, a := range add {
		d, ok := m.docs[a.DocumentID]
		switch {
		case !ok, d.CustomerID != c.CustomerID: // another customer's document is unknown
			return "unknown_document"
		case !d.Kind.Owed():
			return "not_owed"
		case seen[a.DocumentID]:
			return "duplicate_document"
		case a.Amount <= 0:
			return "amount_not_positive"
		case a.Amount > d.Open():
			return "allocation_exceeds_open"
		}
		seen[a.DocumentID] = true
		total += a.Amount
		if total > c.Amount.Minor {
			return "allocations_exceed_amount"
		}
	}
	return ""
}

func codeOf(err error) string {
	var re *RuleError
	if errors.As(err, &re) {
		return re.Code
	}
	if err != nil {
		return "not a rule error: " + err.Error()
	}
	return ""
}

func (m *model) pickCollection(t *rapid.T) (int, bool) {
	if len(m.cols) == 0 {
		return 0, false
	}
	return rapid.IntRange(0, len(m.cols)-1).Draw(t, "collection"), true
}

func (m *model) actions() map[string]func(*rapid.T) {
	return map[string]func(*rapid.T){
		"add document": func(t *rapid.T) {
			kind := rapid.SampledFrom([]Kind{Invoice, Invoice, Invoice, CreditNote, Returned}).Draw(t, "kind")
			amount := rapid.Int64Range(0, 100000).Draw(t, "amount")
			d := Document{ID: m.next("F"), CustomerID: m.cust.ID, Kind: kind, Currency: "EUR", Amount: amount,
				ERPOpen:  rapid.OneOf(rapid.Just(amount), rapid.Int64Range(0, amount)).Draw(t, "open"),
				DueDate:  m.today.AddDays(rapid.IntRange(-60, 60).Draw(t, "due")),
				Disputed: rapid.IntRange(0, 9).Draw(t, "disputed") == 0}
			if err := CheckDocument(d, m.cust); err != nil {
				t.Fatalf("a valid document refused: %v", err)
			}
			m.setDoc(Document{}, d)
		},
		"record collection": func(t *rapid.T) {
			kind := rapid.SampledFrom([]Instrument{Cash, Cheque, PromissoryNote, Transfer, Card}).Draw(t, "instrument")
			add := m.drawAllocations(t, 3, math.MaxInt64)
			var sum int64
			for _, a := range add {
				sum += max64(a.Amount, 0)
			}
			// Usually what the allocations need, or a little more (an
			// advance on top); sometimes anything.
			amount := rapid.OneOf(rapid.Just(sum), rapid.Int64Range(sum-10, sum+5000), rapid.Int64Range(-10, 150000)).Draw(t, "amount")
			c := Collection{ID: m.next("K"), CustomerID: m.cust.ID, State: Cleared, RecordedAt: m.now,
				Amount:     money.New(amount, "EUR"),
				Instrument: InstrumentDetail{Kind: kind, Number: "N-1", DueDate: m.today.AddDays(60)}}
			if kind.ClearsLater() {
				c.State = InHand
			}
			want := m.expectAllocations(c, add) // c has no allocations yet
			c.Allocations = add
			if c.Amount.Minor <= 0 {
				want = "amount_not_positive"
			}
			err := CheckNewCollection(m.cust, c, m.docs)
			if got := codeOf(err); got != want {
				t.Fatalf("CheckNewCollection(%+v) = %q (%v), want %q", c, got, err, want)
			}
			if err != nil {
				return
			}
			m.cols = append(m.cols, Collection{}) // a new row...
			m.setCol(len(m.cols)-1, c)            // ...and its figures
			m.movePending(t, c.Allocations, +1)
		},
		"allocate later": func(t *rapid.T) {
			i, ok := m.pickCollection(t)
			if !ok {
				t.Skip("no collection yet")
			}
			c := m.cols[i]
			add := m.drawAllocations(t, 2, c.Amount.Minor-c.Allocated())
			want := m.expectAllocations(c, add)
			if len(add) == 0 {
				want = "required"
			}
			if c.State == Voided || c.State == Bounced {
				want = "collection_closed"
			}
			nc, err := Allocate(c, add, m.docs)
			if got := codeOf(err); got != want {
				t.Fatalf("Allocate(%+v, %+v) = %q (%v), want %q", c, add, got, err, want)
			}
			if err != nil {
				return
			}
			if nc.Acked() || len(nc.Allocations) != len(c.Allocations)+len(add) {
				t.Fatalf("allocated collection %+v", nc)
			}
			m.setCol(i, nc)
			m.movePending(t, add, +1)
		},
		"void": func(t *rapid.T) {
			i, ok := m.pickCollection(t)
			if !ok {
				t.Skip("no collection yet")
			}
			c := m.cols[i]
			reason := rapid.SampledFrom([]string{"typed twice", " ", "wrong customer"}).Draw(t, "reason")
			nc, err := Void(c, reason)
			switch {
			case reason == " ":
				if codeOf(err) != "required" {
					t.Fatalf("a void without a reason: %v", err)
				}
				return
			case c.State == Bounced:
				if codeOf(err) != "collection_returned" {
					t.Fatalf("voiding a returned collection: %v", err)
				}
				return
			case c.State == Voided:
				if err != nil || nc.VoidReason != c.VoidReason || nc.State != Voided {
					t.Fatalf("voiding twice is not the first void: %+v %v", nc, err)
				}
				return
			case err != nil:
				t.Fatalf("void: %v", err)
			}
			// Its allocations the ERP has not seen stop counting; the void
			// goes to the ERP like a new collection.
			var pending []Allocation
			for _, al := range c.Allocations {
				if !al.Acked {
					pending = append(pending, al)
				}
			}
			nc.AckedAt = time.Time{}
			m.setCol(i, nc)
			m.movePending(t, pending, -1)
		},
		"clear": func(t *rapid.T) {
			i, ok := m.pickCollection(t)
			if !ok {
				t.Skip("no collection yet")
			}
			c := m.cols[i]
			nc, err := Clear(c)
			if (c.State == InHand || c.State == Cleared) != (err == nil) {
				t.Fatalf("clear from %s: %v", c.State, err)
			}
			if err == nil {
				m.setCol(i, nc)
			}
		},
		"return": func(t *rapid.T) {
			i, ok := m.pickCollection(t)
			if !ok {
				t.Skip("no collection yet")
			}
			c := m.cols[i]
			nc, doc, err := Return(c, m.next("RET-"), "R")
			if (c.State == InHand || c.State == Cleared) != (err == nil) {
				t.Fatalf("return from %s: %v", c.State, err)
			}
			if err != nil {
				return
			}
			if (doc != nil) != (c.Allocated() > 0) || doc != nil && (doc.Amount != c.Allocated() || doc.Open() != c.Allocated()) {
				t.Fatalf("returned item %+v for a collection that paid %d", doc, c.Allocated())
			}
			if doc != nil {
				doc.IssueDate, doc.DueDate = m.today, m.today
				nc.ReturnedDocument = doc.ID
				m.setDoc(Document{}, *doc)
			}
			nc.AckedAt = time.Time{}
			m.setCol(i, nc)
		},
		"ERP acknowledges": func(t *rapid.T) {
			i, ok := m.pickCollection(t)
			if !ok {
				t.Skip("no collection yet")
			}
			c := m.cols[i]
			if c.Acked() {
				return
			}
			nc := c
			nc.AckedAt = m.now
			nc.Allocations = make([]Allocation, len(c.Allocations))
			var pending []Allocation
			for j, al := range c.Allocations {
				if !al.Acked && c.State != Voided {
					pending = append(pending, al)
				}
				al.Acked = true
				nc.Allocations[j] = al
			}
			m.setCol(i, nc)
			m.movePending(t, pending, -1)
		},
		"ERP re-sync": func(t *rapid.T) {
			id := rapid.SampledFrom(m.ids).Draw(t, "doc")
			old := m.docs[id]
			nw := old
			switch rapid.IntRange(0, 3).Draw(t, "how") {
			case 0: // the ERP still shows it fully open, whatever cobro collected
				nw.ERPOpen = old.Amount
			case 1: // the ERP applied a payment cobro does not know
				nw.ERPOpen = rapid.Int64Range(0, old.Amount).Draw(t, "open")
			case 2:
				nw.Disputed = !old.Disputed
			default: // the ERP settled it
				nw.ERPOpen = 0
			}
			if err := CheckDocument(nw, Customer{ID: nw.CustomerID, Currency: "EUR"}); err != nil {
				t.Fatalf("re-sync refused: %v", err)
			}
			if nw.Pending != old.Pending {
				t.Fatal("a re-sync changed cobro's pending amount")
			}
			m.setDoc(old, nw)
		},
		"new day": func(t *rapid.T) {
			from := m.today
			to := from.AddDays(rapid.IntRange(1, 40).Draw(t, "days"))
			// What the app does: only documents falling due between the two
			// days move. Check that no other document moves.
			var delta Figures
			for _, d := range m.mine() {
				dd := minus(OfDocument(d, to), OfDocument(d, from))
				dueBetween := !d.DueDate.Before(from) && d.DueDate.Before(to)
				if !dd.IsZero() && !dueBetween {
					t.Fatalf("%s (due %s) moved between %s and %s: %+v", d.ID, d.DueDate, from, to, dd)
				}
				delta = plus(delta, dd)
			}
			m.figs = plus(m.figs, delta)
			m.today = to
			m.now = m.now.Add(time.Duration(to.DaysSince(from)) * 24 * time.Hour)
		},
		"": m.check,
	}
}

// check is run after every action.
func (m *model) check(t *rapid.T) {
	if err := m.violation(); err != nil {
		t.Fatal(err)
	}
}

// violation returns the first broken invariant of the ledger, if any.
func (m *model) violation() error {
	pending := map[string]int64{}
	var unallocated, inHand int64
	for _, c := range m.cols {
		if c.Allocated() > c.Amount.Minor {
			return fmt.Errorf("collection %s allocates %d of %d", c.ID, c.Allocated(), c.Amount.Minor)
		}
		for _, al := range c.Allocations {
			if al.Amount <= 0 {
				return fmt.Errorf("collection %s has an allocation of %d", c.ID, al.Amount)
			}
			if !al.Acked && c.State != Voided {
				pending[al.DocumentID] += al.Amount
			}
		}
		if c.State == Voided && c.VoidReason == "" {
			return fmt.Errorf("collection %s voided without a reason", c.ID)
		}
		if c.State == InHand {
			inHand += c.Amount.Minor
		}
		if !c.Acked() && (c.State == InHand || c.State == Cleared) {
			unallocated += c.Amount.Minor - c.Allocated()
		}
	}
	var owedOpen, creditOpen, overdue, disputed, conflict, openCount, overdueCount int64
	for _, id := range m.ids {
		d := m.docs[id]
		if d.Pending != pending[id] {
			return fmt.Errorf("document %s has %d pending; its live unacknowledged allocations add up to %d", id, d.Pending, pending[id])
		}
		if d.Open() < 0 || d.ERPOpen < 0 || d.ERPOpen > d.Amount || d.Pending < 0 {
			return fmt.Errorf("document %s: amount %d, ERP open %d, pending %d, open %d", id, d.Amount, d.ERPOpen, d.Pending, d.Open())
		}
		if d.CustomerID != m.cust.ID {
			continue
		}
		conflict += max64(0, d.Pending-d.ERPOpen)
		if d.Open() == 0 {
			continue
		}
		if !d.Kind.Owed() {
			creditOpen += d.Open()
			continue
		}
		owedOpen += d.Open()
		openCount++
		switch st := d.StateAsOf(m.today); st.Status {
		case Overdue, Unpaid:
			overdue += d.Open()
			overdueCount++
		case Disputed:
			disputed += d.Open()
		}
	}
	if want := must(Compute(m.mine(), m.cols, m.today)); m.figs != want {
		return fmt.Errorf("figures moved by deltas drifted from a recomputation:\n deltas  %+v\n compute %+v", m.figs, want)
	}
	want := Figures{Balance: owedOpen - creditOpen - unallocated, Owed: owedOpen, Overdue: overdue, Disputed: disputed, InHand: inHand,
		Unallocated: unallocated, Conflict: conflict, OpenCount: openCount, OverdueCount: overdueCount}
	if m.figs != want {
		return fmt.Errorf("figures are not what the documents and collections say:\n figures %+v\n want    %+v", m.figs, want)
	}
	if m.figs.Risk() != m.figs.Balance+inHand {
		return fmt.Errorf("risk %d is not balance %d + in hand %d", m.figs.Risk(), m.figs.Balance, inHand)
	}
	return nil
}

// TestLedgerModel runs random sequences of every operation on one
// customer's ledger and checks the invariants after each step: no
// allocation beyond what was open or beyond its collection, open amounts
// never negative, pending amounts equal to the live allocations, figures
// moved by deltas equal to a recomputation, and the balance equal to owed
// open amounts minus credit notes minus unallocated collections.
func TestLedgerModel(t *testing.T) {
	withChecks(t, 300, 5000, func() {
		rapid.Check(t, func(t *rapid.T) {
			m := newModel()
			actions := m.actions()
			for range rapid.IntRange(1, 4).Draw(t, "documents at the start") {
				actions["add document"](t)
			}
			t.Repeat(actions)
		})
	})
}

// TestLedgerModelFindsDrift makes sure the model's checks can fail: a
// figure that a delta forgot, or a pending amount without its allocation,
// is caught.
func TestLedgerModelFindsDrift(t *testing.T) {
	m := newModel()
	m.setDoc(Document{}, Document{ID: "F1", CustomerID: "C", Kind: Invoice, Currency: "EUR", Amount: 100, ERPOpen: 100, DueDate: m.today})
	if err := m.violation(); err != nil {
		t.Fatal(err)
	}
	m.figs.OpenCount = 0 // a delta that forgot the count
	if m.violation() == nil {
		t.Fatal("a wrong figure was missed")
	}
	m.figs.OpenCount = 1
	d := m.docs["F1"]
	d.Pending = 10
	m.docs["F1"] = d
	if m.violation() == nil {
		t.Fatal("a pending amount with no allocation was missed")
	}
}

// TestFiguresAddSub checks Add and Sub field by field: a field missing from
// either would let deltas drift unseen.
func TestFiguresAddSub(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := rapid.Int64Range(-1e12, 1e12)
		f := Figures{g.Draw(t, "a"), g.Draw(t, "b"), g.Draw(t, "c"), g.Draw(t, "d"), g.Draw(t, "e"), g.Draw(t, "f"), g.Draw(t, "g"), g.Draw(t, "h"), g.Draw(t, "h2")}
		h := Figures{g.Draw(t, "i"), g.Draw(t, "j"), g.Draw(t, "k"), g.Draw(t, "l"), g.Draw(t, "m"), g.Draw(t, "n"), g.Draw(t, "o"), g.Draw(t, "p"), g.Draw(t, "p2")}
		if minus(plus(f, h), h) != f || minus(f, f) != (Figures{}) || !minus(f, f).IsZero() || plus(f, Figures{}) != f {
			t.Fatalf("Add/Sub are not inverse on %+v, %+v", f, h)
		}
		if sum := plus(f, h); sum.Balance != f.Balance+h.Balance || sum.OverdueCount != f.OverdueCount+h.OverdueCount ||
			sum.Conflict != f.Conflict+h.Conflict || sum.Unallocated != f.Unallocated+h.Unallocated || sum.Owed != f.Owed+h.Owed {
			t.Fatalf("Add is not field by field: %+v", sum)
		}
		if fmt.Sprint(plus(f, h)) != fmt.Sprint(plus(h, f)) {
			t.Fatal("Add is not commutative")
		}
	})
}

// TestDeltas: for any two versions of a document or a collection, the old
// figures plus the delta are the new figures, on any day.
func TestDeltas(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		today := civil.Date{Year: 2026, Month: time.November, Day: 23}.AddDays(rapid.IntRange(-30, 30).Draw(t, "today"))
		doc := func(label string) Document {
			amount := rapid.Int64Range(0, 1000).Draw(t, label+" amount")
			return Document{Kind: rapid.SampledFrom([]Kind{Invoice, CreditNote, Returned}).Draw(t, label+" kind"), Amount: amount,
				ERPOpen: rapid.Int64Range(0, amount).Draw(t, label+" open"), Pending: rapid.Int64Range(0, 1200).Draw(t, label+" pending"),
				Disputed: rapid.Bool().Draw(t, label+" disputed"), DueDate: civil.Date{Year: 2026, Month: time.November, Day: 1}.AddDays(rapid.IntRange(0, 60).Draw(t, label+" due"))}
		}
		col := func(label string) Collection {
			amount := rapid.Int64Range(1, 1000).Draw(t, label+" amount")
			c := Collection{Amount: money.New(amount, "EUR"),
				State: rapid.SampledFrom([]CollectionState{InHand, Cleared, Voided, Bounced}).Draw(t, label+" state")}
			if a := rapid.Int64Range(0, amount).Draw(t, label+" allocated"); a > 0 {
				c.Allocations = []Allocation{{DocumentID: "F", Amount: a}}
			}
			if rapid.Bool().Draw(t, label+" acked") {
				c.AckedAt = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
			}
			return c
		}
		others := []Document{doc("other")}
		cols := []Collection{col("other")}
		d0, d1 := doc("old"), doc("new")
		c0, c1 := col("old"), col("new")
		before := must(Compute(append(others, d0), append(cols, c0), today))
		after := must(Compute(append(others, d1), append(cols, c1), today))
		if got := plus(plus(before, must(DocumentDelta(d0, d1, today))), must(CollectionDelta(c0, c1))); got != after {
			t.Fatalf("old figures + deltas = %+v, new figures %+v", got, after)
		}
		if plus(OfDocument(d0, today), must(DocumentDelta(d0, d1, today))) != OfDocument(d1, today) {
			t.Fatal("document delta")
		}
		if !must(DocumentDelta(d0, d0, today)).IsZero() || !must(CollectionDelta(c0, c0)).IsZero() {
			t.Fatal("no change must move nothing")
		}
	})
}

// withChecks runs fn with rapid's number of checks set to short, or long
// under COBRO_LONG=1, unless -rapid.checks or RAPID_CHECKS was given.
func withChecks(t *testing.T, short, long int, fn func()) {
	t.Helper()
	f := flag.Lookup("rapid.checks")
	given := os.Getenv("RAPID_CHECKS") != ""
	flag.Visit(func(fl *flag.Flag) { given = given || fl.Name == "rapid.checks" })
	if f == nil || given {
		fn()
		return
	}
	n := short
	if os.Getenv("COBRO_LONG") != "" {
		n = long
	}
	old := f.Value.String()
	if err := f.Value.Set(strconv.Itoa(n)); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Value.Set(old) }()
	fn()
}
