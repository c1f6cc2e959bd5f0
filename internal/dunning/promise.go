package dunning

import "cobro/internal/civil"

// PromiseGrace is how many days after its date a promise to pay may still
// be kept before the dunning run marks it broken.
const PromiseGrace = 3

// The states of a promise to pay.
const (
	PromiseOpen   = "open"
	PromiseKept   = "kept"
	PromiseBroken = "broken"
)

// Promise is a customer's promise to pay documents by a date, as dunning
// sees it.
type Promise struct {
	ID    string
	Date  civil.Date // promised for
	State string     // open, kept or broken
	// Amount is what was promised, in minor units of the documents'
	// currency.
	Amount    int64
	Documents []PromisedDocument
}

// PromisedDocument is a document a promise covers, with what it had open
// when the promise was made.
type PromisedDocument struct {
	ID   string
	Open int64
}

// Covers reports whether the promise names document id.
func (p Promise) Covers(id string) bool {
	for _, d := range p.Documents {
		if d.ID == id {
			return true
		}
	}
	return false
}

// Holds reports whether an open promise still pauses its documents on
// asOf: until its date and the grace after it.
func (p Promise) Holds(asOf civil.Date, grace int) bool {
	return p.State == PromiseOpen && !asOf.After(p.Date.AddDays(grace))
}

// Outcome is what an open promise has become on asOf, given what its
// documents have open now (a document absent from open has nothing open):
// kept when its documents are paid or their open amounts fell by the
// promised amount; broken when neither happened by its date and the grace;
// open otherwise. A promise that is not open keeps its state.
func (p Promise) Outcome(open map[string]int64, asOf civil.Date, grace int) string {
	if p.State != PromiseOpen {
		return p.State
	}
	var collected int64
	paid := true
	for _, d := range p.Documents {
		now := open[d.ID]
		if now > 0 {
			paid = false
		}
		if d.Open > now {
			collected += d.Open - now
		}
	}
	if paid || collected >= p.Amount {
		return PromiseKept
	}
	if asOf.After(p.Date.AddDays(grace)) {
		return PromiseBroken
	}
	return PromiseOpen
}
