package ledger

import (
	"time"

	"cobro/internal/civil"
)

// Custody is where a cheque or promissory note is between the visit and
// its clearing: with the agent, handed in to the office, deposited at the
// bank. Until it clears it counts in the customer's risk, wherever it is;
// it is returned from any of them.
type Custody string

// The custodies, in the order an instrument moves through them.
const (
	WithAgent Custody = ""
	HandedIn  Custody = "handed_in"
	Deposited Custody = "deposited"
)

// Valid reports whether c is a custody an instrument can be moved to.
func (c Custody) Valid() bool { return c == HandedIn || c == Deposited }

// MoveCustody decides moving c's instrument to custody to at time at:
// forward only (a deposited cheque is not handed in again), and only
// while it is in hand. Moving it where it already is changes nothing.
func MoveCustody(c Collection, to Custody, at time.Time) (CollectionChange, error) {
	switch {
	case !to.Valid():
		return CollectionChange{}, ruleErr(ErrInvalid, "bad_custody", "custody", "custody must be handed_in or deposited").WithValue(string(to))
	case !c.Instrument.Kind.ClearsLater():
		return CollectionChange{}, ruleErr(ErrState, "not_an_instrument", "", "a %s is not handed in or deposited: only cheques and promissory notes are", c.Instrument.Kind)
	case c.State != InHand:
		return CollectionChange{}, ruleErr(ErrState, "instrument_settled", "", "the instrument is %s already", c.State)
	case c.Custody == to:
		return CollectionChange{Old: c, New: c}, nil
	case c.Custody == Deposited:
		return CollectionChange{}, ruleErr(ErrState, "already_deposited", "custody", "the instrument is deposited already")
	}
	nc := c
	nc.Custody, nc.CustodyAt = to, at
	topic := TopicCollectionHandedIn
	if to == Deposited {
		topic = TopicCollectionDeposited
	}
	return decided(topic, c, nc, nil, nil, nil, civil.Date{}, map[string]any{"custody": string(to)})
}
