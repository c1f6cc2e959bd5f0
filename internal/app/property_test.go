package app_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"cobro/internal/app"
	"cobro/internal/civil"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// TestLedgerInvariantsUnderRandomOperations drives random sequences of every
// operation that moves money through the real app, on SQLite and on
// PostgreSQL, beside a model made of the pure ledger rules. After every step
// the app must agree with the model: which requests are refused and why,
// each customer's figures, each document's open, ERP open and pending
// amounts and status, each collection's state; collections are never lost
// and never recorded twice. After every sequence app.Check finds nothing.
//
// The operations: record a collection (allocated, partly or not at all;
// with valid and invalid allocations), retry it under the same key (a
// replay), reuse the key for another body (refused), allocate later, void,
// clear, return, the ERP's acknowledgement, an ERP re-sync changing open
// amounts and disputes (including a document the ERP still shows fully open
// while cobro holds a collection on it), and a new day.
//
// Each sequence gets its own three customers in one database per engine, so
// that rapid can replay and shrink a failing one. COBRO_LONG=1 runs many more.
func TestLedgerInvariantsUnderRandomOperations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		a, clk := newApp(t, db)
		g := &global{recorded: map[string]bool{}, ops: map[string]int{}}
		checks := 25
		if long() {
			checks = 500
		}
		start := time.Now()
		withRapid(t, checks, 50, func() {
			rapid.Check(t, func(rt *rapid.T) {
				s := newSim(rt, a, clk, g)
				rt.Repeat(s.actions())
				s.endOfSequence(rt)
			})
		})
		t.Logf("%d sequences, %d collections recorded, operations %v, in %s", g.seq, len(g.recorded), g.ops, time.Since(start).Round(time.Millisecond))
		// A run cut short on purpose (the -race pass sets RAPID_CHECKS=4) is
		// too small to promise every operation; the full run must.
		report := t.Errorf
		if g.seq < 25 {
			report = t.Logf
		}
		for _, op := range []string{"record", "replay", "allocate", "void", "clear", "return", "ack", "resync", "still open in the ERP", "new day"} {
			if g.ops[op] == 0 {
				report("no successful %q in the whole run: the test exercised too little", op)
			}
		}
	})
}

// global is what outlives one sequence: every collection ever recorded in
// the database, the idempotency keys used, and what was exercised.
type global struct {
	seq      int
	key      int
	recorded map[string]bool
	count    int // collections in the database at the last look
	ops      map[string]int
}

// sim is one sequence: the app, and the model of its three customers.
type sim struct {
	ctx  context.Context
	a    *app.App
	clk  *clock
	g    *global
	book *book
	docs map[string]ledger.Document   // every document of the sequence's customers
	cols map[string]ledger.Collection // every collection recorded for them
	ids  []string                     // collection ids, in the order recorded
}

func newSim(t *rapid.T, a *app.App, clk *clock, g *global) *sim {
	g.seq++
	s := &sim{ctx: context.Background(), a: a, clk: clk, g: g, book: newBook(fmt.Sprintf("s%d-", g.seq), civil.Today(clk.now(), madrid)),
		docs: map[string]ledger.Document{}, cols: map[string]ledger.Collection{}}
	s.book.load(t, a)
	for _, d := range s.book.docs {
		s.docs[d.id] = ledger.Document{ID: d.id, CustomerID: d.customer, Kind: d.kind, Currency: "EUR", Amount: d.amount,
			ERPOpen: d.open, DueDate: d.due, Disputed: d.disputed}
	}
	return s
}

func (s *sim) today() civil.Date { return civil.Today(s.clk.now(), madrid) }

func (s *sim) nextKey() string { s.g.key++; return fmt.Sprintf("key-%d", s.g.key) }

// docsFor is the model's documents among ids (unknown ones absent), as
// the app reads them for a request.
func (s *sim) docsFor(allocs []ledger.Allocation) map[string]ledger.Document {
	out := map[string]ledger.Document{}
	for _, al := range allocs {
		if d, ok := s.docs[al.DocumentID]; ok {
			out[al.DocumentID] = d
		}
	}
	return out
}

