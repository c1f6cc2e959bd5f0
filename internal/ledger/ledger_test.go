package ledger

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"cobro/internal/civil"
	"cobro/internal/money"
)

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestOpenAndConflict(t *testing.T) {
	for _, c := range []struct {
		erpOpen, pending, open, conflict int64
	}{{1000, 0, 1000, 0}, {1000, 300, 700, 0}, {1000, 1000, 0, 0}, {100, 300, 0, 200}, {0, 0, 0, 0}, {0, 50, 0, 50}} {
		d := Document{Amount: 1000, ERPOpen: c.erpOpen, Pending: c.pending}
		if d.Open() != c.open || d.Conflict() != c.conflict {
			t.Errorf("ERP open %d, pending %d: open %d conflict %d; want %d %d", c.erpOpen, c.pending, d.Open(), d.Conflict(), c.open, c.conflict)
		}
	}
}

func TestStateAsOf(t *testing.T) {
	today := day("2026-11-23")
	inv := Document{Kind: Invoice, Amount: 1000, ERPOpen: 1000, DueDate: today}
	cases := []struct {
		name string
		d    func(Document) Document
		want State
	}{
		{"due today is still pending", func(d Document) Document { return d }, State{Status: Pending}},
		{"due tomorrow is pending", func(d Document) Document { d.DueDate = day("2026-11-24"); return d }, State{Status: Pending}},
		{"overdue from the day after the due date", func(d Document) Document { d.DueDate = day("2026-11-22"); return d },
			State{Status: Overdue, DaysOverdue: 1}},
		{"days overdue across a month end", func(d Document) Document { d.DueDate = day("2026-10-24"); return d },
			State{Status: Overdue, DaysOverdue: 30}},
		{"days overdue across a year end", func(d Document) Document { d.DueDate = day("2025-11-23"); return d },
			State{Status: Overdue, DaysOverdue: 365}},
		{"partly paid in the ERP", func(d Document) Document { d.ERPOpen = 400; return d }, State{Status: Pending, Partial: true}},
		{"a pending allocation partly pays", func(d Document) Document { d.Pending = 300; return d }, State{Status: Pending, Partial: true}},
		{"partly paid and overdue", func(d Document) Document { d.ERPOpen, d.Pending, d.DueDate = 600, 100, day("2026-11-13"); return d },
			State{Status: Overdue, Partial: true, DaysOverdue: 10}},
		{"nothing open is collected, whatever else", func(d Document) Document {
			d.ERPOpen, d.Disputed, d.DueDate = 0, true, day("2026-01-01")
			return d
		}, State{Status: Collected}},
		{"fully allocated in cobro is collected before the ERP knows", func(d Document) Document {
			d.Pending, d.DueDate = 1000, day("2026-01-01")
			return d
		}, State{Status: Collected}},
		{"pending beyond the ERP's open is collected, and a conflict", func(d Document) Document { d.ERPOpen, d.Pending = 100, 300; return d },
			State{Status: Collected}},
		{"a zero-amount document is collected", func(d Document) Document { d.Amount, d.ERPOpen = 0, 0; return d }, State{Status: Collected}},
		{"disputed beats overdue, days still counted", func(d Document) Document { d.Disputed, d.DueDate = true, day("2026-10-01"); return d },
			State{Status: Disputed, DaysOverdue: 53}},
		{"disputed before its due date", func(d Document) Document { d.Disputed, d.DueDate = true, day("2026-12-01"); return d },
			State{Status: Disputed}},
		{"disputed beats unpaid", func(d Document) Document { d.Kind, d.Disputed = Returned, true; return d }, State{Status: Disputed}},
		{"disputed and partly paid", func(d Document) Document { d.Disputed, d.ERPOpen = true, 10; return d },
			State{Status: Disputed, Partial: true}},
		{"returned is unpaid even before its due date", func(d Document) Document { d.Kind, d.DueDate = Returned, day("2026-12-01"); return d },
			State{Status: Unpaid}},
		{"returned past its due date is unpaid, with its days", func(d Document) Document { d.Kind, d.DueDate = Returned, day("2026-11-20"); return d },
			State{Status: Unpaid, DaysOverdue: 3}},
		{"a credit note is never overdue", func(d Document) Document { d.Kind, d.DueDate = CreditNote, day("2026-01-01"); return d },
			State{Status: Pending}},
		{"a used credit note is collected", func(d Document) Document { d.Kind, d.ERPOpen = CreditNote, 0; return d },
			State{Status: Collected}},
	}
	for _, c := range cases {
		if got := c.d(inv).StateAsOf(today); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestOfDocument(t *testing.T) {
	today := day("2026-11-23")
	past, future := day("2026-11-01"), day("2026-12-01")
	cases := []struct {
		name string
		d    Document
		want Figures
	}{
		{"pending invoice", Document{Kind: Invoice, Amount: 1000, ERPOpen: 1000, DueDate: future},
			Figures{Balance: 1000, Owed: 1000, OpenCount: 1}},
		{"overdue invoice, partly allocated", Document{Kind: Invoice, Amount: 1000, ERPOpen: 800, Pending: 300, DueDate: past},
			Figures{Balance: 500, Owed: 500, Overdue: 500, OpenCount: 1, OverdueCount: 1}},
		{"returned item counts as overdue", Document{Kind: Returned, Amount: 70, ERPOpen: 70, DueDate: future},
			Figures{Balance: 70, Owed: 70, Overdue: 70, OpenCount: 1, OverdueCount: 1}},
		{"disputed and past due: disputed, not overdue", Document{Kind: Invoice, Amount: 40, ERPOpen: 40, Disputed: true, DueDate: past},
			Figures{Balance: 40, Owed: 40, Disputed: 40, OpenCount: 1}},
		{"credit note lowers the balance, counts nowhere else", Document{Kind: CreditNote, Amount: 100, ERPOpen: 60, DueDate: past},
			Figures{Balance: -60}},
		{"paid invoice adds nothing", Document{Kind: Invoice, Amount: 100, DueDate: past}, Figures{}},
		{"conflict only", Document{Kind: Invoice, Amount: 100, ERPOpen: 20, Pending: 50, DueDate: past}, Figures{Conflict: 30}},
		{"the zero document", Document{}, Figures{}},
	}
	for _, c := range cases {
		if got := OfDocument(c.d, today); got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

func TestOfCollection(t *testing.T) {
	acked := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	alloc := []Allocation{{DocumentID: "F", Amount: 300}}
	cases := []struct {
		name string
		c    Collection
		want Figures
	}{
		{"cheque in hand, partly allocated", Collection{Amount: money.New(1000, "EUR"), State: InHand, Allocations: alloc},
			Figures{InHand: 1000, Unallocated: 700, Balance: -700}},
		{"cash, fully allocated", Collection{Amount: money.New(300, "EUR"), State: Cleared, Allocations: alloc}, Figures{}},
		{"an advance payment", Collection{Amount: money.New(500, "EUR"), State: Cleared}, Figures{Unallocated: 500, Balance: -500}},
		{"acknowledged: the ERP has the rest", Collection{Amount: money.New(1000, "EUR"), State: Cleared, AckedAt: acked, Allocations: alloc},
			Figures{}},
		{"acknowledged cheque still in hand", Collection{Amount: money.New(1000, "EUR"), State: InHand, AckedAt: acked},
			Figures{InHand: 1000}},
		{"voided", Collection{Amount: money.New(1000, "EUR"), State: Voided, Allocations: alloc}, Figures{}},
		{"returned", Collection{Amount: money.New(1000, "EUR"), State: Bounced, Allocations: alloc}, Figures{}},
		{"the zero collection", Collection{}, Figures{}},
	}
	for _, c := range cases {
		if got := OfCollection(c.c); got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

func TestCompute(t *testing.T) {
	today := day("2026-11-23")
	docs := []Document{
		{ID: "a", Kind: Invoice, Amount: 1000, ERPOpen: 1000, DueDate: day("2026-11-01")},             // overdue
		{ID: "b", Kind: Invoice, Amount: 500, ERPOpen: 500, Pending: 200, DueDate: day("2026-12-01")}, // pending 300
		{ID: "c", Kind: CreditNote, Amount: 100, ERPOpen: 100},
		{ID: "d", Kind: Returned, Amount: 70, ERPOpen: 70, DueDate: day("2026-12-01")},
		{ID: "e", Kind: Invoice, Amount: 40, ERPOpen: 40, Disputed: true, DueDate: day("2026-01-01")},
		{ID: "f", Kind: Invoice, Amount: 10, ERPOpen: 5, Pending: 8, DueDate: day("2026-01-01")}, // conflict 3
	}
	cols := []Collection{
		{Amount: money.New(900, "EUR"), State: InHand, Allocations: []Allocation{{DocumentID: "b", Amount: 200}, {DocumentID: "f", Amount: 8}}},
		{Amount: money.New(50, "EUR"), State: Voided},
		{Amount: money.New(60, "EUR"), State: Cleared},
	}
	f := must(Compute(docs, cols, today))
	want := Figures{Balance: 1000 + 300 - 100 + 70 + 40 - 692 - 60, Owed: 1000 + 300 + 70 + 40, Overdue: 1070, Disputed: 40, InHand: 900, Unallocated: 752,
		Conflict: 3, OpenCount: 4, OverdueCount: 2}
	if f != want {
		t.Fatalf("figures\n got %+v\nwant %+v", f, want)
	}
	if f.Risk() != want.Balance+900 {
		t.Errorf("risk %d", f.Risk())
	}
	lim := int64(1000)
	if avail, ok := f.Available(&lim); !ok || avail != 1000-f.Risk() {
		t.Errorf("available %d %v", avail, ok)
	}
	if _, ok := f.Available(nil); ok {
		t.Error("no limit means no available credit")
	}
	if must(Compute(nil, nil, today)) != (Figures{}) {
		t.Error("nothing computes to zero")
	}
	// A document's delta keeps the figures equal to a recomputation.
	nb := docs[1]
	nb.ERPOpen = 100
	moved := plus(f, must(DocumentDelta(docs[1], nb, today)))
	docs[1] = nb
	if moved != must(Compute(docs, cols, today)) {
		t.Errorf("document delta drifted: %+v vs %+v", moved, must(Compute(docs, cols, today)))
	}
	// And a collection's.
	nc := cols[0]
	nc.State = Cleared
	moved = plus(moved, must(CollectionDelta(cols[0], nc)))
	cols[0] = nc
	if moved != must(Compute(docs, cols, today)) {
		t.Errorf("collection delta drifted: %+v vs %+v", moved, must(Compute(docs, cols, today)))
	}
}

func TestCheckDocument(t *testing.T) {
	cust := Customer{ID: "C", Currency: "EUR"}
	base := Document{ID: "F", CustomerID: "C", Kind: Invoice, Currency: "EUR", Amount: 1000, ERPOpen: 400}
	with := func(f func(*Document)) Document { d := base; f(&d); return d }
	cases := []struct {
		d     Document
		code  string
		field string
	}{
		{base, "", ""},
		{with(func(d *Document) { d.ERPOpen = 1000 }), "", ""},
		{with(func(d *Document) { d.Amount, d.ERPOpen = 0, 0 }), "", ""},
		{with(func(d *Document) { d.Kind = "receipt" }), "bad_kind", "kind"},
		{with(func(d *Document) { d.Currency = "USD" }), "currency_mismatch", "currency"},
		{with(func(d *Document) { d.Amount = -1 }), "negative_amount", "amount"},
		{with(func(d *Document) { d.ERPOpen = -1 }), "negative_amount", "amount"},
		{with(func(d *Document) { d.ERPOpen = 1001 }), "open_exceeds_amount", "open_amount"},
	}
	for i, c := range cases {
		checkRule(t, i, CheckDocument(c.d, cust), c.code, c.field, nil)
	}
}

// checkRule checks that err is nil when code is empty, and otherwise a
// *RuleError with that code and field wrapping kind (when given).
func checkRule(t *testing.T, i int, err error, code, field string, kind error) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Errorf("case %d: unexpected %v", i, err)
		}
		return
	}
	var re *RuleError
	if !errors.As(err, &re) || re.Code != code || re.Field != field || kind != nil && !errors.Is(err, kind) {
		t.Errorf("case %d: %v, want %s at %q (%v)", i, err, code, field, kind)
		return
	}
	if re.Message == "" || re.Error() == "" {
		t.Errorf("case %d: a rule error without a message", i)
	}
}

func TestCheckNewCollection(t *testing.T) {
	cust := Customer{ID: "C", Currency: "EUR"}
	docs := map[string]Document{
		"F1": {ID: "F1", CustomerID: "C", Kind: Invoice, Amount: 1000, ERPOpen: 1000},
		"F2": {ID: "F2", CustomerID: "X", Kind: Invoice, Amount: 1000, ERPOpen: 1000},
		"A1": {ID: "A1", CustomerID: "C", Kind: CreditNote, Amount: 100, ERPOpen: 100},
		"R1": {ID: "R1", CustomerID: "C", Kind: Returned, Amount: 70, ERPOpen: 70},
		"F3": {ID: "F3", CustomerID: "C", Kind: Invoice, Amount: 1000, ERPOpen: 800, Pending: 600}, // 200 open
	}
	base := Collection{CustomerID: "C", Amount: money.New(500, "EUR"), Instrument: InstrumentDetail{Kind: Cash}}
	with := func(f func(*Collection)) Collection { c := base; f(&c); return c }
	allocs := func(as ...Allocation) func(*Collection) { return func(c *Collection) { c.Allocations = as } }
	cases := []struct {
		c     Collection
		code  string
		field string
		kind  error
	}{
		{base, "", "", nil}, // an advance payment
		{with(allocs(Allocation{"F1", 500, false})), "", "", nil},
		{with(allocs(Allocation{"F3", 200, false}, Allocation{"R1", 70, false})), "", "", nil}, // exactly what is open
		{with(func(c *Collection) { c.Instrument = InstrumentDetail{Kind: Cheque, Number: "123"} }), "", "", nil},
		{with(func(c *Collection) {
			c.Instrument = InstrumentDetail{Kind: PromissoryNote, Number: "P", DueDate: day("2027-01-01")}
		}), "", "", nil},
		{with(func(c *Collection) { c.CustomerID = "X" }), "wrong_customer", "customer_id", ErrInvalid},
		{with(func(c *Collection) { c.Amount = money.New(500, "USD") }), "currency_mismatch", "amount.currency", ErrCurrency},
		{with(func(c *Collection) { c.Amount.Minor = 0 }), "amount_not_positive", "amount.amount", ErrInvalid},
		{with(func(c *Collection) { c.Amount.Minor = -5 }), "amount_not_positive", "amount.amount", ErrInvalid},
		{with(func(c *Collection) { c.Instrument.Kind = DirectDebit }), "bad_instrument", "instrument.kind", ErrInvalid},
		{with(func(c *Collection) { c.Instrument.Kind = "" }), "bad_instrument", "instrument.kind", ErrInvalid},
		{with(func(c *Collection) { c.Instrument.Kind = Cheque }), "required", "instrument.number", ErrInvalid},
		{with(func(c *Collection) { c.Instrument = InstrumentDetail{Kind: Bizum} }), "", "", nil},
		{with(func(c *Collection) { c.Instrument = InstrumentDetail{Kind: Other, Label: "gift voucher"} }), "", "", nil},
		{with(func(c *Collection) { c.Instrument = InstrumentDetail{Kind: Other, Label: " "} }), "required", "instrument.label", ErrInvalid},
		{with(func(c *Collection) {
			c.Instrument = InstrumentDetail{Kind: Other, Label: strings.Repeat("x", MaxNameLen+1)}
		}), "text_too_long", "instrument.label", ErrInvalid},
		{with(func(c *Collection) { c.Instrument = InstrumentDetail{Kind: Cheque, Number: "  "} }), "required", "instrument.number", ErrInvalid},
		{with(func(c *Collection) { c.Instrument = InstrumentDetail{Kind: PromissoryNote, Number: "P"} }), "required", "instrument.due_date", ErrInvalid},
		{with(allocs(Allocation{"F9", 1, false})), "unknown_document", "allocations[0].document_id", ErrInvalid},
		{with(allocs(Allocation{"F1", 1, false}, Allocation{"F2", 1, false})), "unknown_document", "allocations[1].document_id", ErrInvalid},
		{with(allocs(Allocation{"A1", 1, false})), "not_owed", "allocations[0].document_id", ErrInvalid},
		{with(allocs(Allocation{"F1", 1, false}, Allocation{"F1", 1, false})), "duplicate_document", "allocations[1].document_id", ErrInvalid},
		{with(allocs(Allocation{"F1", 0, false})), "amount_not_positive", "allocations[0].amount", ErrInvalid},
		{with(allocs(Allocation{"F1", -1, false})), "amount_not_positive", "allocations[0].amount", ErrInvalid},
		{with(func(c *Collection) {
			c.Amount.Minor = 2000
			c.Allocations = []Allocation{{"F1", 1001, false}}
		}), "allocation_exceeds_open", "allocations[0].amount", ErrOverAllocated},
		{with(allocs(Allocation{"F3", 201, false})), "allocation_exceeds_open", "allocations[0].amount", ErrOverAllocated}, // pending counts
		{with(allocs(Allocation{"F1", 501, false})), "allocations_exceed_amount", "allocations[0].amount", ErrOverAllocated},
		{with(allocs(Allocation{"F1", 450, false}, Allocation{"R1", 51, false})), "allocations_exceed_amount", "allocations[1].amount", ErrOverAllocated},
		// Bounds: no money value over money.MaxMinor, no text over its limit.
		{with(func(c *Collection) { c.Amount.Minor = money.MaxMinor }), "", "", nil},
		{with(func(c *Collection) { c.Amount.Minor = money.MaxMinor + 1 }), "amount_too_large", "amount.amount", ErrInvalid},
		{with(func(c *Collection) { c.Amount.Minor = math.MaxInt64 }), "amount_too_large", "amount.amount", ErrInvalid},
		{with(func(c *Collection) {
			c.Amount.Minor = math.MaxInt64
			c.Allocations = []Allocation{{"F1", math.MaxInt64, false}}
		}), "amount_too_large", "amount.amount", ErrInvalid},
		{with(func(c *Collection) {
			c.Instrument = InstrumentDetail{Kind: Cheque, Number: strings.Repeat("9", MaxCodeLen+1)}
		}), "text_too_long", "instrument.number", ErrInvalid},
		{with(func(c *Collection) {
			c.Instrument = InstrumentDetail{Kind: Cheque, Number: "1", Bank: strings.Repeat("ñ", MaxNameLen+1)}
		}), "text_too_long", "instrument.bank", ErrInvalid},
		{with(func(c *Collection) { c.Instrument.Bank = strings.Repeat("ñ", MaxNameLen) }), "", "", nil}, // characters, not bytes
		{with(func(c *Collection) { c.DeviceID = strings.Repeat("d", MaxCodeLen+1) }), "text_too_long", "device_id", ErrInvalid},
	}
	for i, c := range cases {
		checkRule(t, i, CheckNewCollection(cust, c.c, docs), c.code, c.field, c.kind)
	}
}

// An allocation to another customer's document (another agent's, say)
// gets exactly the answer an unknown document gets, so it confirms
// nothing about the id.
func TestAnotherCustomersDocumentIsUnknown(t *testing.T) {
	cust := Customer{ID: "C", Currency: "EUR"}
	c := Collection{CustomerID: "C", Amount: money.New(500, "EUR"), Instrument: InstrumentDetail{Kind: Cash},
		Allocations: []Allocation{{DocumentID: "F2", Amount: 100}}}
	other := CheckNewCollection(cust, c, map[string]Document{"F2": {ID: "F2", CustomerID: "X", Kind: Invoice, Amount: 1000, ERPOpen: 1000}})
	unknown := CheckNewCollection(cust, c, map[string]Document{})
	if other == nil || !reflect.DeepEqual(other, unknown) {
		t.Fatalf("another customer's document: %#v\nunknown document: %#v", other, unknown)
	}
	_, other = Allocate(Collection{CustomerID: "C", Amount: money.New(500, "EUR"), State: Cleared}, c.Allocations,
		map[string]Document{"F2": {ID: "F2", CustomerID: "X", Kind: Invoice, Amount: 1000, ERPOpen: 1000}})
	if !reflect.DeepEqual(other, unknown) {
		t.Fatalf("Allocate: %#v, want %#v", other, unknown)
	}
}

// Messages name amounts as money, never as raw minor units; the amounts
// travel in Args for the edges to format in the reader's language.
func TestRuleMessagesShowMoney(t *testing.T) {
	cust := Customer{ID: "C", Currency: "EUR"}
	docs := map[string]Document{"F-1": {ID: "F-1", CustomerID: "C", Kind: Invoice, Amount: 50000, ERPOpen: 35812}}
	c := Collection{CustomerID: "C", Amount: money.New(40000, "EUR"), Instrument: InstrumentDetail{Kind: Cash},
		Allocations: []Allocation{{DocumentID: "F-1", Amount: 40000}}}
	err := CheckNewCollection(cust, c, docs)
	var re *RuleError
	if !errors.As(err, &re) || re.Message != "400.00 EUR is more than the 358.12 EUR open on F-1" {
		t.Fatalf("message: %v", err)
	}
	want := []any{"amount", money.New(40000, "EUR"), "open", money.New(35812, "EUR"), "document", "F-1"}
	if !reflect.DeepEqual(re.Args, want) {
		t.Fatalf("args %v, want %v", re.Args, want)
	}
	c.Allocations[0].Amount = 30000
	c.Amount.Minor = 20000
	if err := CheckNewCollection(cust, c, docs); err == nil || !strings.Contains(err.Error(), "300.00 EUR, more than the collection's 200.00 EUR") {
		t.Fatalf("allocations over the collection: %v", err)
	}
	c.Amount.Minor = money.MaxMinor + 1
	if err := CheckNewCollection(cust, c, docs); err == nil || !strings.Contains(err.Error(), "100000000000.01 EUR is more than the largest amount cobro accepts (100000000000.00 EUR)") {
		t.Fatalf("too large: %v", err)
	}
}

func TestCheckCustomerAndDocumentBounds(t *testing.T) {
	limit := func(n int64) *int64 { return &n }
	for i, c := range []struct {
		cust  Customer
		code  string
		field string
	}{
		{Customer{ID: "C", Name: "Núñez", Currency: "EUR", CreditLimit: limit(money.MaxMinor)}, "", ""},
		{Customer{ID: "C", Name: "Núñez", Currency: "EUR", CreditLimit: limit(money.MaxMinor + 1)}, "amount_too_large", "credit_limit"},
		{Customer{ID: "C", Name: "Núñez", Currency: "EUR", CreditLimit: limit(-1)}, "negative_amount", "credit_limit"},
		{Customer{ID: "C", Name: strings.Repeat("n", MaxNameLen+1), Currency: "EUR"}, "text_too_long", "name"},
		{Customer{ID: strings.Repeat("c", MaxIDLen+1), Name: "N", Currency: "EUR"}, "text_too_long", "customer_id"},
		{Customer{ID: "C", Name: "N", Email: strings.Repeat("e", MaxEmailLen+1), Currency: "EUR"}, "text_too_long", "email"},
		{Customer{ID: "C", Name: "N", Route: strings.Repeat("r", MaxCodeLen+1), Currency: "EUR"}, "text_too_long", "route"},
	} {
		checkRule(t, i, CheckCustomer(c.cust), c.code, c.field, nil)
	}
	cust := Customer{ID: "C", Currency: "EUR"}
	doc := Document{ID: "F", CustomerID: "C", Kind: Invoice, Currency: "EUR", Amount: money.MaxMinor, ERPOpen: money.MaxMinor}
	checkRule(t, 100, CheckDocument(doc, cust), "", "", nil)
	doc.Amount = money.MaxMinor + 1
	checkRule(t, 101, CheckDocument(doc, cust), "amount_too_large", "amount", ErrInvalid)
	doc.Amount, doc.Number = 1, strings.Repeat("n", MaxIDLen+1)
	doc.ERPOpen = 1
	checkRule(t, 102, CheckDocument(doc, cust), "text_too_long", "number", ErrInvalid)
}

func TestAllocate(t *testing.T) {
	docs := map[string]Document{
		"F1": {ID: "F1", CustomerID: "C", Kind: Invoice, Amount: 1000, ERPOpen: 1000},
		"F2": {ID: "F2", CustomerID: "C", Kind: Invoice, Amount: 1000, ERPOpen: 150},
	}
	acked := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	adv := Collection{ID: "K", CustomerID: "C", Amount: money.New(500, "EUR"), State: Cleared, AckedAt: acked,
		Allocations: []Allocation{{DocumentID: "F1", Amount: 100, Acked: true}}}
	got, err := Allocate(adv, []Allocation{{DocumentID: "F2", Amount: 150}}, docs)
	if err != nil || got.Allocated() != 250 || len(got.Allocations) != 2 || got.Acked() {
		t.Fatalf("allocate: %+v %v", got, err)
	}
	if len(adv.Allocations) != 1 || !adv.Acked() {
		t.Fatalf("Allocate changed its argument: %+v", adv)
	}
	cases := []struct {
		c     func(Collection) Collection
		add   []Allocation
		code  string
		field string
		kind  error
	}{
		{func(c Collection) Collection { return c }, nil, "required", "allocations", ErrInvalid},
		{func(c Collection) Collection { c.State = Voided; return c }, []Allocation{{DocumentID: "F1", Amount: 1}}, "collection_closed", "", ErrState},
		{func(c Collection) Collection { c.State = Bounced; return c }, []Allocation{{DocumentID: "F1", Amount: 1}}, "collection_closed", "", ErrState},
		{func(c Collection) Collection { return c }, []Allocation{{DocumentID: "F2", Amount: 151}}, "allocation_exceeds_open", "allocations[0].amount", ErrOverAllocated},
		// 100 already allocated: 401 more is over the collection.
		{func(c Collection) Collection { return c }, []Allocation{{DocumentID: "F1", Amount: 401}}, "allocations_exceed_amount", "allocations[0].amount", ErrOverAllocated},
		{func(c Collection) Collection { return c }, []Allocation{{DocumentID: "F1", Amount: 400}}, "", "", nil},
		{func(c Collection) Collection { c.State = InHand; return c }, []Allocation{{DocumentID: "F2", Amount: 1}}, "", "", nil},
	}
	for i, c := range cases {
		_, err := Allocate(c.c(adv), c.add, docs)
		checkRule(t, i, err, c.code, c.field, c.kind)
	}
}

func TestVoid(t *testing.T) {
	c := Collection{ID: "K", CustomerID: "C", Amount: money.New(500, "EUR"), State: InHand,
		Instrument: InstrumentDetail{Kind: Cheque, Number: "1"}, Allocations: []Allocation{{DocumentID: "F1", Amount: 300}}}
	for _, reason := range []string{"", " \t"} {
		if _, err := Void(c, reason); !errors.Is(err, ErrInvalid) {
			t.Errorf("void with reason %q: %v", reason, err)
		}
	}
	v, err := Void(c, "  typo ")
	if err != nil || v.State != Voided || v.VoidReason != "typo" || v.Allocated() != 300 {
		t.Fatalf("void %+v %v", v, err)
	}
	if c.State != InHand {
		t.Fatal("Void changed its argument")
	}
	// Voiding again returns the first void, reason and all.
	if v2, err := Void(v, "again"); err != nil || v2.VoidReason != "typo" || v2.State != Voided {
		t.Errorf("voiding twice: %+v %v", v2, err)
	}
	cl := c
	cl.State = Cleared
	if v, err := Void(cl, "wrong customer"); err != nil || v.State != Voided {
		t.Errorf("voiding a cleared collection: %+v %v", v, err)
	}
	r := c
	r.State = Bounced
	var re *RuleError
	if _, err := Void(r, "x"); !errors.As(err, &re) || re.Code != "collection_returned" || !errors.Is(err, ErrState) {
		t.Errorf("voiding a returned collection: %v", err)
	}
}

func TestClear(t *testing.T) {
	for _, c := range []struct {
		from, to CollectionState
		ok       bool
	}{{InHand, Cleared, true}, {Cleared, Cleared, true}, {Voided, Voided, false}, {Bounced, Bounced, false}} {
		got, err := Clear(Collection{State: c.from})
		var re *RuleError
		switch {
		case c.ok && (err != nil || got.State != c.to):
			t.Errorf("clear %s: %s %v", c.from, got.State, err)
		case !c.ok && (!errors.As(err, &re) || re.Code != "not_in_hand" || !errors.Is(err, ErrState) || got.State != c.from):
			t.Errorf("clear %s: %s %v; want not_in_hand", c.from, got.State, err)
		}
	}
}

func TestReturn(t *testing.T) {
	c := Collection{ID: "K", CustomerID: "C", Amount: money.New(500, "EUR"), State: InHand,
		Instrument:  InstrumentDetail{Kind: Cheque, Number: "1"},
		Allocations: []Allocation{{DocumentID: "F1", Amount: 300}, {DocumentID: "F2", Amount: 150, Acked: true}}}
	for _, from := range []CollectionState{InHand, Cleared} {
		c.State = from
		r, doc, err := Return(c, "RET-K", "RET-1")
		if err != nil || r.State != Bounced || r.Allocated() != 450 {
			t.Fatalf("return from %s: %+v %v", from, r, err)
		}
		want := Document{ID: "RET-K", CustomerID: "C", Kind: Returned, Number: "RET-1", Currency: "EUR", Amount: 450, ERPOpen: 450, Instrument: Cheque}
		if doc == nil || *doc != want {
			t.Fatalf("returned item %+v, want %+v", doc, want)
		}
		if doc.StateAsOf(day("2026-01-01")).Status != Unpaid {
			t.Errorf("a returned item is unpaid")
		}
	}
	// An advance that bounced re-opens nothing.
	adv := Collection{ID: "A", CustomerID: "C", Amount: money.New(500, "EUR"), State: Cleared}
	if r, doc, err := Return(adv, "RET-A", "RET-A"); err != nil || doc != nil || r.State != Bounced {
		t.Errorf("returning an advance: %+v %+v %v", r, doc, err)
	}
	for _, from := range []CollectionState{Voided, Bounced} {
		c.State = from
		var re *RuleError
		if r, doc, err := Return(c, "RET-K", "RET-1"); !errors.As(err, &re) || re.Code != "not_returnable" || doc != nil || r.State != from {
			t.Errorf("return from %s: %+v %+v %v", from, r, doc, err)
		}
	}
}

func TestKindsAndInstruments(t *testing.T) {
	for k, owed := range map[Kind]bool{Invoice: true, Returned: true, CreditNote: false} {
		if !k.Valid() || k.Owed() != owed {
			t.Errorf("%s: valid %v owed %v", k, k.Valid(), k.Owed())
		}
	}
	if Kind("receipt").Valid() || Kind("receipt").Owed() {
		t.Error("unknown kind accepted")
	}
	for _, in := range []Instrument{Cash, Cheque, PromissoryNote, Transfer, Card, Bizum, Other} {
		if !in.ValidCollected() || !in.ValidExpected() {
			t.Errorf("%s should be valid both ways", in)
		}
	}
	for _, in := range []Instrument{DirectDebit} {
		if in.ValidCollected() || !in.ValidExpected() {
			t.Errorf("%s is expected, never collected", in)
		}
	}
	if !Cheque.ClearsLater() || !PromissoryNote.ClearsLater() || Cash.ClearsLater() || Transfer.ClearsLater() || Card.ClearsLater() {
		t.Error("only cheques and promissory notes clear later")
	}
}

// TestHowToPayLanguage: the statement's language first, then the
// company's, then whichever is written.
func TestHowToPayLanguage(t *testing.T) {
	both := Company{Language: "es", HowToPayEN: "transfer", HowToPayES: "transferencia"}
	onlyES := Company{Language: "es", HowToPayES: "transferencia"}
	onlyEN := Company{Language: "es", HowToPayEN: "transfer"}
	for _, c := range []struct {
		c    Company
		lang string
		want string
	}{
		{both, "en", "transfer"}, {both, "es", "transferencia"}, {both, "fr", "transferencia"},
		{onlyES, "en", "transferencia"}, {onlyEN, "es", "transfer"}, {Company{}, "en", ""},
	} {
		if got := c.c.HowToPay(c.lang); got != c.want {
			t.Errorf("%+v in %s: %q, want %q", c.c, c.lang, got, c.want)
		}
	}
}

func TestCollectionDates(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	setUp := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for i, c := range []struct {
		at, setUp time.Time
		code      string
	}{
		{now, setUp, ""},
		{now.Add(MaxCollectedAhead), setUp, ""},
		{now.Add(MaxCollectedAhead + time.Second), setUp, "collected_in_future"},
		{setUp, setUp, ""},
		{setUp.Add(-time.Second), setUp, "collected_before_setup"},
		{now.Add(-MaxCollectedAge), time.Time{}, ""}, // no set-up known: the window alone
		{now.Add(-MaxCollectedAge - time.Second), time.Time{}, "collected_too_early"},
		{time.Time{}.Add(time.Hour), time.Time{}, "collected_too_early"},
	} {
		checkRule(t, i, CheckCollectedAt(c.at, now, c.setUp), c.code, "collected_at", nil)
	}
	today := day("2026-11-23")
	for i, c := range []struct {
		due  string
		code string
	}{
		{"2000-01-01", ""}, {"1999-12-31", "bad_due_date"}, {"2036-11-23", ""}, {"2036-11-24", "bad_due_date"}, {"", ""},
	} {
		var d civil.Date
		if c.due != "" {
			d = day(c.due)
		}
		checkRule(t, i, CheckDueDate("instrument.due_date", d, today), c.code, "instrument.due_date", nil)
	}
	// 29 February ten years on is 1 March.
	checkRule(t, 99, CheckDueDate("d", day("2038-03-01"), day("2028-02-29")), "", "", nil)
	checkRule(t, 98, CheckDueDate("d", day("2038-03-02"), day("2028-02-29")), "bad_due_date", "d", nil)
}

// Whatever the amounts, a collection the rules accept holds no money value
// over money.MaxMinor, and its allocations cannot overflow their sum.
func TestAcceptedAmountsAreBounded(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		huge := rapid.OneOf(rapid.Int64(), rapid.Int64Range(money.MaxMinor-2, money.MaxMinor+2), rapid.Int64Range(-3, 1000))
		docs := map[string]Document{}
		var allocs []Allocation
		for i := range rapid.IntRange(0, 4).Draw(t, "n") {
			id := fmt.Sprintf("F%d", i)
			amt := rapid.Int64Range(0, money.MaxMinor).Draw(t, "doc")
			docs[id] = Document{ID: id, CustomerID: "C", Kind: Invoice, Amount: amt, ERPOpen: amt}
			allocs = append(allocs, Allocation{DocumentID: id, Amount: huge.Draw(t, "alloc")})
		}
		c := Collection{CustomerID: "C", Amount: money.New(huge.Draw(t, "amount"), "EUR"), Instrument: InstrumentDetail{Kind: Cash},
			Allocations: allocs}
		if CheckNewCollection(Customer{ID: "C", Currency: "EUR"}, c, docs) != nil {
			return
		}
		if c.Amount.Check() != nil || c.Amount.Minor <= 0 {
			t.Fatalf("accepted amount %d", c.Amount.Minor)
		}
		sum := int64(0)
		for _, a := range allocs {
			if money.CheckMinor(a.Amount) != nil || a.Amount <= 0 {
				t.Fatalf("accepted allocation %d", a.Amount)
			}
			sum += a.Amount
		}
		if sum > c.Amount.Minor {
			t.Fatalf("allocations %d over the collection %d", sum, c.Amount.Minor)
		}
	})
}
