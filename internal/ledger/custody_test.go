package ledger

import (
	"errors"
	"testing"
	"time"
)

func TestMoveCustody(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	cheque := Collection{ID: "c", CustomerID: "C", State: InHand, Instrument: InstrumentDetail{Kind: Cheque, Number: "1"}}
	with := func(c Collection, f func(*Collection)) Collection { f(&c); return c }
	for _, tc := range []struct {
		name    string
		c       Collection
		to      Custody
		code    string
		changed bool
	}{
		{"hand in", cheque, HandedIn, "", true},
		{"deposit from the agent", cheque, Deposited, "", true},
		{"deposit after hand-in", with(cheque, func(c *Collection) { c.Custody = HandedIn }), Deposited, "", true},
		{"again: nothing changes", with(cheque, func(c *Collection) { c.Custody = HandedIn }), HandedIn, "", false},
		{"backwards", with(cheque, func(c *Collection) { c.Custody = Deposited }), HandedIn, "already_deposited", false},
		{"cleared", with(cheque, func(c *Collection) { c.State = Cleared }), Deposited, "instrument_settled", false},
		{"cash", with(cheque, func(c *Collection) { c.Instrument.Kind = Cash }), HandedIn, "not_an_instrument", false},
		{"nowhere", cheque, WithAgent, "bad_custody", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := MoveCustody(tc.c, tc.to, at)
			var re *RuleError
			if tc.code != "" {
				if !errors.As(err, &re) || re.Code != tc.code {
					t.Fatalf("got %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ch.Changed() != tc.changed {
				t.Fatalf("changed %v", ch.Changed())
			}
			if tc.changed && (ch.New.Custody != tc.to || !ch.New.CustodyAt.Equal(at) || len(ch.Effects.Outbox) != 1 || len(ch.Effects.Customers()) != 0) {
				t.Fatalf("change %+v", ch)
			}
		})
	}
}
