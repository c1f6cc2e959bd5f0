package dunning

import (
	"errors"
	"strings"
	"testing"

	"cobro/internal/civil"
	"cobro/internal/money"
)

func doc(id, due string, open int64, sent ...string) Document {
	return Document{ID: id, Number: "N-" + id, DueDate: civil.MustParse(due), Open: money.New(open, "EUR"), Sent: sent}
}

func TestDecide(t *testing.T) {
	def := Default()
	disputed := doc("D", "2026-01-01", 500)
	disputed.Disputed = true
	dollars := doc("U", "2026-01-02", 700)
	dollars.Open = money.New(700, "USD")
	cases := []struct {
		name        string
		docs        []Document
		last        string
		asOf        string
		step        string   // "" for none
		docs0       []string // ids named
		cycle       string
		totals      string
		wait, until string
	}{
		{name: "nothing open", asOf: "2026-01-10"},
		{name: "not due yet", docs: []Document{doc("A", "2026-01-10", 100)}, asOf: "2026-01-06"},
		{name: "courtesy 3 days before", docs: []Document{doc("A", "2026-01-10", 100)}, asOf: "2026-01-07",
			step: "courtesy", docs0: []string{"A"}, cycle: "A@2026-01-10", totals: "EUR 1.00"},
		{name: "courtesy still due the day before", docs: []Document{doc("A", "2026-01-10", 100)}, asOf: "2026-01-09", step: "courtesy", docs0: []string{"A"}},
		{name: "courtesy never once overdue", docs: []Document{doc("A", "2026-01-10", 100)}, asOf: "2026-01-10"},
		{name: "courtesy sent: nothing until +7", docs: []Document{doc("A", "2026-01-10", 100, "courtesy")}, asOf: "2026-01-16"},
		{name: "+7", docs: []Document{doc("A", "2026-01-10", 100, "courtesy")}, asOf: "2026-01-17", step: "reminder-7", docs0: []string{"A"}},
		{name: "+7 sent, +8 nothing", docs: []Document{doc("A", "2026-01-10", 100, "courtesy", "reminder-7")}, asOf: "2026-01-18"},
		{name: "catch up: down for weeks, the step due now only",
			docs: []Document{doc("A", "2026-01-01", 100)}, asOf: "2026-02-03", step: "call-30", docs0: []string{"A"}},
		{name: "a later step recorded: no going back", docs: []Document{doc("A", "2026-01-01", 100, "call-30")}, asOf: "2026-02-03"},
		{name: "final after every step", docs: []Document{doc("A", "2026-01-01", 100, "call-30")}, asOf: "2026-03-01", step: "final-45", docs0: []string{"A"}},
		{name: "paid: nothing", docs: []Document{doc("A", "2026-01-01", 0)}, asOf: "2026-01-08"},
		{name: "disputed skipped", docs: []Document{disputed}, asOf: "2026-01-08"},
		{name: "disputed skipped, the other named", docs: []Document{disputed, doc("B", "2026-01-01", 100)}, asOf: "2026-01-08",
			step: "reminder-7", docs0: []string{"B"}},
		{name: "consolidated: every document at the step, in due order, totals per currency",
			docs: []Document{doc("B", "2026-01-03", 250), doc("A", "2026-01-02", 100), dollars, doc("C", "2026-01-30", 900)},
			asOf: "2026-01-12",
			step: "reminder-7", docs0: []string{"A", "U", "B"}, cycle: "A@2026-01-02", totals: "EUR 3.50 USD 7.00"},
		{name: "the firmest step wins; lower ones wait",
			docs: []Document{doc("A", "2025-12-20", 100), doc("B", "2026-01-03", 250)}, asOf: "2026-01-12",
			step: "reminder-21", docs0: []string{"A"}},
		{name: "minimum gap: wait", docs: []Document{doc("A", "2026-01-01", 100)}, last: "2026-01-05", asOf: "2026-01-08",
			wait: "reminder-7", until: "2026-01-10"},
		{name: "minimum gap passed", docs: []Document{doc("A", "2026-01-01", 100)}, last: "2026-01-03", asOf: "2026-01-08",
			step: "reminder-7", docs0: []string{"A"}},
		{name: "due date moved: a new cycle", docs: []Document{doc("A", "2026-01-20", 100)}, asOf: "2026-01-18", step: "courtesy", cycle: "A@2026-01-20", docs0: []string{"A"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := Input{Scenario: def, Documents: c.docs, AsOf: civil.MustParse(c.asOf)}
			if c.last != "" {
				in.LastContact = civil.MustParse(c.last)
			}
			dec, wait, err := Decide(in)
			if err != nil {
				t.Fatal(err)
			}
			if c.wait != "" {
				if wait == nil || wait.Step.Key != c.wait || wait.Until.String() != c.until || dec != nil {
					t.Fatalf("want wait %s until %s, got %+v %+v", c.wait, c.until, dec, wait)
				}
				return
			}
			if wait != nil {
				t.Fatalf("unexpected wait %+v", wait)
			}
			if c.step == "" {
				if dec != nil {
					t.Fatalf("want nothing, got %s %+v", dec.Step.Key, dec.Documents)
				}
				return
			}
			if dec == nil || dec.Step.Key != c.step {
				t.Fatalf("want %s, got %+v", c.step, dec)
			}
			var ids []string
			for _, d := range dec.Documents {
				ids = append(ids, d.ID)
			}
			if strings.Join(ids, ",") != strings.Join(c.docs0, ",") {
				t.Errorf("documents %v, want %v", ids, c.docs0)
			}
			if c.cycle != "" && dec.Cycle != c.cycle {
				t.Errorf("cycle %s, want %s", dec.Cycle, c.cycle)
			}
			if c.totals != "" {
				var ts []string
				for _, a := range dec.Totals {
					ts = append(ts, a.String())
				}
				if got := strings.Join(ts, " "); got != c.totals {
					t.Errorf("totals %s, want %s", got, c.totals)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := func(f func(*Scenario)) Scenario {
		s := Default()
		s.Steps = append([]Step(nil), s.Steps...)
		f(&s)
		return s
	}
	cases := []struct {
		s     Scenario
		field string
	}{
		{bad(func(s *Scenario) { s.ID = "" }), "id"},
		{bad(func(s *Scenario) { s.Steps = nil }), "steps"},
		{bad(func(s *Scenario) { s.MinGap = -1 }), "min_gap"},
		{bad(func(s *Scenario) { s.Steps[1].Key = "courtesy" }), "steps[1].key"},
		{bad(func(s *Scenario) { s.Steps[2].Offset = 7 }), "steps[2].offset"},
		{bad(func(s *Scenario) { s.Steps[0].Offset = -400 }), "steps[0].offset"},
		{bad(func(s *Scenario) { s.Steps[3].Channel = "fax" }), "steps[3].channel"},
		{bad(func(s *Scenario) { s.Steps[4].Template = "" }), "steps[4].template"},
	}
	for _, c := range cases {
		var fe *FieldError
		if err := c.s.Validate(); !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("want an error on %s, got %v", c.field, err)
		}
	}
}
