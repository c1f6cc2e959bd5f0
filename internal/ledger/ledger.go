// Package ledger is cobro's open-items domain: customers, the documents the
// ERP says they owe (or are owed), the collections recorded in cobro, their
// allocations, statuses as of a date, and the figures that the credit check
// and every page read. It is pure: no SQL, no HTTP, no clock. Every rule
// that depends on the day takes it as an argument.
//
// Amounts inside one customer are in that customer's currency, so the
// figures here are plain int64 minor units; package money guards the
// places where currencies meet (parsing, sums across customers).
package ledger

import (
	"errors"
	"fmt"
	"time"

	"cobro/internal/civil"
	"cobro/internal/money"
)

// Kind is what a document is.
type Kind string

const (
	Invoice    Kind = "invoice"
	CreditNote Kind = "credit_note"
	Returned   Kind = "returned" // a returned (unpaid) item: a bounced cheque, a refused direct debit
)

// Owed reports whether the customer owes this kind of document (invoice,
// returned item) rather than being owed it (credit note).
func (k Kind) Owed() bool { return k == Invoice || k == Returned }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Invoice || k == CreditNote || k == Returned }

// Instrument is how a document is expected to be paid, or how a collection
// was paid.
type Instrument string

const (
	Cash           Instrument = "cash"
	Cheque         Instrument = "cheque"
	PromissoryNote Instrument = "promissory_note"
	Transfer       Instrument = "transfer"
	DirectDebit    Instrument = "direct_debit"
	Card           Instrument = "card"
	Bizum          Instrument = "bizum" // instant mobile payment, common in Spain
	Other          Instrument = "other" // named by the collection's label
)

// ValidExpected reports whether i may be a document's expected instrument.
func (i Instrument) ValidExpected() bool {
	switch i {
	case Cash, Cheque, PromissoryNote, Transfer, DirectDebit, Card, Bizum, Other:
		return true
	}
	return false
}

// ValidCollected reports whether a collection may be paid with i.
func (i Instrument) ValidCollected() bool {
	switch i {
	case Cash, Cheque, PromissoryNote, Transfer, Card, Bizum, Other:
		return true
	}
	return false
}

// ClearsLater reports whether an instrument is received before its money
// is: a cheque or promissory note stays in hand, and in the customer's risk,
// until it is cleared or returned.
func (i Instrument) ClearsLater() bool { return i == Cheque || i == PromissoryNote }

// Customer is an account from the ERP.
type Customer struct {
	ID       string // the ERP's customer id
	Name     string
	TaxID    string
	Email    string
	Phone    string
	Language string // "en", "es" or "" (the company's default)
	Agent    string // agent code from the ERP
	Segment  string
	Zone     string
	Route    string
	// CreditLimit is nil when no limit is set (blank in the ERP).
	CreditLimit *int64
	Currency    money.Currency
}

// Document is an open item as the ERP gives it, plus what cobro has
// collected against it that the ERP has not acknowledged yet.
type Document struct {
	ID         string // the ERP's unique id of the document, of any kind
	CustomerID string
	Kind       Kind
	Number     string // what people read
	IssueDate  civil.Date
	DueDate    civil.Date
	Currency   money.Currency
	Amount     int64 // minor units, >= 0
	// ERPOpen is the amount still open according to the ERP's last word.
	ERPOpen int64
	// Pending is the sum of cobro's allocations to this document that the
	// ERP has not acknowledged yet.
	Pending    int64
	Instrument Instrument
	Disputed   bool
	PaidOn     civil.Date
	// ClosedReason says why an open document was closed by cobro rather
	// than paid through it, e.g. "absent from ERP snapshot".
	ClosedReason string
}

// Open is the amount still open as cobro shows it: the ERP's open amount
// minus cobro's pending allocations, never below zero (see Conflict).
func (d Document) Open() int64 {
	if d.Pending >= d.ERPOpen {
		return 0
	}
	return d.ERPOpen - d.Pending
}

// SignedOpen is the open amount with the sign it has in the customer's
// balance: a credit note's is negative. Every page, report, sheet and
// statement shows a document's open amount with this sign.
func (d Document) SignedOpen() int64 {
	if d.Kind.Owed() {
		return d.Open()
	}
	return -d.Open()
}

// AwaitingERP reports whether cobro has collected everything open on the
// document and the ERP has not acknowledged it yet: nothing is open, and
// it is listed apart as "collected, awaiting the ERP", not among the open
// documents.
func (d Document) AwaitingERP() bool { return d.Open() == 0 && d.Pending > 0 }

// Conflict is how far cobro's pending allocations exceed the ERP's open
// amount: the ERP says less is open than cobro has collected and not yet
// reported. It is listed for the administration, never hidden.
func (d Document) Conflict() int64 {
	if d.Pending > d.ERPOpen {
		return d.Pending - d.ERPOpen
	}
	return 0
}

// Status is a document's one status as of a date.
type Status string

const (
	Collected Status = "collected"
	Disputed  Status = "disputed"
	Unpaid    Status = "unpaid"
	Overdue   Status = "overdue"
	Pending   Status = "pending"
)

