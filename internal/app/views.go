package app

import (
	"time"

	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// CustomerView is a customer with its figures, as the API and pages show it.
type CustomerView struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	TaxID    string         `json:"tax_id"`
	Email    string         `json:"email"`
	Phone    string         `json:"phone"`
	Language string         `json:"language"`
	Agent    string         `json:"agent"`
	Segment  string         `json:"segment"`
	Zone     string         `json:"zone"`
	Route    string         `json:"route"`
	Currency money.Currency `json:"currency"`
	// CreditLimit and AvailableCredit are null when no limit is set.
	CreditLimit *money.Amount `json:"credit_limit"`
	Balance     money.Amount  `json:"balance"`
	Overdue     money.Amount  `json:"overdue"`
	Disputed    money.Amount  `json:"disputed"`
	InHand      money.Amount  `json:"in_hand"`
	Unallocated money.Amount  `json:"unallocated"`
	// Risk is open debts + instruments not cleared + orders reserved
	// (Reserved); AvailableCredit is the limit less it.
	Risk             money.Amount  `json:"risk"`
	Reserved         money.Amount  `json:"reserved"`
	AvailableCredit  *money.Amount `json:"available_credit"`
	OverLimit        bool          `json:"over_limit"`
	Conflict         money.Amount  `json:"conflict"`
	OpenDocuments    int64         `json:"open_documents"`
	OverdueDocuments int64         `json:"overdue_documents"`
	FiguresAsOf      civil.Date    `json:"figures_as_of"`
}

func customerView(a store.Account, asOf civil.Date) CustomerView {
	c, f := a.Customer, a.Figures
	amt := func(m int64) money.Amount { return money.New(m, c.Currency) }
	v := CustomerView{
		ID: c.ID, Name: c.Name, TaxID: c.TaxID, Email: c.Email, Phone: c.Phone, Language: c.Language, Agent: c.Agent,
		Segment: c.Segment, Zone: c.Zone, Route: c.Route, Currency: c.Currency,
		Balance: amt(f.Balance), Overdue: amt(f.Overdue), Disputed: amt(f.Disputed), InHand: amt(f.InHand),
		Unallocated: amt(f.Unallocated), Risk: amt(a.Risk()), Reserved: amt(a.Reserved), Conflict: amt(f.Conflict),
		OpenDocuments: f.OpenCount, OverdueDocuments: f.OverdueCount, FiguresAsOf: asOf,
	}
	if c.CreditLimit != nil {
		l := amt(*c.CreditLimit)
		v.CreditLimit = &l
		avail, _ := a.Available()
		av := amt(avail)
		v.AvailableCredit = &av
		v.OverLimit = a.OverLimit()
	}
	return v
}

// DocumentView is a document with its status as of today.
type DocumentView struct {
	ID            string            `json:"id"`
	CustomerID    string            `json:"customer_id"`
	Kind          ledger.Kind       `json:"kind"`
	Number        string            `json:"number"`
	IssueDate     civil.Date        `json:"issue_date"`
	DueDate       civil.Date        `json:"due_date"`
	Amount        money.Amount      `json:"amount"`
	OpenAmount    money.Amount      `json:"open_amount"`
	ERPOpenAmount money.Amount      `json:"erp_open_amount"`
	PendingAmount money.Amount      `json:"pending_in_erp"`
	Conflict      money.Amount      `json:"conflict"`
	Status        ledger.Status     `json:"status"`
	Partial       bool              `json:"partial"`
	DaysOverdue   int               `json:"days_overdue"`
	Instrument    ledger.Instrument `json:"instrument"`
	Disputed      bool              `json:"disputed"`
	PaidOn        civil.Date        `json:"paid_on,omitzero"`
	ClosedReason  string            `json:"closed_reason,omitempty"`
	// SignedOpen is OpenAmount with its sign in the balance (a credit
	// note's is negative): what pages and printed documents show.
	SignedOpen money.Amount `json:"-"`
	// AwaitingERP: collected in cobro, still open in the ERP.
	AwaitingERP bool `json:"-"`
}