// movePending adds sign*amount of each allocation to its document's pending.
func (s *sim) movePending(t *rapid.T, allocs []ledger.Allocation, sign int64) {
	for _, al := range allocs {
		d := s.docs[al.DocumentID]
		if sign > 0 && al.Amount > d.Open() {
			t.Fatalf("the app took %d on %s with only %d open", al.Amount, d.ID, d.Open())
		}
		d.Pending += sign * al.Amount
		s.docs[al.DocumentID] = d
	}
}

// drawAllocations draws least to max allocations for customer cust: mostly
// valid ones (the customer's documents with something open, within what is
// open and within room), sometimes not (another customer's document, a
// credit note, an unknown id, nothing, one minor unit over, the ERP's open
// amount forgetting what cobro holds).
func (s *sim) drawAllocations(t *rapid.T, cust string, least, max int, room int64) []ledger.Allocation {
	var payable, tricky []string
	for _, d := range s.book.docs {
		if d.customer == cust && d.kind.Owed() && s.docs[d.id].Open() > 0 {
			payable = append(payable, d.id)
		}
		tricky = append(tricky, d.id)
	}
	for id, d := range s.docs {
		if d.Kind == ledger.Returned && d.CustomerID == cust && d.Open() > 0 {
			payable = append(payable, id)
		}
	}
	slices.Sort(payable) // map order must not decide what rapid draws
	tricky = append(tricky, s.book.prefix+"F-unknown")
	n := rapid.IntRange(least, max).Draw(t, "allocations")
	out := make([]ledger.Allocation, 0, n)
	for range n {
		if len(payable) > 0 && rapid.SampledFrom([]bool{true, true, true, true, true, false}).Draw(t, "valid") {
			d := s.docs[rapid.SampledFrom(payable).Draw(t, "document")]
			limit := max64(1, min(d.Open(), room))
			amt := rapid.OneOf(rapid.Int64Range(1, limit), rapid.Just(limit)).Draw(t, "amount")
			room -= amt
			out = append(out, ledger.Allocation{DocumentID: d.ID, Amount: amt})
			continue
		}
		id := rapid.SampledFrom(tricky).Draw(t, "tricky document")
		d := s.docs[id]
		amt := rapid.OneOf(rapid.Int64Range(-1, d.Open()+100), rapid.Just(d.Open()+1), rapid.Just(d.ERPOpen)).Draw(t, "tricky amount")
		out = append(out, ledger.Allocation{DocumentID: id, Amount: amt})
	}
	return out
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func requests(allocs []ledger.Allocation) []app.AllocationRequest {
	out := make([]app.AllocationRequest, len(allocs))
	for i, al := range allocs {
		out[i] = app.AllocationRequest{DocumentID: al.DocumentID, Amount: eur(al.Amount)}
	}
	return out
}

// pick draws one of the sequence's collections; false when there is none.
func (s *sim) pick(t *rapid.T) (ledger.Collection, bool) {
	if len(s.ids) == 0 {
		return ledger.Collection{}, false
	}
	return s.cols[rapid.SampledFrom(s.ids).Draw(t, "collection")], true
}

func (s *sim) actions() map[string]func(*rapid.T) {
	return map[string]func(*rapid.T){
		"record":         s.record,
		"record another": s.record, // recording is what happens most
		"allocate":       s.allocate,
		"void":           s.void,
		"clear": func(t *rapid.T) {
			c, ok := s.pick(t)
			if !ok {
				return
			}
			nc, err := ledger.Clear(c)
			s.change(t, "clear", c, nc, err, func(idem app.Idem) (app.CollectionView, *app.Replay, error) {
				return s.a.ClearCollection(s.ctx, sys, idem, c.ID)
			})
		},
		"return": s.returned,
		"ack":    s.ack,
		"resync": s.resync,
		"new day": func(t *rapid.T) {
			s.clk.add(time.Duration(rapid.IntRange(1, 3).Draw(t, "days")) * 24 * time.Hour)
			today, err := s.a.Today(s.ctx)
			if err != nil || today != s.today() {
				t.Fatalf("Today = %s, %v; the clock says %s", today, err, s.today())
			}
			s.g.ops["new day"]++
		},
		"": s.verify,
	}
}

func (s *sim) record(t *rapid.T) {
	cust := rapid.SampledFrom(s.book.customers).Draw(t, "customer")
	var allocs []ledger.Allocation
	var amount int64
	if rapid.SampledFrom([]bool{false, false, true}).Draw(t, "advance payment") {
		amount = rapid.Int64Range(1000, 100000).Draw(t, "amount")
	} else {
		allocs = s.drawAllocations(t, cust, 1, 3, math.MaxInt64)
		var sum int64
		for _, al := range allocs {
			sum += max64(al.Amount, 0)
		}
		// What the allocations need, or more (an advance on top), or anything.
		amount = rapid.OneOf(rapid.Just(sum), rapid.Just(sum), rapid.Int64Range(sum, sum+5000), rapid.Int64Range(-5, 100000)).Draw(t, "amount")
	}
	in := rapid.SampledFrom([]ledger.InstrumentDetail{
		{Kind: ledger.Cash}, {Kind: ledger.Cash}, {Kind: ledger.Transfer}, {Kind: ledger.Card},
		{Kind: ledger.Cheque, Number: "CH-1", Bank: "Banco"},
		{Kind: ledger.PromissoryNote, Number: "PN-1", DueDate: s.today().AddDays(60)},
		{Kind: ledger.Cheque}, // no number: refused
	}).Draw(t, "instrument")
	req := app.CollectionRequest{CustomerID: cust, Amount: eur(amount), Instrument: in, Allocations: requests(allocs)}

	c := ledger.Collection{CustomerID: cust, Amount: req.Amount, Instrument: in, State: ledger.Cleared, Allocations: allocs}
	if in.Kind.ClearsLater() {
		c.State = ledger.InHand
	}
	want := ruleCode(ledger.CheckNewCollection(ledger.Customer{ID: cust, Currency: "EUR"}, c, s.docsFor(allocs)))

	idem := idemOf(s.nextKey(), "POST /api/v1/collections", req)
	v, replay, err := s.a.RecordCollection(s.ctx, sys, idem, req)
	if got := ruleCode(err); got != want || replay != nil {
		t.Fatalf("RecordCollection(%+v) = %q (%v), replay %v; the rules say %q", req, got, err, replay, want)
	}
	if err != nil {
		s.g.ops["refused: "+want]++
		if rapid.Bool().Draw(t, "retry the refused request") {
			// The key was released: the retry runs again and is refused again.
			if _, replay, err := s.a.RecordCollection(s.ctx, sys, idem, req); ruleCode(err) != want || replay != nil {
				t.Fatalf("retry of a refused request: %v, replay %v; want %q", err, replay, want)
			}
		}
		return
	}
	if s.g.recorded[v.ID] || v.ID == "" {
		t.Fatalf("collection id %q given twice", v.ID)
	}
	s.g.recorded[v.ID] = true
	s.g.ops["record"]++
	c.ID = v.ID
	s.cols[c.ID] = c
	s.ids = append(s.ids, c.ID)
	s.movePending(t, allocs, +1)
	if v.State != c.State || v.Amount != c.Amount || len(v.Allocations) != len(allocs) || !v.PendingInERP {
		t.Fatalf("recorded %+v from %+v", v, req)
	}

	if rapid.Bool().Draw(t, "retry") {
		// The answer was lost: the client sends it again, same key, same body.
		v2, replay, err := s.a.RecordCollection(s.ctx, sys, idem, req)
		if err != nil || replay == nil {
			t.Fatalf("retry: %+v, replay %v, %v; want the replay", v2, replay, err)
		}
		if id, err := replayedID(replay); err != nil || id != v.ID {
			t.Fatalf("the replay answers %q (%v), the collection is %s", id, err, v.ID)
		}
		s.g.ops["replay"]++
	}
	if rapid.Bool().Draw(t, "reuse the key") {
		other := req
		other.Amount = eur(amount + 1)
		if _, _, err := s.a.RecordCollection(s.ctx, sys, idemOf(idem.Key, "POST /api/v1/collections", other), other); !errors.Is(err, app.ErrKeyReused) {
			t.Fatalf("the same key with another body: %v, want ErrKeyReused", err)
		}
	}
}

// change runs one change of an existing collection through the app, expects
// what the rules said (nc, err) and keeps the model.
func (s *sim) change(t *rapid.T, op string, c, nc ledger.Collection, want error,
	call func(app.Idem) (app.CollectionView, *app.Replay, error)) bool {
	idem := idemOf(s.nextKey(), op+" "+c.ID, op)
	v, replay, err := call(idem)
	if got := ruleCode(err); got != ruleCode(want) || replay != nil {
		t.Fatalf("%s %s (%s): %q (%v), replay %v; the rules say %q", op, c.ID, c.State, got, err, replay, ruleCode(want))
	}
	if err != nil {
		return false
	}
	s.g.ops[op]++
	s.cols[c.ID] = nc
	if v.ID != c.ID || v.State != nc.State || v.PendingInERP == nc.Acked() || v.VoidReason != nc.VoidReason {
		t.Fatalf("%s: the app answered %+v, the model has %+v", op, v, nc)
	}
	if rapid.Bool().Draw(t, "retry") {
		if _, replay, err := call(idem); err != nil || replay == nil {
			t.Fatalf("retry of %s: replay %v, %v", op, replay, err)
		}
	}
	return true
}

func (s *sim) allocate(t *rapid.T) {
	c, ok := s.pick(t)
	if !ok {
		return
	}
	// Mostly an advance payment with something left to allocate.
	var open []string
	for _, id := range s.ids {
		if c := s.cols[id]; c.Allocated() < c.Amount.Minor && (c.State == ledger.Cleared || c.State == ledger.InHand) {
			open = append(open, id)
		}
	}
	if len(open) > 0 && rapid.SampledFrom([]bool{true, true, false}).Draw(t, "with room") {
		c = s.cols[rapid.SampledFrom(open).Draw(t, "advance")]
	}
	add := s.drawAllocations(t, c.CustomerID, 0, 2, c.Amount.Minor-c.Allocated())
	nc, err := ledger.Allocate(c, add, s.docsFor(add))
	if s.change(t, "allocate", c, nc, err, func(idem app.Idem) (app.CollectionView, *app.Replay, error) {
		return s.a.AllocateCollection(s.ctx, sys, idem, c.ID, requests(add))
	}) {
		s.movePending(t, add, +1)
	}
}

func (s *sim) void(t *rapid.T) {
	c, ok := s.pick(t)
	if !ok {
		return
	}
	reason := rapid.SampledFrom([]string{"typed twice", "wrong customer", " "}).Draw(t, "reason")
	nc, err := ledger.Void(c, reason)
	var pending []ledger.Allocation
	if err == nil && c.State != ledger.Voided {
		// Its allocations the ERP has not seen stop counting, and the void
		// goes to the ERP.
		for _, al := range c.Allocations {
			if !al.Acked {
				pending = append(pending, al)
			}
		}
		nc.AckedAt = time.Time{}
	}
	if s.change(t, "void", c, nc, err, func(idem app.Idem) (app.CollectionView, *app.Replay, error) {
		return s.a.VoidCollection(s.ctx, sys, idem, c.ID, reason)
	}) {
		s.movePending(t, pending, -1)
	}
}

func (s *sim) returned(t *rapid.T) {
	c, ok := s.pick(t)
	if !ok {
		return
	}
	nc, doc, err := c, (*ledger.Document)(nil), error(nil)
	if c.State != ledger.Bounced { // returning twice returns the first return
		nc, doc, err = ledger.Return(c, "RET-"+c.ID, "")
		nc.AckedAt = time.Time{}
		if doc != nil {
			nc.ReturnedDocument = doc.ID
		}
	}
	if s.change(t, "return", c, nc, err, func(idem app.Idem) (app.CollectionView, *app.Replay, error) {
		return s.a.ReturnCollection(s.ctx, sys, idem, c.ID, "bounced")
	}) && doc != nil {
		doc.IssueDate, doc.DueDate = s.today(), s.today()
		s.docs[doc.ID] = *doc
	}
}

func (s *sim) ack(t *rapid.T) {
	c, ok := s.pick(t)
	if !ok {
		return
	}
	nc := c
	var pending []ledger.Allocation
	if !c.Acked() {
		nc.AckedAt = s.clk.now()
		nc.Allocations = make([]ledger.Allocation, len(c.Allocations))
		for i, al := range c.Allocations {
			if !al.Acked && c.State != ledger.Voided {
				pending = append(pending, al)
			}
			al.Acked = true
			nc.Allocations[i] = al
		}
	}
	if s.change(t, "ack", c, nc, nil, func(idem app.Idem) (app.CollectionView, *app.Replay, error) {
		return s.a.AckCollection(s.ctx, sys, idem, c.ID)
	}) {
		s.movePending(t, pending, -1)
	}
}

// resync: the ERP sends its documents again, some changed. A document on
// which cobro holds a collection the ERP has not applied yet is often
// still fully open in the ERP.
func (s *sim) resync(t *rapid.T) {
	var stillOpen []string
	for i := range s.book.docs {
		d := &s.book.docs[i]
		m := s.docs[d.id]
		how := rapid.SampledFrom([]string{"same", "same", "same", "still open", "applied", "other payment", "dispute"}).Draw(t, "ERP "+d.id)
		switch how {
		case "still open":
			d.open = d.amount
			if m.Pending > 0 {
				stillOpen = append(stillOpen, d.id)
			}
		case "applied": // the ERP applied cobro's collection
			d.open = max64(0, d.open-m.Pending)
		case "other payment":
			d.open = rapid.Int64Range(0, d.amount).Draw(t, "ERP open "+d.id)
		case "dispute":
			d.disputed = !d.disputed
		}
		m.ERPOpen, m.Disputed = d.open, d.disputed
		s.docs[d.id] = m
	}
	mark := rapid.SampledFrom([]money.DecimalMark{money.MarkComma, money.MarkPoint}).Draw(t, "decimal mark")
	s.book.sync(t, s.a, mark)
	s.g.ops["resync"]++
	// cobro's pending collections survive the re-sync: a document the ERP
	// shows fully open is open for its amount less what cobro holds.
	for _, id := range stillOpen {
		m := s.docs[id]
		v := s.document(t, m.CustomerID, id)
		if v.PendingAmount.Minor != m.Pending || v.OpenAmount.Minor != max64(0, m.Amount-m.Pending) {
			t.Fatalf("%s after a re-sync that shows it fully open: pending %v, open %v; cobro holds %d of %d",
				id, v.PendingAmount, v.OpenAmount, m.Pending, m.Amount)
		}
		s.g.ops["still open in the ERP"]++
	}
}

func (s *sim) document(t *rapid.T, cust, id string) app.DocumentView {
	for _, v := range s.documents(t, cust) {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("document %s is gone", id)
	return app.DocumentView{}
}

func (s *sim) documents(t *rapid.T, cust string) []app.DocumentView {
	p, err := s.a.CustomerDocuments(s.ctx, sys, cust, false, "", 200)
	if err != nil || p.NextCursor != "" {
		t.Fatalf("documents of %s: %v (more than a page: %v)", cust, err, p.NextCursor != "")
	}
	return p.Items
}

// verify runs after every step: the app and the model agree on every
// figure, document and collection of the sequence's customers, and no
// collection has gone from the database.
func (s *sim) verify(t *rapid.T) {
	today := s.today()
	for _, cust := range s.book.customers {
		var docs []ledger.Document
		for _, d := range s.docs {
			if d.CustomerID == cust {
				docs = append(docs, d)
			}
		}
		var cols []ledger.Collection
		for _, id := range s.ids {
			if c := s.cols[id]; c.CustomerID == cust {
				cols = append(cols, c)
			}
		}
		want, err := ledger.Compute(docs, cols, today)
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.a.Customer(s.ctx, sys, cust)
		if err != nil {
			t.Fatal(err)
		}
		got := ledger.Figures{Balance: v.Balance.Minor, Overdue: v.Overdue.Minor, Disputed: v.Disputed.Minor, InHand: v.InHand.Minor,
			Unallocated: v.Unallocated.Minor, Conflict: v.Conflict.Minor, OpenCount: v.OpenDocuments, OverdueCount: v.OverdueDocuments,
			Owed: want.Owed} // Owed is not in the view: endOfSequence's a.Check compares every stored figure
		if got != want || v.FiguresAsOf != today {
			t.Fatalf("figures of %s as of %s:\n app   %+v (as of %s)\n rules %+v", cust, today, got, v.FiguresAsOf, want)
		}

		views := s.documents(t, cust)
		if len(views) != len(docs) {
			t.Fatalf("%s has %d documents in the app, %d in the model", cust, len(views), len(docs))
		}
		for _, dv := range views {
			m, ok := s.docs[dv.ID]
			st := m.StateAsOf(today)
			if !ok || dv.ERPOpenAmount.Minor != m.ERPOpen || dv.PendingAmount.Minor != m.Pending || dv.OpenAmount.Minor != m.Open() ||
				dv.Amount.Minor != m.Amount || dv.Status != st.Status || dv.Partial != st.Partial || dv.DaysOverdue != st.DaysOverdue ||
				dv.Disputed != m.Disputed || dv.Kind != m.Kind {
				t.Fatalf("document %s:\n app   %+v\n model %+v, %+v", dv.ID, dv, m, st)
			}
		}

		cvs, err := allCollections(s.ctx, s.a, app.CollectionQuery{CustomerID: cust})
		if err != nil {
			t.Fatal(err)
		}
		if len(cvs) != len(cols) {
			t.Fatalf("%s has %d collections in the app, %d recorded", cust, len(cvs), len(cols))
		}
		for _, cv := range cvs {
			m, ok := s.cols[cv.ID]
			if !ok || cv.State != m.State || cv.Amount != m.Amount || cv.Amount.Minor-cv.Unallocated.Minor != m.Allocated() ||
				len(cv.Allocations) != len(m.Allocations) || cv.PendingInERP == m.Acked() || cv.ReturnedDocument != m.ReturnedDocument ||
				(cv.State == ledger.Voided) != (cv.VoidReason != "") {
				t.Fatalf("collection %s:\n app   %+v\n model %+v", cv.ID, cv, m)
			}
		}
	}
	n, err := countCollections(s.ctx, s.a)
	if err != nil {
		t.Fatal(err)
	}
	if n < s.g.count {
		t.Fatalf("%d collections in the database, %d before: one was deleted", n, s.g.count)
	}
	s.g.count = n
}

func (s *sim) endOfSequence(t *rapid.T) {
	vs, err := s.a.Check(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("violation: %s %s: %s (%s)", v.Entity, v.ID, v.Rule, v.Detail)
	}
	if len(vs) > 0 {
		t.FailNow()
	}
	// Every collection ever recorded is there, once.
	all, err := allCollections(s.ctx, s.a, app.CollectionQuery{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range all {
		if seen[c.ID] || !s.g.recorded[c.ID] {
			t.Fatalf("collection %s listed twice or never recorded", c.ID)
		}
		seen[c.ID] = true
	}
	if len(seen) != len(s.g.recorded) {
		missing := slices.Sorted(maps.Keys(s.g.recorded))
		missing = slices.DeleteFunc(missing, func(id string) bool { return seen[id] })
		t.Fatalf("%d collections recorded, %d in the database; missing %v", len(s.g.recorded), len(seen), missing)
	}
}

// TestReturnedAdvanceGoesBackToTheERP: an advance payment the ERP has
// acknowledged bounces; the return must be exported to the ERP like a void
// (found by the random sequences above).
func TestReturnedAdvanceGoesBackToTheERP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _ := world(t, db)
		req := app.CollectionRequest{CustomerID: "C1", Amount: eur(5000), Instrument: ledger.InstrumentDetail{Kind: ledger.Cheque, Number: "CH-9"}}
		v, _, err := a.RecordCollection(ctx, sys, idemOf("rec", "POST", req), req)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.AckCollection(ctx, sys, idemOf("ack", "ack", nil), v.ID); err != nil {
			t.Fatal(err)
		}
		r, _, err := a.ReturnCollection(ctx, sys, idemOf("ret", "return", nil), v.ID, "bounced")
		if err != nil || r.State != ledger.Bounced || !r.PendingInERP || r.ReturnedDocument != "" {
			t.Fatalf("returned: %+v %v", r, err)
		}
		export, err := allCollections(ctx, a, app.CollectionQuery{PendingERP: true})
		if err != nil || len(export) != 1 || export[0].ID != v.ID {
			t.Fatalf("the ERP's export holds %+v (%v), want the returned cheque", export, err)
		}
		checkClean(t, a)
	})
}
