// Package dunning holds the rules of reminders: scenarios of steps, each a
// day offset from a document's due date with a channel and a template, and
// the decision of which step is due for a customer on a day. Pure: no SQL,
// no HTTP, no clock; the caller passes the day.
package dunning

import (
	"fmt"
	"sort"

	"cobro/internal/civil"
	"cobro/internal/money"
)

// Channel is how a step reaches the customer.
type Channel string

// The channels.
const (
	Email  Channel = "email"
	Letter Channel = "letter"
	Call   Channel = "call"  // a call task for the customer's agent
	Visit  Channel = "visit" // a visit task for the customer's agent
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return c == Email || c == Letter || c == Call || c == Visit }

// Task reports whether the step is work for the agent rather than a
// message to the customer.
func (c Channel) Task() bool { return c == Call || c == Visit }

// Step is one reminder of a scenario.
type Step struct {
	Key      string  // stable within its scenario, e.g. "reminder-7"; part of the send's unique key
	Offset   int     // days from the due date; negative: before it (a courtesy reminder)
	Channel  Channel // email, letter, call or visit
	Template string  // the tone: the catalogue's dunning.<template>.* messages
}

// Courtesy reports whether the step comes before the due date: it is due
// only while the document is not yet overdue.
func (s Step) Courtesy() bool { return s.Offset < 0 }

// Scenario is an ordered list of steps and the least number of days
// between two contacts with the same customer.
type Scenario struct {
	ID     string
	Name   string
	Steps  []Step // in increasing Offset
	MinGap int    // days; 0: no minimum
}

// The templates of the default scenario.
const (
	TemplateCourtesy = "courtesy"
	TemplateReminder = "reminder"
	TemplateFirm     = "firm"
	TemplateFinal    = "final"
	TemplateCall     = "call"
)

// Default is the scenario of a fresh database: a courtesy email 3 days
// before the due date, emails at +7, +21 and +45 days, and a call task for
// the agent at +30; at least 5 days between two contacts.
func Default() Scenario {
	return Scenario{ID: "default", Name: "Default", MinGap: 5, Steps: []Step{
		{Key: "courtesy", Offset: -3, Channel: Email, Template: TemplateCourtesy},
		{Key: "reminder-7", Offset: 7, Channel: Email, Template: TemplateReminder},
		{Key: "reminder-21", Offset: 21, Channel: Email, Template: TemplateFirm},
		{Key: "call-30", Offset: 30, Channel: Call, Template: TemplateCall},
		{Key: "final-45", Offset: 45, Channel: Email, Template: TemplateFinal},
	}}
}

// FieldError is a scenario that cannot be used: the field and why.
type FieldError struct {
	Field  string // e.g. "steps[2].offset"
	Value  string
	Reason string
}

func (e *FieldError) Error() string {
	if e.Value != "" {
		return fmt.Sprintf("dunning: %s %q: %s", e.Field, e.Value, e.Reason)
	}
	return fmt.Sprintf("dunning: %s: %s", e.Field, e.Reason)
}

// Validate checks a scenario: an id, at least one step, keys unique and
// not empty, offsets strictly increasing and within a year either side,
// known channels, a template for each step, a gap of 0 to 365 days.
func (s Scenario) Validate() error {
	if s.ID == "" {
		return &FieldError{Field: "id", Reason: "a scenario needs an id"}
	}
	if len(s.Steps) == 0 {
		return &FieldError{Field: "steps", Reason: "a scenario needs at least one step"}
	}
	if s.MinGap < 0 || s.MinGap > 365 {
		return &FieldError{Field: "min_gap", Value: fmt.Sprint(s.MinGap), Reason: "must be from 0 to 365 days"}
	}
	keys := map[string]bool{}
	for i, st := range s.Steps {
		f := func(name string) string { return fmt.Sprintf("steps[%d].%s", i, name) }
		switch {
		case st.Key == "":
			return &FieldError{Field: f("key"), Reason: "a step needs a key"}
		case keys[st.Key]:
			return &FieldError{Field: f("key"), Value: st.Key, Reason: "another step has this key"}
		case st.Offset < -365 || st.Offset > 365:
			return &FieldError{Field: f("offset"), Value: fmt.Sprint(st.Offset), Reason: "must be within 365 days of the due date"}
		case i > 0 && st.Offset <= s.Steps[i-1].Offset:
			return &FieldError{Field: f("offset"), Value: fmt.Sprint(st.Offset), Reason: "steps must be in increasing offset, one per day"}
		case !st.Channel.Valid():
			return &FieldError{Field: f("channel"), Value: string(st.Channel), Reason: "must be email, letter, call or visit"}
		case st.Template == "":
			return &FieldError{Field: f("template"), Reason: "a step needs a template"}
		}
		keys[st.Key] = true
	}
	return nil
}

// Step returns the step of that key.
func (s Scenario) Step(key string) (Step, bool) {
	for _, st := range s.Steps {
		if st.Key == key {
			return st, true
		}
	}
	return Step{}, false
}

func (s Scenario) index(key string) int {
	for i, st := range s.Steps {
		if st.Key == key {
			return i
		}
	}
	return -1
}

// Document is an open document as dunning sees it.
type Document struct {
	ID       string
	Number   string
	DueDate  civil.Date
	Open     money.Amount // what is still owed; documents with nothing open are not dunned
	Disputed bool
	// Sent are the keys of the steps already recorded for this document's
	// cycle (sent, or skipped with a reason): the caller passes only those
	// of the cycle its due date names (Cycle).
	Sent []string
}

