package ledger

import (
	"fmt"
	"time"
	"unicode/utf8"

	"cobro/internal/civil"
	"cobro/internal/money"
)

// Lengths of free text, in characters. Every text that enters the ledger
// is bounded, so that one record cannot fill the pages that show it.
const (
	// MaxIDLen bounds an id (a customer's or document's ERP id) and a
	// document's number, which is its id when the ERP gives none.
	MaxIDLen = 100
	// MaxCodeLen bounds short codes and numbers: a tax id, a phone, an
	// agent, segment, zone or route code, an instrument number, a device
	// id.
	MaxCodeLen = 64
	// MaxNameLen bounds names: a customer's, a bank's, a saved list's.
	MaxNameLen = 200
	// MaxEmailLen is the longest e-mail address (RFC 5321).
	MaxEmailLen = 254
	// MaxNoteLen bounds notes and reasons (a void, a return).
	MaxNoteLen = 500
	// MaxLongLen bounds the few long texts: an address, how to pay, a
	// saved list's query.
	MaxLongLen = 2000
)

// CheckText reports a text longer than max characters as a rule error
// "text_too_long" on field.
func CheckText(field, s string, max int) error {
	if len(s) <= max || utf8.RuneCountInString(s) <= max {
		return nil
	}
	e := ruleErr(ErrInvalid, "text_too_long", field, "%s is longer than %d characters", field, max)
	e.Args = []any{"max", max}
	return e
}

// CheckTexts checks field, value, limit triples in order (see CheckText).
func CheckTexts(fields ...any) error { return checkTexts(fields...) }

// checkTexts checks field, value, limit triples in order.
func checkTexts(fields ...any) error {
	for i := 0; i+2 < len(fields); i += 3 {
		if err := CheckText(fields[i].(string), fields[i+1].(string), fields[i+2].(int)); err != nil {
			return err
		}
	}
	return nil
}

// CheckAmount reports a money value over money.MaxMinor as a rule error
// "amount_too_large" on field.
func CheckAmount(field string, a money.Amount) error {
	if a.Check() == nil {
		return nil
	}
	max := money.Max(a.Currency)
	e := ruleErr(ErrInvalid, "amount_too_large", field, "%s is more than the largest amount cobro accepts (%s)",
		plain(a), plain(max))
	e.Args = []any{"amount", a, "max", max}
	return e
}

// plain is an amount in messages of the domain: "358.12 EUR". The edges
// translate them with the amounts formatted for the reader (RuleError.Args).
func plain(a money.Amount) string { return fmt.Sprintf("%s %s", a.Decimal(), a.Currency) }

// Plausible dates of a collection.
const (
	// MaxCollectedAge is how long before it is recorded a collection may
	// have been made (a device offline, a paper receipt entered late).
	MaxCollectedAge = 90 * 24 * time.Hour
	// MaxCollectedAhead is how far after the server's clock a device's
	// clock may be.
	MaxCollectedAhead = 24 * time.Hour
	// MaxDueYears is how many years ahead an instrument may mature.
	MaxDueYears = 10
)

// EarliestDueDate is the earliest maturity of an instrument.
var EarliestDueDate = civil.Date{Year: 2000, Month: time.January, Day: 1}

// CheckCollectedAt checks a collection's time against when it is recorded
// (now) and when the company was set up in cobro (setUp, zero if unknown):
// no more than MaxCollectedAge back, never before the company was set up,
// and no more than MaxCollectedAhead in the future.
func CheckCollectedAt(at, now, setUp time.Time) error {
	switch earliest := now.Add(-MaxCollectedAge); {
	case at.After(now.Add(MaxCollectedAhead)):
		return ruleErr(ErrInvalid, "collected_in_future", "collected_at", "collected_at is in the future")
	case at.Before(earliest):
		e := ruleErr(ErrInvalid, "collected_too_early", "collected_at", "collected_at %s is more than %d days before now",
			at.UTC().Format(time.RFC3339), int(MaxCollectedAge/(24*time.Hour)))
		e.Args = []any{"days", int(MaxCollectedAge / (24 * time.Hour))}
		return e
	case !setUp.IsZero() && at.Before(setUp):
		e := ruleErr(ErrInvalid, "collected_before_setup", "collected_at", "collected_at %s is before the company was set up in cobro (%s)",
			at.UTC().Format(time.RFC3339), setUp.UTC().Format(time.RFC3339))
		e.Args = []any{"setup", setUp.UTC().Format(time.RFC3339)}
		return e
	}
	return nil
}

// CheckDueDate checks an instrument's maturity on day today: not before
// EarliestDueDate, at most MaxDueYears ahead.
func CheckDueDate(field string, d, today civil.Date) error {
	if d.IsZero() {
		return nil
	}
	latest := civil.Of(time.Date(today.Year+MaxDueYears, today.Month, today.Day, 0, 0, 0, 0, time.UTC))
	if d.Before(EarliestDueDate) || d.After(latest) {
		e := ruleErr(ErrInvalid, "bad_due_date", field, "due date %s is not between %s and %s", d, EarliestDueDate, latest)
		e.Args = []any{"earliest", EarliestDueDate.String(), "latest", latest.String()}
		return e
	}
	return nil
}

// CheckCompany checks the company profile's texts.
func CheckCompany(c Company) error {
	return checkTexts("name", c.Name, MaxNameLen, "tax_id", c.TaxID, MaxCodeLen, "address", c.Address, MaxLongLen,
		"how_to_pay_en", c.HowToPayEN, MaxLongLen, "how_to_pay_es", c.HowToPayES, MaxLongLen)
}

// CheckCustomer checks a customer's texts and credit limit before it is
// stored.
func CheckCustomer(c Customer) error {
	if err := checkTexts("customer_id", c.ID, MaxIDLen, "name", c.Name, MaxNameLen, "tax_id", c.TaxID, MaxCodeLen,
		"email", c.Email, MaxEmailLen, "phone", c.Phone, MaxCodeLen, "agent", c.Agent, MaxCodeLen,
		"segment", c.Segment, MaxCodeLen, "zone", c.Zone, MaxCodeLen, "route", c.Route, MaxCodeLen); err != nil {
		return err
	}
	if c.CreditLimit != nil {
		if *c.CreditLimit < 0 {
			return ruleErr(ErrInvalid, "negative_amount", "credit_limit", "amounts must not be negative")
		}
		return CheckAmount("credit_limit", money.New(*c.CreditLimit, c.Currency))
	}
	return nil
}
