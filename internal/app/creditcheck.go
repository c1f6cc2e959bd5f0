package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/credit"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// The credit check a sales app (or the agent's page) asks on every order:
// allow, approval required or block, with the reasons. An allowed order is
// reserved against the limit; one that needs approval waits for a
// supervisor and is reserved once approved. A reservation ends when the
// order is invoiced, cancelled or expires. Reserving runs under the change
// envelope with the customer's row locked, so concurrent checks of one
// customer never reserve past the limit.

// CheckRequest is a credit check.
type CheckRequest struct {
	CustomerID string        `json:"customer_id"`
	Amount     money.Amount  `json:"amount"`
	OrderRef   string        `json:"order_ref"`
	Reserve    *bool         `json:"reserve"` // default true
	PaidNow    *money.Amount `json:"paid_now"`
	// Lang is the language the answer's messages are in.
	Lang i18n.Lang `json:"-"`
}

// Reserves reports whether the check asks to reserve.
func (r CheckRequest) Reserves() bool { return r.Reserve == nil || *r.Reserve }

// ReasonView is one reason of a decision, in words.
type ReasonView struct {
	Code     string          `json:"code"`
	Decision credit.Decision `json:"decision"`
	Message  string          `json:"message"`
}

// CheckAnswer is the answer to a credit check.
type CheckAnswer struct {
	Decision        credit.Decision `json:"decision"`
	Reasons         []ReasonView    `json:"reasons"`
	CustomerID      string          `json:"customer_id"`
	OrderRef        string          `json:"order_ref"`
	Amount          money.Amount    `json:"amount"`
	CreditLimit     *money.Amount   `json:"credit_limit"`
	Risk            money.Amount    `json:"risk"`
	Reserved        money.Amount    `json:"reserved"`
	AvailableCredit *money.Amount   `json:"available_credit"`
	CollectFirst    money.Amount    `json:"collect_first"`
	ReservationID   *string         `json:"reservation_id"`
	ApprovalID      *string         `json:"approval_id"`
	ExpiresAt       *time.Time      `json:"expires_at"`
}

// CreditCheckView is a stored check: a reservation, an approval request or
// a refused order.
type CreditCheckView struct {
	ID           string          `json:"id"`
	CustomerID   string          `json:"customer_id"`
	CustomerName string          `json:"customer_name,omitempty"`
	Agent        string          `json:"agent"`
	OrderRef     string          `json:"order_ref"`
	Amount       money.Amount    `json:"amount"`
	PaidNow      money.Amount    `json:"paid_now"`
	Reserved     money.Amount    `json:"reserved"`
	Decision     credit.Decision `json:"decision"`
	Reasons      []ReasonView    `json:"reasons"`
	State        string          `json:"state"`
	Approval     string          `json:"approval"`
	RequestedBy  string          `json:"requested_by"`
	CreatedAt    time.Time       `json:"created_at"`
	ExpiresAt    *time.Time      `json:"expires_at"`
	DecidedBy    string          `json:"decided_by,omitempty"`
	DecidedAt    *time.Time      `json:"decided_at"`
	Comment      string          `json:"comment,omitempty"`
	ClosedBy     string          `json:"closed_by,omitempty"`
	ClosedAt     *time.Time      `json:"closed_at"`
}

// MaxOrderRefLen bounds an order reference.
const MaxOrderRefLen = 100

// storedReason is a reason as credit_checks keeps it, so that it can be
// worded again in any reader's language.
type storedReason struct {
	Code     string                     `json:"code"`
	Decision credit.Decision            `json:"decision"`
	Args     map[string]json.RawMessage `json:"args,omitempty"`
}