// State is a document's status as of a date, with whether it is partly
// paid and how many days it is overdue.
type State struct {
	Status      Status `json:"status"`
	Partial     bool   `json:"partial"`
	DaysOverdue int    `json:"days_overdue"`
}

// StateAsOf returns the document's status on day today (in the company's
// time zone), by StatusPrecedence: collected, disputed, unpaid, overdue,
// pending. A document is overdue from the day after its due date.
func (d Document) StateAsOf(today civil.Date) State {
	open := d.Open()
	return State{Status: statusOf(d, today), Partial: open > 0 && open < d.Amount, DaysOverdue: d.DaysOverdue(today)}
}

// CollectionState is where a collection's instrument stands.
type CollectionState string

const (
	InHand  CollectionState = "in_hand"  // received, not cleared yet (cheque, promissory note)
	Cleared CollectionState = "cleared"  // the money is in
	Bounced CollectionState = "returned" // the instrument came back unpaid
	Voided  CollectionState = "voided"   // recorded in error; kept, with a reason
)

// InstrumentDetail is how a collection was paid.
type InstrumentDetail struct {
	Kind    Instrument `json:"kind"`
	Number  string     `json:"number,omitempty"`  // cheque or promissory note number
	Bank    string     `json:"bank,omitempty"`    // drawee bank
	DueDate civil.Date `json:"due_date,omitzero"` // maturity of a cheque or promissory note
	Label   string     `json:"label,omitempty"`   // what an instrument of kind other is
}

// Allocation is the part of a collection applied to one document.
type Allocation struct {
	DocumentID string
	Amount     int64
	// Acked is true once the ERP has acknowledged the collection that
	// holds this allocation: from then on the ERP's open amount already
	// includes it.
	Acked bool
}

// Collection is money received from a customer, recorded in cobro.
type Collection struct {
	ID            string
	CustomerID    string
	Amount        money.Amount
	Instrument    InstrumentDetail
	State         CollectionState
	CollectedAt   time.Time // the device's time
	RecordedAt    time.Time // the server's time
	CollectedBy   string
	Agent         string // the agent who collected it ('' keyed in at the office for no agent)
	DeviceID      string
	ReceiptNumber string
	// AckedAt is when the ERP acknowledged the collection; zero while it
	// is pending in the ERP.
	AckedAt     time.Time
	Allocations []Allocation
	VoidReason  string
	// ReturnedDocument is the returned item created when the instrument
	// came back unpaid.
	ReturnedDocument string
	// Custody is where a cheque or promissory note in hand is (see
	// MoveCustody), since CustodyAt.
	Custody   Custody
	CustodyAt time.Time
}

// Acked reports whether the ERP has acknowledged the collection.
func (c Collection) Acked() bool { return !c.AckedAt.IsZero() }

// Allocated is the sum of the collection's allocations.
func (c Collection) Allocated() int64 {
	var s int64
	for _, a := range c.Allocations {
		s += a.Amount
	}
	return s
}

// Errors of the domain. Each is wrapped in a *RuleError naming the field.
var (
	ErrInvalid       = errors.New("invalid")
	ErrOverAllocated = errors.New("over-allocated")
	ErrState         = errors.New("not allowed in this state")
	ErrCurrency      = errors.New("currency differs from the customer's")
)

// RuleError is a broken rule, with the field it concerns, the value that
// broke it and a stable code that the API and the translations key on.
type RuleError struct {
	Err     error  // one of the Err* sentinels
	Code    string // stable, e.g. "allocation_exceeds_open"
	Field   string // e.g. "allocations[1].amount"
	Value   string // the bad value as the user sent it; "" when there is none to show
	Message string // English; translated by code at the edges
	// Args are name, value pairs for the translated message's {name}
	// placeholders; a money.Amount is formatted in the reader's language.
	Args []any
}

// WithValue records the bad value, as the user sent it, and returns e.
func (e *RuleError) WithValue(v string) *RuleError {
	e.Value = v
	return e
}

func (e *RuleError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

func (e *RuleError) Unwrap() error { return e.Err }

func ruleErr(err error, code, field, format string, args ...any) *RuleError {
	return &RuleError{Err: err, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Company is the one company of a deployment: the profile printed on
// documents and the base of its calendar.
type Company struct {
	Name     string
	TaxID    string
	Address  string
	Currency money.Currency // base currency
	TimeZone string         // IANA name; "today" is computed in it
	Language string         // default language of documents
	// How to pay, printed on statements: in English and in Spanish, so
	// each customer reads it in the statement's language.
	HowToPayEN string
	HowToPayES string
	// SettlementTolerance is how far an agent's settlement may be off,
	// counted against expected, before a supervisor must approve it.
	SettlementTolerance money.Amount
}

// HowToPay is the company's payment instructions in lang ("en" or "es");
// when none are written in lang, those of the company's own language, else
// any: an account number is better printed in the other language than not
// at all.
func (c Company) HowToPay(lang string) string {
	texts := map[string]string{"en": c.HowToPayEN, "es": c.HowToPayES}
	for _, l := range []string{lang, c.Language, "es", "en"} {
		if s := texts[l]; s != "" {
			return s
		}
	}
	return ""
}
