package dunning

import (
	"strings"
	"testing"

	"cobro/internal/civil"
)

func promise(state, date string, amount int64, docs ...PromisedDocument) Promise {
	return Promise{ID: "P", State: state, Date: civil.MustParse(date), Amount: amount, Documents: docs}
}

func TestDecidePromises(t *testing.T) {
	a := PromisedDocument{ID: "A", Open: 100}
	cases := []struct {
		name     string
		docs     []Document
		promises []Promise
		asOf     string
		step     string // "" for none
		docs0    []string
	}{
		{name: "an open promise pauses its document until the date",
			docs: []Document{doc("A", "2026-01-01", 100, "courtesy")}, promises: []Promise{promise(PromiseOpen, "2026-01-20", 100, a)},
			asOf: "2026-01-10"},
		{name: "and through the grace",
			docs: []Document{doc("A", "2026-01-01", 100, "courtesy")}, promises: []Promise{promise(PromiseOpen, "2026-01-20", 100, a)},
			asOf: "2026-01-23"},
		{name: "other documents are dunned",
			docs:     []Document{doc("A", "2026-01-01", 100, "courtesy"), doc("B", "2026-01-02", 50)},
			promises: []Promise{promise(PromiseOpen, "2026-01-20", 100, a)}, asOf: "2026-01-10", step: "reminder-7", docs0: []string{"B"}},
		{name: "an open promise past its grace no longer holds",
			docs: []Document{doc("A", "2026-01-01", 100, "courtesy")}, promises: []Promise{promise(PromiseOpen, "2026-01-05", 100, a)},
			asOf: "2026-01-10", step: "reminder-7", docs0: []string{"A"}},
		{name: "a kept promise pauses nothing",
			docs: []Document{doc("A", "2026-01-01", 100, "courtesy")}, promises: []Promise{promise(PromiseKept, "2026-01-20", 100, a)},
			asOf: "2026-01-10", step: "reminder-7", docs0: []string{"A"}},
		{name: "broken: resumes at the step it was at, not the one due now",
			docs:     []Document{doc("A", "2026-01-01", 100, "courtesy", "reminder-7")},
			promises: []Promise{promise(PromiseBroken, "2026-01-20", 100, a)}, asOf: "2026-02-20", step: "reminder-21", docs0: []string{"A"}},
		{name: "broken, not dunned yet: the first step past the courtesy",
			docs:     []Document{doc("A", "2026-01-01", 100)},
			promises: []Promise{promise(PromiseBroken, "2026-01-20", 100, a)}, asOf: "2026-01-25", step: "reminder-7", docs0: []string{"A"}},
		{name: "broken: the next step's day has not come",
			docs:     []Document{doc("A", "2026-01-01", 100, "courtesy", "reminder-7")},
			promises: []Promise{promise(PromiseBroken, "2026-01-10", 100, a)}, asOf: "2026-01-15"},
		{name: "broken but disputed: nothing",
			docs:     []Document{func() Document { d := doc("A", "2026-01-01", 100); d.Disputed = true; return d }()},
			promises: []Promise{promise(PromiseBroken, "2026-01-10", 100, a)}, asOf: "2026-01-25"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dec, wait, err := Decide(Input{Scenario: Default(), Documents: c.docs, Promises: c.promises, AsOf: civil.MustParse(c.asOf)})
			if err != nil || wait != nil {
				t.Fatal(err, wait)
			}
			if c.step == "" {
				if dec != nil {
					t.Fatalf("want nothing, got %s", dec.Step.Key)
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
		})
	}
}

func TestPromiseOutcome(t *testing.T) {
	p := promise(PromiseOpen, "2026-01-20", 150, PromisedDocument{ID: "A", Open: 100}, PromisedDocument{ID: "B", Open: 100})
	cases := []struct {
		name string
		open map[string]int64
		asOf string
		want string
	}{
		{"nothing paid, before the date", map[string]int64{"A": 100, "B": 100}, "2026-01-15", PromiseOpen},
		{"nothing paid, within the grace", map[string]int64{"A": 100, "B": 100}, "2026-01-23", PromiseOpen},
		{"nothing paid, past the grace", map[string]int64{"A": 100, "B": 100}, "2026-01-24", PromiseBroken},
		{"part paid, past the grace", map[string]int64{"A": 0, "B": 90}, "2026-01-24", PromiseBroken},
		{"the amount collected", map[string]int64{"B": 50}, "2026-01-24", PromiseKept},
		{"the documents paid", map[string]int64{}, "2026-01-10", PromiseKept},
		{"more owed since does not count against", map[string]int64{"A": 120, "B": 30}, "2026-01-30", PromiseBroken},
	}
	for _, c := range cases {
		if got := p.Outcome(c.open, civil.MustParse(c.asOf), PromiseGrace); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	if got := promise(PromiseBroken, "2026-01-20", 1).Outcome(nil, civil.MustParse("2026-01-01"), 3); got != PromiseBroken {
		t.Errorf("a settled promise changed: %s", got)
	}
}
