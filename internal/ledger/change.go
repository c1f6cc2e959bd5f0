package ledger

import (
	"slices"
	"time"

	"cobro/internal/civil"
)

// Effects are what a decided change does beyond its own rows: how it moves
// customers' figures, what it writes in the audit log and what it tells the
// outside world through the outbox. A decision returns them; the change
// envelope (package app) applies them in the change's transaction. Sums are
// checked: a delta that would overflow is ErrOutOfRange, never stored.
type Effects struct {
	deltas map[string]Figures
	Audit  []Event
	Outbox []Event
	// Alerts are what a person must look at because of the change (a
	// returned cheque, a collection that found its debt already paid).
	Alerts []Alert
}

// Event is one thing a change records. For the audit log Kind is the action
// ("collection.record"); for the outbox it is the topic
// ("collection.recorded").
type Event struct {
	Kind       string
	Entity     string // "collection", "import"...
	EntityID   string
	CustomerID string
	Detail     map[string]any // marshalled as JSON
}

// Move adds d to the delta of customer id's figures.
func (e *Effects) Move(id string, d Figures) error {
	if d.IsZero() {
		return nil
	}
	sum, err := e.deltas[id].Add(d)
	if err != nil {
		return err
	}
	if e.deltas == nil {
		e.deltas = map[string]Figures{}
	}
	e.deltas[id] = sum
	return nil
}

// MoveDocument adds how a document's change from old to new moves its
// customer's figures on day today.
func (e *Effects) MoveDocument(old, new Document, today civil.Date) error {
	d, err := DocumentDelta(old, new, today)
	if err != nil {
		return err
	}
	return e.Move(new.CustomerID, d)
}

// Merge adds o's deltas and events to e.
func (e *Effects) Merge(o Effects) error {
	for _, id := range o.Customers() {
		if err := e.Move(id, o.deltas[id]); err != nil {
			return err
		}
	}
	e.Audit = append(e.Audit, o.Audit...)
	e.Outbox = append(e.Outbox, o.Outbox...)
	e.Alerts = append(e.Alerts, o.Alerts...)
	return nil
}

