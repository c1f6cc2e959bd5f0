package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cobro/internal/auth"
	"cobro/internal/credit"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// Credit control: the company's credit policy and the segments' overrides
// (package credit decides), and the customers' "do not sell" flags. The
// checks, reservations and approvals are in creditcheck.go.

// PolicyView is a credit policy as the API and the pages show it: amounts
// as money, percentages in basis points (100 = 1%).
type PolicyView struct {
	UnpaidAction  credit.Action `json:"unpaid_action"`
	OverdueAction credit.Action `json:"overdue_action"`
	OverdueDays   int           `json:"overdue_days"`
	MaterialityBP int64         `json:"materiality_bp"`
	Materiality   money.Amount  `json:"materiality_amount"`
	LimitAction   credit.Action `json:"limit_action"`
	ToleranceBP   int64         `json:"tolerance_bp"`
	Tolerance     money.Amount  `json:"tolerance_amount"`
	CountDisputed bool          `json:"count_disputed"`
	PaidNowPasses bool          `json:"paid_now_passes"`
	// RatingAction applies to customers rated D or E ("" is none).
	RatingAction credit.Action `json:"rating_action"`
}

// CreditPolicyView is the company's credit policy, the segments'
// overrides (each replaces the company's whole for its segment) and how
// many days an order stays reserved.
type CreditPolicyView struct {
	Company         PolicyView            `json:"company"`
	Segments        map[string]PolicyView `json:"segments"`
	ReservationDays int                   `json:"reservation_days"`
}

func policyView(p credit.Policy, cur money.Currency) PolicyView {
	return PolicyView{UnpaidAction: p.UnpaidAction, OverdueAction: p.OverdueAction, OverdueDays: p.OverdueDays,
		MaterialityBP: p.MaterialityBP, Materiality: money.New(p.MaterialityMinor, cur), LimitAction: p.LimitAction,
		ToleranceBP: p.ToleranceBP, Tolerance: money.New(p.ToleranceMinor, cur), CountDisputed: p.CountDisputed, PaidNowPasses: p.PaidNowPasses,
		RatingAction: p.RatingAction}
}

func (v PolicyView) policy(field string, cur money.Currency) (credit.Policy, error) {
	for _, m := range []struct {
		name string
		a    money.Amount
	}{{"materiality_amount", v.Materiality}, {"tolerance_amount", v.Tolerance}} {
		if m.a.Currency != "" && m.a.Currency != cur {
			return credit.Policy{}, &ledger.RuleError{Err: ledger.ErrCurrency, Code: "currency_mismatch", Field: field + "." + m.name + ".currency",
				Value: string(m.a.Currency), Message: "policy amounts are in the company's currency"}
		}
	}
	ratingAction := v.RatingAction.OrNone() // a client that does not know the rule leaves it off
	return credit.Policy{UnpaidAction: v.UnpaidAction, OverdueAction: v.OverdueAction, OverdueDays: v.OverdueDays,
		MaterialityBP: v.MaterialityBP, MaterialityMinor: v.Materiality.Minor, LimitAction: v.LimitAction, ToleranceBP: v.ToleranceBP,
		ToleranceMinor: v.Tolerance.Minor, CountDisputed: v.CountDisputed, PaidNowPasses: v.PaidNowPasses, RatingAction: ratingAction}, nil
}

// CreditPolicy reads the credit policy.
func (a *App) CreditPolicy(ctx context.Context, actor auth.Actor) (CreditPolicyView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return CreditPolicyView{}, err
	}
	company, err := a.Company(ctx)
	if err != nil {
		return CreditPolicyView{}, err
	}
	var v CreditPolicyView
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		ps, err := tx.CreditPolicies(ctx)
		if err != nil {
			return err
		}
		v = CreditPolicyView{Company: policyView(ps.Company, company.Currency), Segments: map[string]PolicyView{}}
		for seg, p := range ps.Segments {
			v.Segments[seg] = policyView(p, company.Currency)
		}
		v.ReservationDays, err = tx.ReservationDays(ctx)
		return err
	})
	return v, err
}

// maxSegments bounds a policy's segment overrides.
const maxSegments = 100