func encodeReasons(rs []credit.Reason) (string, error) {
	out := make([]storedReason, len(rs))
	for i, r := range rs {
		out[i] = storedReason{Code: r.Code, Decision: r.Decision, Args: map[string]json.RawMessage{}}
		for j := 0; j+1 < len(r.Args); j += 2 {
			b, err := json.Marshal(r.Args[j+1])
			if err != nil {
				return "", err
			}
			out[i].Args[fmt.Sprint(r.Args[j])] = b
		}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func decodeReasons(s string) ([]credit.Reason, error) {
	var in []storedReason
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("credit check reasons: %w", err)
	}
	out := make([]credit.Reason, len(in))
	for i, r := range in {
		out[i] = credit.Reason{Code: r.Code, Decision: r.Decision}
		for name, raw := range r.Args {
			var v any
			switch raw = bytes.TrimSpace(raw); {
			case len(raw) > 0 && raw[0] == '{':
				var m money.Amount
				if err := json.Unmarshal(raw, &m); err != nil {
					return nil, err
				}
				v = m
			case len(raw) > 0 && raw[0] == '"':
				var s string
				if err := json.Unmarshal(raw, &s); err != nil {
					return nil, err
				}
				v = s
			default:
				var n int64
				if err := json.Unmarshal(raw, &n); err != nil {
					return nil, err
				}
				v = n
			}
			out[i].Args = append(out[i].Args, name, v)
		}
	}
	return out, nil
}

// Reasons words a decision's reasons in lang.
func Reasons(lang i18n.Lang, rs []credit.Reason) []ReasonView {
	out := make([]ReasonView, len(rs))
	for i, r := range rs {
		out[i] = ReasonView{Code: r.Code, Decision: r.Decision, Message: i18n.T(lang, "credit.reason."+r.Code, i18n.Args(lang, r.Args...)...)}
	}
	return out
}

// creditFacts reads what a check of acc needs: its reserved total and
// flag, the policies and its open documents.
func (a *App) creditFacts(ctx context.Context, tx *store.Tx, acc store.Account, company ledger.Company, asOf civil.Date) (credit.Policy, credit.Facts, store.CreditAccount, error) {
	ca, err := tx.CreditAccount(ctx, acc.ID)
	if err != nil {
		return credit.Policy{}, credit.Facts{}, ca, err
	}
	ps, err := tx.CreditPolicies(ctx)
	if err != nil {
		return credit.Policy{}, credit.Facts{}, ca, err
	}
	p := ps.For(acc.Segment)
	if acc.Currency != company.Currency {
		// The policy's amounts are in the company's currency.
		p.MaterialityMinor, p.ToleranceMinor = 0, 0
	}
	docs, err := tx.CustomerDocuments(ctx, acc.ID, true, "", "", 100_000)
	if err != nil {
		return p, credit.Facts{}, ca, err
	}
	// Read again under the customer's lock: a replaced check may have
	// released its reservation since acc was read.
	acc.Reserved = ca.Reserved
	f := credit.Facts{Currency: acc.Currency, Limit: acc.CreditLimit, Risk: acc.Risk(), Flagged: ca.Flagged, FlagReason: ca.FlagReason,
		Documents: docs, Today: asOf}
	if p.RatingsMatter() {
		// The stored rating: a point read (a customer never rated has none).
		r, err := tx.StoredRating(ctx, acc.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return p, f, ca, err
		}
		f.Grade = r.Grade
	}
	return p, f, ca, nil
}

// checkOrder validates a check's request against the customer.
func checkOrder(req *CheckRequest, cur money.Currency) error {
	req.OrderRef = strings.TrimSpace(req.OrderRef)
	if req.Reserves() && req.OrderRef == "" {
		return ruleInvalid("required", "order_ref", "name the order (order_ref) to reserve it")
	}
	if len(req.OrderRef) > MaxOrderRefLen {
		return ruleInvalid("too_long", "order_ref", "order_ref is longer than %d characters", MaxOrderRefLen)
	}
	if req.Amount.Currency != cur {
		return &ledger.RuleError{Err: ledger.ErrCurrency, Code: "currency_mismatch", Field: "amount.currency", Value: string(req.Amount.Currency),
			Message: fmt.Sprintf("the order is in the customer's currency, %s", cur)}
	}
	if req.Amount.Minor <= 0 {
		return ruleInvalid("amount_not_positive", "amount.amount", "the order's amount must be positive").WithValue(fmt.Sprint(req.Amount.Minor))
	}
	if err := ledger.CheckAmount("amount.amount", req.Amount); err != nil {
		return err
	}
	if req.PaidNow != nil {
		if req.PaidNow.Currency != cur {
			return &ledger.RuleError{Err: ledger.ErrCurrency, Code: "currency_mismatch", Field: "paid_now.currency", Value: string(req.PaidNow.Currency),
				Message: fmt.Sprintf("what is paid now is in the customer's currency, %s", cur)}
		}
		if req.PaidNow.Minor < 0 {
			return ruleInvalid("amount_negative", "paid_now.amount", "paid_now cannot be negative")
		}
		if err := ledger.CheckAmount("paid_now.amount", *req.PaidNow); err != nil {
			return err
		}
	}
	return nil
}

func (req CheckRequest) paidNow() int64 {
	if req.PaidNow == nil {
		return 0
	}
	return req.PaidNow.Minor
}

func answerOf(req CheckRequest, acc store.Account, f credit.Facts, r credit.Result, reserved int64) CheckAnswer {
	cur := acc.Currency
	v := CheckAnswer{Decision: r.Decision, Reasons: Reasons(req.Lang, r.Reasons), CustomerID: acc.ID, OrderRef: req.OrderRef,
		Amount: req.Amount, Risk: money.New(f.Risk, cur), Reserved: money.New(reserved, cur), CollectFirst: money.New(r.CollectFirst, cur)}
	if acc.CreditLimit != nil {
		l := money.New(*acc.CreditLimit, cur)
		v.CreditLimit = &l
	}
	if r.Available != nil {
		av := money.New(*r.Available, cur)
		v.AvailableCredit = &av
	}
	return v
}

// CheckCredit answers whether an order passes. With reserve (the
// default) it runs under the envelope: an allowed order is reserved, one
// that needs approval waits for a supervisor, a blocked one is recorded;
// a live check of the same order is replaced. Without, it only answers
// and writes nothing (no key needed).
func (a *App) CheckCredit(ctx context.Context, actor auth.Actor, idem Idem, req CheckRequest) (CheckAnswer, *Replay, error) {
	if err := actor.Check(auth.CheckCredit); err != nil {
		return CheckAnswer{}, nil, err
	}
	company, err := a.Company(ctx)
	if err != nil {
		return CheckAnswer{}, nil, err
	}
	if !req.Reserves() {
		asOf, err := a.Today(ctx)
		if err != nil {
			return CheckAnswer{}, nil, err
		}
		var v CheckAnswer
		err = a.db.Read(ctx, func(tx *store.Tx) error {
			acc, err := a.visibleAccount(ctx, tx, actor, req.CustomerID, false)
			if err != nil {
				return err
			}
			if err := checkOrder(&req, acc.Currency); err != nil {
				return err
			}
			p, f, ca, err := a.creditFacts(ctx, tx, acc, company, asOf)
			if err != nil {
				return err
			}
			f.Order, f.PaidNow = req.Amount.Minor, req.paidNow()
			r, err := credit.Decide(p, f)
			if err != nil {
				return err
			}
			v = answerOf(req, acc, f, r, ca.Reserved)
			return nil
		})
		return v, nil, err
	}
	var v CheckAnswer
	replay, err := a.run(ctx, actor, change{action: auth.CheckCredit, idem: idem, outcome: OutcomeCreated,
		decide: func(tx *store.Tx, asOf civil.Date) (any, ledger.Effects, error) {
			var fx ledger.Effects
			acc, err := a.visibleAccount(ctx, tx, actor, req.CustomerID, true)
			if err != nil {
				return nil, fx, err
			}
			if err := checkOrder(&req, acc.Currency); err != nil {
				return nil, fx, err
			}
			now := a.now()
			// A new check of an order replaces its live one.
			old, err := tx.LiveCheck(ctx, acc.ID, req.OrderRef)
			switch {
			case err == nil:
				ev, err := a.closeCheck(ctx, tx, &old, store.CheckCancelled, "replaced", actor.Name, now)
				if err != nil {
					return nil, fx, err
				}
				fx.Audit = append(fx.Audit, ev)
			case !errors.Is(err, store.ErrNotFound):
				return nil, fx, err
			}
			p, f, ca, err := a.creditFacts(ctx, tx, acc, company, asOf)
			if err != nil {
				return nil, fx, err
			}
			f.Order, f.PaidNow = req.Amount.Minor, req.paidNow()
			r, err := credit.Decide(p, f)
			if err != nil {
				return nil, fx, err
			}
			days, err := tx.ReservationDays(ctx)
			if err != nil {
				return nil, fx, err
			}
			reasons, err := encodeReasons(r.Reasons)
			if err != nil {
				return nil, fx, err
			}
			id, err := uuid.NewV7()
			if err != nil {
				return nil, fx, err
			}
			c := store.CreditCheck{ID: id.String(), CustomerID: acc.ID, Agent: acc.Agent, OrderRef: req.OrderRef, Currency: acc.Currency,
				Amount: req.Amount.Minor, PaidNow: f.PaidNow, Exposure: r.Exposure, Decision: r.Decision, Reasons: reasons,
				RequestedBy: actor.Name, CreatedAt: now, ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour)}
			topic := ""
			switch r.Decision {
			case credit.Allow:
				c.State, topic = store.CheckReserved, "credit_check.reserved"
			case credit.ApprovalRequired:
				c.State, c.Approval, topic = store.CheckPending, store.ApprovalPending, "credit_check.approval_requested"
			default:
				c.State, c.ExpiresAt, c.ClosedAt, c.ClosedBy, topic = store.CheckBlocked, now, now, "policy", "credit_check.blocked"
			}
			if err := tx.InsertCreditCheck(ctx, c, now); err != nil {
				return nil, fx, err
			}
			reserved := ca.Reserved
			if c.State == store.CheckReserved {
				if err := tx.AddReserved(ctx, acc.ID, c.Exposure, now); err != nil {
					return nil, fx, err
				}
				reserved += c.Exposure
			}
			v = answerOf(req, acc, f, r, reserved)
			switch c.State {
			case store.CheckReserved:
				v.ReservationID = &c.ID
				e := c.ExpiresAt.UTC()
				v.ExpiresAt = &e
			case store.CheckPending:
				v.ApprovalID = &c.ID
				e := c.ExpiresAt.UTC()
				v.ExpiresAt = &e
			}
			detail := checkDetail(c)
			fx.Audit = append(fx.Audit, ledger.Event{Kind: "credit.check", Entity: "credit_check", EntityID: c.ID, CustomerID: acc.ID, Detail: detail})
			fx.Outbox = append(fx.Outbox, ledger.Event{Kind: topic, Entity: "credit_check", EntityID: c.ID, CustomerID: acc.ID, Detail: detail})
			return v, fx, nil
		}})
	return v, replay, err
}