// Customers are the customers whose figures move, in id order.
func (e Effects) Customers() []string {
	out := make([]string, 0, len(e.deltas))
	for id, d := range e.deltas {
		if !d.IsZero() {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Delta is how customer id's figures move.
func (e Effects) Delta(id string) Figures { return e.deltas[id] }

// IsZero reports whether the effects move nothing and record nothing.
func (e Effects) IsZero() bool {
	return len(e.Customers()) == 0 && len(e.Audit) == 0 && len(e.Outbox) == 0 && len(e.Alerts) == 0
}

// PendingMove is an amount a change adds to (or, negative, takes from) a
// document's pending amount. Index is the allocation's place in the
// request, for the error naming it.
type PendingMove struct {
	Index      int
	DocumentID string
	Amount     int64
}

// CollectionChange is a decided change of a collection: the collection
// before and after, the pending amounts it moves, the document it creates
// (a returned item) and its effects. An unchanged collection (voiding a
// voided one) has no moves and no effects.
type CollectionChange struct {
	Old, New Collection
	Pending  []PendingMove
	Created  *Document
	Effects  Effects
}

// Changed reports whether the change changes anything.
func (ch CollectionChange) Changed() bool {
	a, b := ch.Old, ch.New
	return a.ID == "" || a.State != b.State || !a.AckedAt.Equal(b.AckedAt) || a.VoidReason != b.VoidReason ||
		len(a.Allocations) != len(b.Allocations) || a.ReturnedDocument != b.ReturnedDocument || a.Custody != b.Custody
}

// The outbox topics of collection changes, and the audit actions.
const (
	TopicCollectionRecorded     = "collection.recorded"
	TopicCollectionAllocated    = "collection.allocated"
	TopicCollectionVoided       = "collection.voided"
	TopicCollectionCleared      = "collection.cleared"
	TopicCollectionReturned     = "collection.returned"
	TopicCollectionAcknowledged = "collection.acknowledged"
	TopicCollectionHandedIn     = "collection.handed_in"
	TopicCollectionDeposited    = "collection.deposited"
	// TopicInstrumentReturned is the alert of an instrument returned unpaid.
	TopicInstrumentReturned = "instrument.returned"
	// TopicRatingDropped is the alert of a customer's rating worsening.
	TopicRatingDropped = "rating.dropped"
)

var auditActions = map[string]string{
	TopicCollectionRecorded: "collection.record", TopicCollectionAllocated: "collection.allocate",
	TopicCollectionVoided: "collection.void", TopicCollectionCleared: "collection.clear",
	TopicCollectionReturned: "collection.return", TopicCollectionAcknowledged: "collection.ack",
	TopicCollectionHandedIn: "collection.hand_in", TopicCollectionDeposited: "collection.deposit",
}

// RecordCollection decides a new collection c of cust, allocated to
// documents of docs, on day today.
func RecordCollection(cust Customer, c Collection, docs map[string]Document, today civil.Date) (CollectionChange, error) {
	if err := CheckNewCollection(cust, c, docs); err != nil {
		return CollectionChange{}, err
	}
	return decided(TopicCollectionRecorded, Collection{}, c, moves(c.Allocations, +1), docs, nil, today, nil)
}

// AllocateCollection decides allocating more of c to documents.
func AllocateCollection(c Collection, add []Allocation, docs map[string]Document, today civil.Date) (CollectionChange, error) {
	nc, err := Allocate(c, add, docs)
	if err != nil {
		return CollectionChange{}, err
	}
	return decided(TopicCollectionAllocated, c, nc, moves(add, +1), docs, nil, today, nil)
}

// VoidCollection decides voiding c with reason: its allocations the ERP
// has not acknowledged stop counting; acknowledged ones are the ERP's to
// reverse, so the collection goes back to pending in the ERP and the void
// is exported.
func VoidCollection(c Collection, reason string, docs map[string]Document, today civil.Date) (CollectionChange, error) {
	nc, err := Void(c, reason)
	if err != nil {
		return CollectionChange{}, err
	}
	if nc.State == c.State {
		return CollectionChange{Old: c, New: c}, nil
	}
	nc.AckedAt = time.Time{}
	return decided(TopicCollectionVoided, c, nc, moves(Unacked(c), -1), docs, nil, today, map[string]any{"reason": nc.VoidReason})
}

// ClearCollection decides that c's instrument was paid.
func ClearCollection(c Collection) (CollectionChange, error) {
	nc, err := Clear(c)
	if err != nil {
		return CollectionChange{}, err
	}
	return decided(TopicCollectionCleared, c, nc, nil, nil, nil, civil.Date{}, nil)
}

// ReturnCollection decides that c's instrument came back unpaid on day
// today: what it paid re-opens as the returned item docID (numbered
// number), due today. Returning twice returns the first return. The return
// goes to the ERP, like a void.
func ReturnCollection(c Collection, docID, number, reason string, today civil.Date) (CollectionChange, error) {
	if c.State == Bounced {
		return CollectionChange{Old: c, New: c}, nil
	}
	nc, doc, err := Return(c, docID, number)
	if err != nil {
		return CollectionChange{}, err
	}
	nc.AckedAt = time.Time{}
	if doc != nil {
		doc.IssueDate, doc.DueDate = today, today
		nc.ReturnedDocument = doc.ID
	}
	ch, err := decided(TopicCollectionReturned, c, nc, nil, nil, doc, today, map[string]any{"reason": reason})
	if err != nil {
		return ch, err
	}
	// The agent and the administration must know at once: the customer
	// owes it again, and the returned item marks the customer's account.
	detail := map[string]any{"amount": c.Amount, "instrument": string(c.Instrument.Kind), "number": c.Instrument.Number,
		"receipt": c.ReceiptNumber, "reason": reason}
	ch.Effects.Alerts = append(ch.Effects.Alerts, Alert{Kind: TopicInstrumentReturned, CustomerID: c.CustomerID, Agent: c.Agent,
		Entity: "collection", EntityID: c.ID, Detail: detail})
	return ch, nil
}

// AckCollection decides that the ERP has c (acknowledged at at): its
// allocations leave the documents' pending amounts, since the ERP's open
// amounts now include them. Acknowledging twice changes nothing.
func AckCollection(c Collection, at time.Time, docs map[string]Document, today civil.Date) (CollectionChange, error) {
	if c.Acked() {
		return CollectionChange{Old: c, New: c}, nil
	}
	nc := c
	nc.AckedAt = at
	var pending []Allocation
	if c.State != Voided {
		pending = Unacked(c)
	}
	nc.Allocations = make([]Allocation, len(c.Allocations))
	for i, al := range c.Allocations {
		al.Acked = true
		nc.Allocations[i] = al
	}
	return decided(TopicCollectionAcknowledged, c, nc, moves(pending, -1), docs, nil, today, nil)
}

// Unacked are c's allocations the ERP has not acknowledged.
func Unacked(c Collection) []Allocation {
	var out []Allocation
	for _, al := range c.Allocations {
		if !al.Acked {
			out = append(out, al)
		}
	}
	return out
}

func moves(allocs []Allocation, sign int64) []PendingMove {
	out := make([]PendingMove, len(allocs))
	for i, al := range allocs {
		out[i] = PendingMove{Index: i, DocumentID: al.DocumentID, Amount: sign * al.Amount}
	}
	return out
}

// decided computes a change's effects: the collection's own delta, each
// pending move's delta on its document as docs has it (moved one after the
// other: a collection may hold two allocations to one document), the
// created document's figures, the audit record and the outbox event.
func decided(topic string, old, nc Collection, pending []PendingMove, docs map[string]Document, created *Document,
	today civil.Date, extra map[string]any) (CollectionChange, error) {
	ch := CollectionChange{Old: old, New: nc, Pending: pending, Created: created}
	if !ch.Changed() {
		return CollectionChange{Old: old, New: nc}, nil
	}
	d, err := CollectionDelta(old, nc)
	if err != nil {
		return ch, err
	}
	if err := ch.Effects.Move(nc.CustomerID, d); err != nil {
		return ch, err
	}
	if len(pending) > 0 {
		docs = clone(docs)
	}
	for _, m := range pending {
		was := docs[m.DocumentID]
		now := was
		now.Pending += m.Amount
		docs[m.DocumentID] = now
		if err := ch.Effects.MoveDocument(was, now, today); err != nil {
			return ch, err
		}
	}
	if created != nil {
		if err := ch.Effects.Move(created.CustomerID, OfDocument(*created, today)); err != nil {
			return ch, err
		}
	}
	detail := CollectionDetail(nc)
	for k, v := range extra {
		detail[k] = v
	}
	ch.Effects.Audit = []Event{{Kind: auditActions[topic], Entity: "collection", EntityID: nc.ID, CustomerID: nc.CustomerID, Detail: detail}}
	payload := CollectionDetail(nc)
	payload["id"], payload["customer_id"], payload["acked"] = nc.ID, nc.CustomerID, nc.Acked()
	for k, v := range extra {
		payload[k] = v
	}
	if nc.ReturnedDocument != "" {
		payload["returned_document"] = nc.ReturnedDocument
	}
	ch.Effects.Outbox = []Event{{Kind: topic, Entity: "collection", EntityID: nc.ID, CustomerID: nc.CustomerID, Detail: payload}}
	return ch, nil
}

func clone(docs map[string]Document) map[string]Document {
	out := make(map[string]Document, len(docs))
	for k, v := range docs {
		out[k] = v
	}
	return out
}

// CollectionDetail is what the audit log and the outbox say of a
// collection.
func CollectionDetail(c Collection) map[string]any {
	allocs := make([]map[string]any, 0, len(c.Allocations))
	for _, al := range c.Allocations {
		allocs = append(allocs, map[string]any{"document_id": al.DocumentID, "amount_minor": al.Amount})
	}
	return map[string]any{"amount_minor": c.Amount.Minor, "currency": c.Amount.Currency, "instrument": c.Instrument.Kind,
		"state": c.State, "allocations": allocs, "collected_at": c.CollectedAt.UTC()}
}