// SaveCreditPolicy replaces the credit policy (company, segments and
// reservation days) and records who did it.
func (a *App) SaveCreditPolicy(ctx context.Context, actor auth.Actor, v CreditPolicyView) (CreditPolicyView, error) {
	if err := actor.Check(auth.ManageCredit); err != nil {
		return CreditPolicyView{}, err
	}
	company, err := a.Company(ctx)
	if err != nil {
		return CreditPolicyView{}, err
	}
	cur := company.Currency
	ps := credit.Policies{Segments: map[string]credit.Policy{}}
	if ps.Company, err = v.Company.policy("company", cur); err != nil {
		return CreditPolicyView{}, err
	}
	if len(v.Segments) > maxSegments {
		return CreditPolicyView{}, ruleInvalid("too_many", "segments", "at most %d segment overrides", maxSegments)
	}
	for seg, p := range v.Segments {
		if strings.TrimSpace(seg) != seg || seg == "" || len(seg) > 100 {
			return CreditPolicyView{}, ruleInvalid("bad_segment", "segments", "a segment override needs the segment's name as the ERP gives it").WithValue(seg)
		}
		if ps.Segments[seg], err = p.policy("segments."+seg, cur); err != nil {
			return CreditPolicyView{}, err
		}
	}
	if err := ps.Validate(); err != nil {
		return CreditPolicyView{}, err
	}
	if v.ReservationDays == 0 {
		v.ReservationDays = 7
	}
	if v.ReservationDays < 1 || v.ReservationDays > 365 {
		return CreditPolicyView{}, ruleInvalid("bad_days", "reservation_days", "reservation_days must be between 1 and 365").WithValue(fmt.Sprint(v.ReservationDays))
	}
	now := a.now()
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SaveCreditPolicies(ctx, ps, actor.Name, now); err != nil {
			return err
		}
		if err := tx.SetReservationDays(ctx, v.ReservationDays); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: source(actor, ""), Action: "credit.policy",
			Entity: "credit_policy", EntityID: "company", Detail: map[string]any{"policies": ps, "reservation_days": v.ReservationDays}})
	})
	if err != nil {
		return CreditPolicyView{}, err
	}
	return a.CreditPolicy(ctx, actor)
}

// FlagView is a customer's "do not sell" flag.
type FlagView struct {
	CustomerID string  `json:"customer_id"`
	Flagged    bool    `json:"flagged"`
	Reason     string  `json:"reason"`
	By         string  `json:"by"`
	At         *string `json:"at"`
}

// MaxFlagReasonLen bounds a flag's reason.
const MaxFlagReasonLen = 500

// SetFlag sets (flagged) or lifts a customer's "do not sell" flag, with a
// reason either way; it is audited.
func (a *App) SetFlag(ctx context.Context, actor auth.Actor, customerID string, flagged bool, reason string) (FlagView, error) {
	if err := actor.Check(auth.ManageCredit); err != nil {
		return FlagView{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return FlagView{}, ruleInvalid("required", "reason", "say why the customer is flagged or the flag lifted")
	}
	if len([]rune(reason)) > MaxFlagReasonLen {
		return FlagView{}, ruleInvalid("too_long", "reason", "the reason is longer than %d characters", MaxFlagReasonLen)
	}
	now := a.now()
	var v FlagView
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := a.visibleAccount(ctx, tx, actor, customerID, true); err != nil {
			return err
		}
		if err := tx.SetFlag(ctx, customerID, flagged, reason, actor.Name, now); err != nil {
			return err
		}
		action := "credit.flag"
		if !flagged {
			action = "credit.unflag"
		}
		if err := tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: source(actor, ""), Action: action,
			Entity: "customer", EntityID: customerID, CustomerID: customerID, Detail: map[string]any{"reason": reason}}); err != nil {
			return err
		}
		ca, err := tx.CreditAccount(ctx, customerID)
		v = flagView(ca)
		return err
	})
	return v, err
}

func flagView(ca store.CreditAccount) FlagView {
	v := FlagView{CustomerID: ca.CustomerID, Flagged: ca.Flagged, Reason: ca.FlagReason, By: ca.FlaggedBy}
	if !ca.FlaggedAt.IsZero() {
		s := ca.FlaggedAt.UTC().Format("2006-01-02T15:04:05Z")
		v.At = &s
	}
	return v
}

// Flag reads a customer's flag.
func (a *App) Flag(ctx context.Context, actor auth.Actor, customerID string) (FlagView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return FlagView{}, err
	}
	var v FlagView
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := a.visibleAccount(ctx, tx, actor, customerID, false); err != nil {
			return err
		}
		ca, err := tx.CreditAccount(ctx, customerID)
		v = flagView(ca)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return v, ErrNotFound
	}
	return v, err
}