func checkDetail(c store.CreditCheck) map[string]any {
	return map[string]any{"customer_id": c.CustomerID, "order_ref": c.OrderRef, "amount": money.New(c.Amount, c.Currency),
		"reserved": money.New(c.Exposure, c.Currency), "decision": c.Decision, "state": c.State, "approval": c.Approval,
		"by": c.DecidedBy, "comment": c.Comment}
}

// closeCheck ends a live check (reserved or pending) in state to,
// releasing what it reserved. The customer's row is locked first.
func (a *App) closeCheck(ctx context.Context, tx *store.Tx, c *store.CreditCheck, to, reason, by string, now time.Time) (ledger.Event, error) {
	if err := tx.LockCustomers(ctx, []string{c.CustomerID}); err != nil {
		return ledger.Event{}, err
	}
	if c.State == store.CheckReserved {
		if err := tx.AddReserved(ctx, c.CustomerID, -c.Exposure, now); err != nil {
			return ledger.Event{}, err
		}
	}
	if c.Approval == store.ApprovalPending {
		c.Approval = ""
	}
	c.State, c.ClosedAt, c.ClosedBy = to, now, by
	if err := tx.UpdateCreditCheck(ctx, *c, now); err != nil {
		return ledger.Event{}, err
	}
	d := checkDetail(*c)
	d["reason"] = reason
	return ledger.Event{Kind: "credit_check." + to, Entity: "credit_check", EntityID: c.ID, CustomerID: c.CustomerID, Detail: d}, nil
}