func documentView(d ledger.Document, today civil.Date) DocumentView {
	st := d.StateAsOf(today)
	amt := func(m int64) money.Amount { return money.New(m, d.Currency) }
	return DocumentView{
		ID: d.ID, CustomerID: d.CustomerID, Kind: d.Kind, Number: d.Number, IssueDate: d.IssueDate, DueDate: d.DueDate,
		Amount: amt(d.Amount), OpenAmount: amt(d.Open()), ERPOpenAmount: amt(d.ERPOpen), PendingAmount: amt(d.Pending),
		Conflict: amt(d.Conflict()), Status: st.Status, Partial: st.Partial, DaysOverdue: st.DaysOverdue,
		Instrument: d.Instrument, Disputed: d.Disputed, PaidOn: d.PaidOn, ClosedReason: d.ClosedReason,
		SignedOpen: amt(d.SignedOpen()), AwaitingERP: d.AwaitingERP(),
	}
}

// AllocationView is one allocation of a collection.
type AllocationView struct {
	DocumentID string       `json:"document_id"`
	Amount     money.Amount `json:"amount"`
	Acked      bool         `json:"acknowledged"`
}

// CollectionView is a collection as the API shows it.
type CollectionView struct {
	ID               string                  `json:"id"`
	CustomerID       string                  `json:"customer_id"`
	CustomerName     string                  `json:"customer_name,omitempty"`
	Amount           money.Amount            `json:"amount"`
	Unallocated      money.Amount            `json:"unallocated"`
	Instrument       ledger.InstrumentDetail `json:"instrument"`
	State            ledger.CollectionState  `json:"state"`
	CollectedAt      time.Time               `json:"collected_at"`
	RecordedAt       time.Time               `json:"recorded_at"`
	CollectedBy      string                  `json:"collected_by"`
	Agent            string                  `json:"agent,omitempty"`
	DeviceID         string                  `json:"device_id,omitempty"`
	ReceiptNumber    string                  `json:"receipt_number,omitempty"`
	PendingInERP     bool                    `json:"pending_in_erp"`
	AckedAt          *time.Time              `json:"acknowledged_at"`
	Allocations      []AllocationView        `json:"allocations"`
	VoidReason       string                  `json:"void_reason,omitempty"`
	ReturnedDocument string                  `json:"returned_document,omitempty"`
	Custody          ledger.Custody          `json:"custody,omitempty"`
	CustodyAt        *time.Time              `json:"custody_at,omitempty"`
}

func collectionView(c ledger.Collection) CollectionView {
	v := CollectionView{
		ID: c.ID, CustomerID: c.CustomerID, Amount: c.Amount,
		Unallocated: money.New(c.Amount.Minor-c.Allocated(), c.Amount.Currency),
		Instrument:  c.Instrument, State: c.State, CollectedAt: c.CollectedAt.UTC(), RecordedAt: c.RecordedAt.UTC(),
		CollectedBy: c.CollectedBy, Agent: c.Agent, DeviceID: c.DeviceID, ReceiptNumber: c.ReceiptNumber, PendingInERP: !c.Acked(),
		Allocations: []AllocationView{}, VoidReason: c.VoidReason, ReturnedDocument: c.ReturnedDocument,
	}
	if c.Acked() {
		t := c.AckedAt.UTC()
		v.AckedAt = &t
	}
	if c.Custody != ledger.WithAgent {
		t := c.CustodyAt.UTC()
		v.Custody, v.CustodyAt = c.Custody, &t
	}
	for _, a := range c.Allocations {
		v.Allocations = append(v.Allocations, AllocationView{DocumentID: a.DocumentID, Amount: money.New(a.Amount, c.Amount.Currency), Acked: a.Acked})
	}
	return v
}
