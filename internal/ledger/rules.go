package ledger

import (
	"fmt"
	"strings"
	"time"

	"cobro/internal/money"
)

// CheckDocument checks a document against its customer before it is stored.
func CheckDocument(d Document, cust Customer) error {
	switch {
	case !d.Kind.Valid():
		return ruleErr(ErrInvalid, "bad_kind", "kind", "unknown document kind %q", d.Kind).WithValue(string(d.Kind))
	case d.Currency != cust.Currency:
		return ruleErr(ErrCurrency, "currency_mismatch", "currency",
			"document in %s but customer %s trades in %s", d.Currency, cust.ID, cust.Currency).WithValue(string(d.Currency))
	case d.Amount < 0 || d.ERPOpen < 0:
		return ruleErr(ErrInvalid, "negative_amount", "amount", "amounts must not be negative")
	case d.ERPOpen > d.Amount:
		return ruleErr(ErrInvalid, "open_exceeds_amount", "open_amount", "open amount is greater than the amount")
	}
	if err := CheckAmount("amount", money.New(d.Amount, d.Currency)); err != nil {
		return err
	}
	return checkTexts("document_id", d.ID, MaxIDLen, "number", d.Number, MaxIDLen)
}

// CheckNewCollection checks a collection about to be recorded for cust
// against the documents it is allocated to (docs holds at least those).
func CheckNewCollection(cust Customer, c Collection, docs map[string]Document) error {
	if c.CustomerID != cust.ID {
		return ruleErr(ErrInvalid, "wrong_customer", "customer_id", "collection is for another customer")
	}
	if c.Amount.Currency != cust.Currency {
		return ruleErr(ErrCurrency, "currency_mismatch", "amount.currency",
			"collection in %s but customer %s trades in %s", c.Amount.Currency, cust.ID, cust.Currency).WithValue(string(c.Amount.Currency))
	}
	if c.Amount.Minor <= 0 {
		return ruleErr(ErrInvalid, "amount_not_positive", "amount.amount", "amount must be greater than zero").WithValue(fmt.Sprint(c.Amount.Minor))
	}
	if err := CheckAmount("amount.amount", c.Amount); err != nil {
		return err
	}
	if err := checkInstrument(c.Instrument); err != nil {
		return err
	}
	if err := CheckText("device_id", c.DeviceID, MaxCodeLen); err != nil {
		return err
	}
	return checkAllocations(c, c.Allocations, 0, docs)
}

func checkInstrument(in InstrumentDetail) error {
	if !in.Kind.ValidCollected() {
		return ruleErr(ErrInvalid, "bad_instrument", "instrument.kind",
			"instrument must be one of cash, cheque, promissory_note, transfer, card, bizum, other (got %q)", in.Kind).WithValue(string(in.Kind))
	}
	if in.Kind == Other && strings.TrimSpace(in.Label) == "" {
		return ruleErr(ErrInvalid, "required", "instrument.label", "an instrument of kind other needs its label")
	}
	if in.Kind.ClearsLater() && strings.TrimSpace(in.Number) == "" {
		return ruleErr(ErrInvalid, "required", "instrument.number", "a %s needs its number", in.Kind)
	}
	if in.Kind == PromissoryNote && in.DueDate.IsZero() {
		return ruleErr(ErrInvalid, "required", "instrument.due_date", "a promissory note needs its maturity date")
	}
	if err := checkTexts("instrument.label", in.Label, MaxNameLen); err != nil {
		return err
	}
	return checkTexts("instrument.number", in.Number, MaxCodeLen, "instrument.bank", in.Bank, MaxNameLen)
}