func (a *App) checkView(lang i18n.Lang, c store.CreditCheck) (CreditCheckView, error) {
	rs, err := decodeReasons(c.Reasons)
	if err != nil {
		return CreditCheckView{}, err
	}
	cur := c.Currency
	v := CreditCheckView{ID: c.ID, CustomerID: c.CustomerID, Agent: c.Agent, OrderRef: c.OrderRef, Amount: money.New(c.Amount, cur),
		PaidNow: money.New(c.PaidNow, cur), Reserved: money.New(c.Exposure, cur), Decision: c.Decision, Reasons: Reasons(lang, rs),
		State: c.State, Approval: c.Approval, RequestedBy: c.RequestedBy, CreatedAt: c.CreatedAt.UTC(), DecidedBy: c.DecidedBy,
		DecidedAt: timePtr(c.DecidedAt), Comment: c.Comment, ClosedBy: c.ClosedBy, ClosedAt: timePtr(c.ClosedAt)}
	if c.State == store.CheckReserved || c.State == store.CheckPending {
		v.ExpiresAt = timePtr(c.ExpiresAt)
	}
	return v, nil
}

// readCheck reads a check the actor may see.
func (a *App) readCheck(ctx context.Context, tx *store.Tx, actor auth.Actor, id string, lock bool) (store.CreditCheck, error) {
	c, err := tx.CreditCheck(ctx, id, lock)
	if err != nil {
		return c, err
	}
	if !actor.Sees(c.Agent) {
		return c, fmt.Errorf("credit check %q: %w", id, store.ErrNotFound)
	}
	return c, nil
}

