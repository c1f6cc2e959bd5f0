package ledger

import (
	"errors"
	"math"
	"testing"
	"time"

	"cobro/internal/money"
)

func must(f Figures, err error) Figures {
	if err != nil {
		panic(err)
	}
	return f
}

func plus(a, b Figures) Figures  { return must(a.Add(b)) }
func minus(a, b Figures) Figures { return must(a.Sub(b)) }

// TestFiguresChecked: a sum or difference that leaves int64 in any field,
// or in the risk, is ErrOutOfRange and leaves the figures as they were.
func TestFiguresChecked(t *testing.T) {
	big := Figures{Balance: math.MaxInt64 - 1}
	for _, c := range []struct {
		name string
		got  func() (Figures, error)
	}{
		{"balance over the top", func() (Figures, error) { return big.Add(Figures{Balance: 2}) }},
		{"count over the top", func() (Figures, error) { return Figures{OpenCount: math.MaxInt64}.Add(Figures{OpenCount: 1}) }},
		{"below the bottom", func() (Figures, error) { return Figures{Conflict: math.MinInt64 + 1}.Add(Figures{Conflict: -2}) }},
		{"subtracting the smallest", func() (Figures, error) { return Figures{}.Sub(Figures{Overdue: math.MinInt64}) }},
		{"risk out of range", func() (Figures, error) { return big.Add(Figures{InHand: 5}) }},
		{"a delta between extremes", func() (Figures, error) {
			owed := Document{Kind: Invoice, Amount: math.MaxInt64, ERPOpen: math.MaxInt64}
			credit := Document{Kind: CreditNote, Amount: math.MaxInt64, ERPOpen: math.MaxInt64}
			return DocumentDelta(credit, owed, day("2026-11-23"))
		}},
	} {
		f, err := c.got()
		if !errors.Is(err, ErrInvalid) || err != ErrOutOfRange {
			t.Errorf("%s: %+v, %v; want ErrOutOfRange", c.name, f, err)
		}
	}
	if s, err := big.Add(Figures{Balance: 1}); err != nil || s.Balance != math.MaxInt64 {
		t.Errorf("the largest sum: %+v, %v", s, err)
	}
	var fx Effects
	if err := fx.Move("C", Figures{Balance: math.MaxInt64}); err != nil {
		t.Fatal(err)
	}
	if err := fx.Move("C", Figures{Balance: 1}); err != ErrOutOfRange || fx.Delta("C").Balance != math.MaxInt64 {
		t.Errorf("effects summed past the top: %v, %+v", err, fx.Delta("C"))
	}
}

// TestCollectionDecisions: each decision's effects are exactly the
// figures Compute gives after the change minus before, with one audit
// record and one outbox event of the right kinds; an unchanged collection
// has no effects.
func TestCollectionDecisions(t *testing.T) {
	today := day("2026-11-23")
	cust := Customer{ID: "C", Currency: "EUR"}
	docs := map[string]Document{
		"F1": {ID: "F1", CustomerID: "C", Kind: Invoice, Currency: "EUR", Amount: 1000, ERPOpen: 1000, DueDate: day("2026-11-01")},
		"F2": {ID: "F2", CustomerID: "C", Kind: Invoice, Currency: "EUR", Amount: 500, ERPOpen: 500, DueDate: day("2026-12-01")},
	}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	c := Collection{ID: "K", CustomerID: "C", Amount: money.New(900, "EUR"), Instrument: InstrumentDetail{Kind: Cheque, Number: "1"},
		State: InHand, CollectedAt: at, Allocations: []Allocation{{DocumentID: "F1", Amount: 600}}}
	state := func(docs map[string]Document, cols []Collection, extra *Document) Figures {
		var ds []Document
		for _, d := range docs {
			ds = append(ds, d)
		}
		if extra != nil {
			ds = append(ds, *extra)
		}
		return must(Compute(ds, cols, today))
	}
	applied := func(docs map[string]Document, ch CollectionChange) map[string]Document {
		out := clone(docs)
		for _, m := range ch.Pending {
			d := out[m.DocumentID]
			d.Pending += m.Amount
			out[m.DocumentID] = d
		}
		return out
	}
	check := func(name, topic string, before map[string]Document, cols []Collection, ch CollectionChange, err error) map[string]Document {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		after := applied(before, ch)
		var afterCols []Collection
		for _, k := range cols {
			if k.ID != ch.New.ID {
				afterCols = append(afterCols, k)
			}
		}
		afterCols = append(afterCols, ch.New)
		want := minus(state(after, afterCols, ch.Created), state(before, cols, nil))
		if got := ch.Effects.Delta("C"); got != want {
			t.Errorf("%s: delta %+v, want %+v", name, got, want)
		}
		if len(ch.Effects.Outbox) != 1 || ch.Effects.Outbox[0].Kind != topic || ch.Effects.Outbox[0].EntityID != "K" ||
			len(ch.Effects.Audit) != 1 || ch.Effects.Audit[0].Kind != auditActions[topic] {
			t.Errorf("%s: events %+v %+v", name, ch.Effects.Audit, ch.Effects.Outbox)
		}
		if ch.Created != nil {
			after[ch.Created.ID] = *ch.Created
		}
		return after
	}
	ch, err := RecordCollection(cust, c, docs, today)
	docs = check("record", TopicCollectionRecorded, docs, nil, ch, err)
	c = ch.New
	ch, err = AllocateCollection(c, []Allocation{{DocumentID: "F2", Amount: 300}}, docs, today)
	docs = check("allocate", TopicCollectionAllocated, docs, []Collection{c}, ch, err)
	c = ch.New
	ch, err = AckCollection(c, at, docs, today)
	acked := check("ack", TopicCollectionAcknowledged, docs, []Collection{c}, ch, err)
	if again, err := AckCollection(ch.New, at, acked, today); err != nil || again.Changed() || !again.Effects.IsZero() {
		t.Errorf("acknowledging twice: %+v, %v", again, err)
	}
	ch, err = VoidCollection(c, "typed twice", docs, today)
	check("void", TopicCollectionVoided, docs, []Collection{c}, ch, err)
	if ch.Effects.Outbox[0].Detail["reason"] != "typed twice" {
		t.Errorf("the void's event does not say why: %+v", ch.Effects.Outbox[0].Detail)
	}
	if again, err := VoidCollection(ch.New, "again", docs, today); err != nil || again.Changed() || !again.Effects.IsZero() {
		t.Errorf("voiding twice: %+v, %v", again, err)
	}
	ch, err = ClearCollection(c)
	cleared := check("clear", TopicCollectionCleared, docs, []Collection{c}, ch, err)
	c = ch.New
	ch, err = ReturnCollection(c, "RET-K", "RET-1", "bounced", today)
	check("return", TopicCollectionReturned, cleared, []Collection{c}, ch, err)
	if ch.Created == nil || ch.Created.Amount != 900 || ch.New.ReturnedDocument != "RET-K" || ch.Created.DueDate != today {
		t.Errorf("the return re-opens %+v (%+v)", ch.Created, ch.New)
	}
	if _, err := RecordCollection(cust, Collection{ID: "X", CustomerID: "C", Amount: money.New(0, "EUR")}, docs, today); err == nil {
		t.Error("a zero collection was decided")
	}
}