// Cycle names a document's dunning cycle: its id and due date, so a due
// date moved by the ERP starts the steps again.
func (d Document) Cycle() string { return d.ID + "@" + d.DueDate.String() }

// Input is what the decision for one customer needs.
type Input struct {
	Scenario    Scenario
	Documents   []Document
	LastContact civil.Date // the last reminder that reached the customer; zero: never
	AsOf        civil.Date
	// Promises are the customer's promises to pay: an open one pauses its
	// documents until its date and Grace; a broken one resumes them at
	// the step they were at (Resume), not the step due now.
	Promises []Promise
	Grace    int // days; PromiseGrace unless set
}

// Decision is what is due for a customer now: one step, and every
// document at that step, in due-date order.
type Decision struct {
	Step      Step
	Documents []Document
	// Cycle is the dunning cycle of the message: that of its first
	// document. With the customer and the step it is the send's unique key.
	Cycle string
	// Totals: what the documents named owe, per currency, in currency order.
	Totals []money.Amount
}

// Wait says why nothing is sent to a customer that has a step due: the
// minimum gap since the last contact, until Until.
type Wait struct {
	Step  Step
	Until civil.Date
}

// Resume is the step due for a document whose dunning a broken promise
// paused: the step after the last one recorded, if its day has come (a
// courtesy step once overdue is passed over), rather than the latest one.
func (s Scenario) Resume(d Document, asOf civil.Date) (Step, bool) {
	if d.Disputed || d.Open.Minor <= 0 || d.DueDate.IsZero() {
		return Step{}, false
	}
	days := asOf.DaysSince(d.DueDate)
	next := 0
	for _, k := range d.Sent {
		if i := s.index(k); i >= next {
			next = i + 1
		}
	}
	for ; next < len(s.Steps); next++ {
		st := s.Steps[next]
		if st.Offset > days {
			return Step{}, false
		}
		if !st.Courtesy() || days < 0 {
			return st, true
		}
	}
	return Step{}, false
}

// Due is the step due now for a document, if any: the latest step whose
// day has come, when no step at or after it is recorded for the document
// (catching up with the step due now, never every missed one). A courtesy
// step is due only before the due date; a disputed document or one with
// nothing open has none.
func (s Scenario) Due(d Document, asOf civil.Date) (Step, bool) {
	if d.Disputed || d.Open.Minor <= 0 || d.DueDate.IsZero() {
		return Step{}, false
	}
	days := asOf.DaysSince(d.DueDate)
	at := -1
	for i, st := range s.Steps {
		if st.Offset <= days {
			at = i
		}
	}
	if at < 0 || (s.Steps[at].Courtesy() && days >= 0) {
		return Step{}, false
	}
	for _, k := range d.Sent {
		if s.index(k) >= at {
			return Step{}, false
		}
	}
	return s.Steps[at], true
}

// Decide returns the one step due for a customer at in.AsOf: the firmest
// step any of its documents is due for, naming every document due for that
// step (one message), or the wait the minimum gap imposes, or neither.
func Decide(in Input) (*Decision, *Wait, error) {
	s := in.Scenario
	grace := in.Grace
	if grace == 0 {
		grace = PromiseGrace
	}
	best := -1
	var docs []Document
	for _, d := range in.Documents {
		held, broken := false, false
		for _, p := range in.Promises {
			if !p.Covers(d.ID) {
				continue
			}
			held = held || p.Holds(in.AsOf, grace)
			broken = broken || p.State == PromiseBroken
		}
		if held {
			continue
		}
		due := s.Due
		if broken {
			due = s.Resume
		}
		st, ok := due(d, in.AsOf)
		if !ok {
			continue
		}
		i := s.index(st.Key)
		switch {
		case i > best:
			best, docs = i, []Document{d}
		case i == best:
			docs = append(docs, d)
		}
	}
	if best < 0 {
		return nil, nil, nil
	}
	step := s.Steps[best]
	if !in.LastContact.IsZero() && s.MinGap > 0 && in.AsOf.DaysSince(in.LastContact) < s.MinGap {
		return nil, &Wait{Step: step, Until: in.LastContact.AddDays(s.MinGap)}, nil
	}
	sort.SliceStable(docs, func(i, j int) bool {
		if docs[i].DueDate != docs[j].DueDate {
			return docs[i].DueDate.Before(docs[j].DueDate)
		}
		return docs[i].ID < docs[j].ID
	})
	totals := map[money.Currency]money.Amount{}
	for _, d := range docs {
		t, ok := totals[d.Open.Currency]
		if !ok {
			t = money.Zero(d.Open.Currency)
		}
		sum, err := t.Add(d.Open)
		if err != nil {
			return nil, nil, fmt.Errorf("dunning: total of %s: %w", d.Number, err)
		}
		totals[d.Open.Currency] = sum
	}
	dec := &Decision{Step: step, Documents: docs, Cycle: docs[0].Cycle()}
	for _, t := range totals {
		dec.Totals = append(dec.Totals, t)
	}
	sort.Slice(dec.Totals, func(i, j int) bool { return dec.Totals[i].Currency < dec.Totals[j].Currency })
	return dec, nil, nil
}