// CreditCheck reads a stored check (a reservation or an approval).
func (a *App) CreditCheck(ctx context.Context, actor auth.Actor, lang i18n.Lang, id string) (CreditCheckView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return CreditCheckView{}, err
	}
	var v CreditCheckView
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		c, err := a.readCheck(ctx, tx, actor, id, false)
		if err != nil {
			return err
		}
		v, err = a.checkView(lang, c)
		return err
	})
	return v, err
}

// checkStep runs one step of a stored check under the envelope: step
// changes c (read locked, its customer locked) and returns the audit
// record's kind and the outbox topic.
func (a *App) checkStep(ctx context.Context, actor auth.Actor, action auth.Action, idem Idem, lang i18n.Lang, id string,
	step func(tx *store.Tx, c *store.CreditCheck, now time.Time) (ledger.Event, error)) (CreditCheckView, *Replay, error) {
	var v CreditCheckView
	replay, err := a.run(ctx, actor, change{action: action, idem: idem, outcome: OutcomeOK,
		decide: func(tx *store.Tx, asOf civil.Date) (any, ledger.Effects, error) {
			c, err := a.readCheck(ctx, tx, actor, id, false)
			if err != nil {
				return nil, ledger.Effects{}, err
			}
			// The customer's row first, then the check: the order every
			// writer of a customer's reservations takes.
			if err := tx.LockCustomers(ctx, []string{c.CustomerID}); err != nil {
				return nil, ledger.Effects{}, err
			}
			if c, err = tx.CreditCheck(ctx, id, true); err != nil {
				return nil, ledger.Effects{}, err
			}
			ev, err := step(tx, &c, a.now())
			if err != nil {
				return nil, ledger.Effects{}, err
			}
			if v, err = a.checkView(lang, c); err != nil {
				return nil, ledger.Effects{}, err
			}
			fx := ledger.Effects{Audit: []ledger.Event{ev}, Outbox: []ledger.Event{ev}}
			return v, fx, nil
		}})
	return v, replay, err
}

func notLive(c store.CreditCheck, want string) error {
	return &ledger.RuleError{Err: ledger.ErrState, Code: "check_not_" + want, Field: "id", Value: c.ID,
		Message: fmt.Sprintf("the check of order %s is %s", c.OrderRef, c.State), Args: []any{"state", c.State}}
}