// checkAllocations checks new allocations of collection c, of which
// already is allocated.
func checkAllocations(c Collection, add []Allocation, already int64, docs map[string]Document) error {
	seen := make(map[string]bool, len(add))
	total := already
	for i, a := range add {
		field := fmt.Sprintf("allocations[%d]", i)
		d, ok := docs[a.DocumentID]
		switch {
		case !ok || d.CustomerID != c.CustomerID:
			// Another customer's document is answered exactly as one that
			// does not exist: the customer may be another agent's, and the
			// answer must not confirm that the id exists.
			e := ruleErr(ErrInvalid, "unknown_document", field+".document_id", "no document %q", a.DocumentID).WithValue(a.DocumentID)
			e.Args = []any{"document", a.DocumentID}
			return e
		case !d.Kind.Owed():
			return ruleErr(ErrInvalid, "not_owed", field+".document_id",
				"document %q is a credit note: nothing to collect on it", a.DocumentID).WithValue(a.DocumentID)
		case seen[a.DocumentID]:
			return ruleErr(ErrInvalid, "duplicate_document", field+".document_id",
				"document %q is allocated twice", a.DocumentID).WithValue(a.DocumentID)
		case a.Amount <= 0:
			return ruleErr(ErrInvalid, "amount_not_positive", field+".amount", "allocation must be greater than zero").WithValue(fmt.Sprint(a.Amount))
		}
		amount := money.New(a.Amount, c.Amount.Currency)
		if err := CheckAmount(field+".amount.amount", amount); err != nil {
			return err
		}
		if open := money.New(d.Open(), c.Amount.Currency); a.Amount > open.Minor {
			name := d.Number // as the person knows the document
			if name == "" {
				name = d.ID
			}
			e := ruleErr(ErrOverAllocated, "allocation_exceeds_open", field+".amount",
				"%s is more than the %s open on %s", plain(amount), plain(open), name).WithValue(fmt.Sprint(a.Amount))
			e.Args = []any{"amount", amount, "open", open, "document", name}
			return e
		}
		seen[a.DocumentID] = true
		total += a.Amount
		if total > c.Amount.Minor {
			sum := money.New(total, c.Amount.Currency)
			e := ruleErr(ErrOverAllocated, "allocations_exceed_amount", field+".amount",
				"allocations add up to %s, more than the collection's %s", plain(sum), plain(c.Amount)).WithValue(fmt.Sprint(a.Amount))
			e.Args = []any{"allocated", sum, "amount", c.Amount}
			return e
		}
	}
	return nil
}

// Allocate returns c with allocations add appended: applying an advance
// payment to documents later. A voided or returned collection cannot be
// allocated. The collection becomes pending in the ERP again, since the ERP
// has not seen the new allocations.
func Allocate(c Collection, add []Allocation, docs map[string]Document) (Collection, error) {
	if c.State == Voided || c.State == Bounced {
		return c, ruleErr(ErrState, "collection_closed", "", "collection is %s", c.State)
	}
	if len(add) == 0 {
		return c, ruleErr(ErrInvalid, "required", "allocations", "give at least one allocation")
	}
	if err := checkAllocations(c, add, c.Allocated(), docs); err != nil {
		return c, err
	}
	out := c
	out.Allocations = append(append([]Allocation(nil), c.Allocations...), add...)
	out.AckedAt = time.Time{}
	return out, nil
}

// Void returns c voided with reason. Voiding a voided collection is not an
// error: the caller returns the existing void. Its pending allocations stop
// counting; acknowledged ones are the ERP's to reverse.
func Void(c Collection, reason string) (Collection, error) {
	if strings.TrimSpace(reason) == "" {
		return c, ruleErr(ErrInvalid, "required", "reason", "a void needs a reason")
	}
	if err := CheckText("reason", reason, MaxNoteLen); err != nil {
		return c, err
	}
	if c.State == Voided {
		return c, nil
	}
	if c.State == Bounced {
		return c, ruleErr(ErrState, "collection_returned", "", "a returned collection cannot be voided")
	}
	out := c
	out.State = Voided
	out.VoidReason = strings.TrimSpace(reason)
	return out, nil
}

// Clear returns c with its instrument cleared (the money is in).
func Clear(c Collection) (Collection, error) {
	switch c.State {
	case Cleared:
		return c, nil
	case InHand:
		out := c
		out.State = Cleared
		return out, nil
	}
	return c, ruleErr(ErrState, "not_in_hand", "", "collection is %s, not in hand", c.State)
}

// Return returns c with its instrument returned unpaid, and the returned
// item that re-opens what it paid (nil if it paid nothing: an advance that
// bounced simply stops counting as credit).
func Return(c Collection, docID, number string) (Collection, *Document, error) {
	if c.State != InHand && c.State != Cleared {
		return c, nil, ruleErr(ErrState, "not_returnable", "", "collection is %s", c.State)
	}
	out := c
	out.State = Bounced
	paid := c.Allocated()
	if paid == 0 {
		return out, nil, nil
	}
	return out, &Document{
		ID: docID, CustomerID: c.CustomerID, Kind: Returned, Number: number,
		Currency: c.Amount.Currency, Amount: paid, ERPOpen: paid, Instrument: c.Instrument.Kind,
	}, nil
}