// CancelCheck cancels a live check: a reservation is released, a request
// for approval withdrawn.
func (a *App) CancelCheck(ctx context.Context, actor auth.Actor, idem Idem, lang i18n.Lang, id string) (CreditCheckView, *Replay, error) {
	return a.checkStep(ctx, actor, auth.CheckCredit, idem, lang, id, func(tx *store.Tx, c *store.CreditCheck, now time.Time) (ledger.Event, error) {
		if c.State != store.CheckReserved && c.State != store.CheckPending {
			return ledger.Event{}, notLive(*c, "live")
		}
		return a.closeCheck(ctx, tx, c, store.CheckCancelled, "cancelled", actor.Name, now)
	})
}

// InvoiceCheck records that a reserved order was invoiced: its invoice is
// in the ledger now, and the reservation is released.
func (a *App) InvoiceCheck(ctx context.Context, actor auth.Actor, idem Idem, lang i18n.Lang, id string) (CreditCheckView, *Replay, error) {
	return a.checkStep(ctx, actor, auth.CheckCredit, idem, lang, id, func(tx *store.Tx, c *store.CreditCheck, now time.Time) (ledger.Event, error) {
		if c.State != store.CheckReserved {
			return ledger.Event{}, notLive(*c, "reserved")
		}
		return a.closeCheck(ctx, tx, c, store.CheckInvoiced, "invoiced", actor.Name, now)
	})
}

// invoiceOrder ends the reservation of the customer's order orderRef, if
// one is live, because its invoice arrived from the ERP (by). ok reports
// whether there was one.
func (a *App) invoiceOrder(ctx context.Context, tx *store.Tx, customerID, orderRef, by string, now time.Time) (ledger.Event, bool, error) {
	if len(orderRef) > MaxOrderRefLen {
		return ledger.Event{}, false, nil // no check names such a reference
	}
	// The customer's row first, as every writer of its reservations.
	if err := tx.LockCustomers(ctx, []string{customerID}); err != nil {
		return ledger.Event{}, false, err
	}
	c, err := tx.LiveCheck(ctx, customerID, orderRef)
	if errors.Is(err, store.ErrNotFound) {
		return ledger.Event{}, false, nil
	}
	if err != nil {
		return ledger.Event{}, false, err
	}
	if c.State != store.CheckReserved {
		return ledger.Event{}, false, nil // awaiting approval: the supervisor still decides
	}
	ev, err := a.closeCheck(ctx, tx, &c, store.CheckInvoiced, "invoiced", by, now)
	return ev, err == nil, err
}

// ExpireChecks ends the live checks whose time ran out, in batches; it
// returns how many expired. The jobs runner calls it.
func (a *App) ExpireChecks(ctx context.Context) (int, error) {
	n := 0
	for {
		var batch int
		now := a.now()
		err := a.db.Write(ctx, func(tx *store.Tx) error {
			due, err := tx.ExpiredChecks(ctx, now, 200)
			if err != nil {
				return err
			}
			batch = len(due)
			// Customers locked in id order, as every writer locks them.
			slices.SortFunc(due, func(x, y store.CreditCheck) int { return strings.Compare(x.CustomerID, y.CustomerID) })
			var fx ledger.Effects
			for i := range due {
				c := due[i]
				if err := tx.LockCustomers(ctx, []string{c.CustomerID}); err != nil {
					return err
				}
				// Read again under the lock: it may have changed meanwhile.
				if c, err = tx.CreditCheck(ctx, c.ID, true); err != nil {
					return err
				}
				if c.State != store.CheckReserved && c.State != store.CheckPending {
					continue
				}
				ev, err := a.closeCheck(ctx, tx, &c, store.CheckExpired, "expired", "system", now)
				if err != nil {
					return err
				}
				fx.Audit, fx.Outbox = append(fx.Audit, ev), append(fx.Outbox, ev)
			}
			return a.apply(ctx, tx, origin{actor: "system", source: "job"}, fx)
		})
		if err != nil {
			return n, err
		}
		n += batch
		if batch < 200 {
			return n, nil
		}
	}
}
