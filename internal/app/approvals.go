package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"cobro/internal/auth"
	"cobro/internal/credit"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// Approvals: an order that needs approval waits for a supervisor or the
// administration, who approve it (it is reserved, even over the limit:
// overruling the policy is their right, recorded with who and why) or
// reject it.

// MaxCommentLen bounds an approval's comment.
const MaxCommentLen = 1000

// ApprovalView is a request for approval beside its customer's figures.
type ApprovalView struct {
	CreditCheckView
	CreditLimit *money.Amount `json:"credit_limit"`
	Risk        money.Amount  `json:"risk"`
	Overdue     money.Amount  `json:"overdue"`
	Flagged     bool          `json:"flagged"`
	// Rating is the customer's stored rating ("" when not rated yet), so
	// the supervisor sees how the customer pays beside the request.
	Rating credit.Grade `json:"rating,omitempty"`
}

// Approvals lists requests for approval in a state ("" for every one),
// newest first, of the customers the actor sees.
func (a *App) Approvals(ctx context.Context, actor auth.Actor, lang i18n.Lang, state string) ([]ApprovalView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return nil, err
	}
	switch state {
	case "", store.ApprovalPending, store.ApprovalApproved, store.ApprovalRejected:
	default:
		return nil, ruleInvalid("bad_state", "state", "state must be pending, approved or rejected").WithValue(state)
	}
	out := []ApprovalView{}
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		cs, err := tx.CreditChecks(ctx, store.CheckFilter{Scope: actor.AgentScope(), Approval: state, Approvals: true, Limit: 200})
		if err != nil {
			return err
		}
		ids := make([]string, len(cs))
		for i, c := range cs {
			ids[i] = c.CustomerID
		}
		accs, err := tx.Accounts(ctx, ids, false)
		if err != nil {
			return err
		}
		for _, c := range cs {
			v, err := a.checkView(lang, c)
			if err != nil {
				return err
			}
			av := ApprovalView{CreditCheckView: v}
			if acc, ok := accs[c.CustomerID]; ok {
				ca, err := tx.CreditAccount(ctx, c.CustomerID)
				if err != nil {
					return err
				}
				av.CustomerName, av.Flagged = acc.Name, ca.Flagged
				if r, err := tx.StoredRating(ctx, c.CustomerID); err == nil {
					av.Rating = r.Grade
				} else if !errors.Is(err, store.ErrNotFound) {
					return err
				}
				av.Risk = money.New(acc.Risk(), acc.Currency)
				av.Overdue = money.New(acc.Figures.Overdue, acc.Currency)
				if acc.CreditLimit != nil {
					l := money.New(*acc.CreditLimit, acc.Currency)
					av.CreditLimit = &l
				}
			}
			out = append(out, av)
		}
		return nil
	})
	return out, err
}

func (a *App) decideApproval(ctx context.Context, actor auth.Actor, idem Idem, lang i18n.Lang, id, comment string, approve bool) (CreditCheckView, *Replay, error) {
	if err := actor.Check(auth.ApproveCredit); err != nil {
		return CreditCheckView{}, nil, err
	}
	comment = strings.TrimSpace(comment)
	if !approve && comment == "" {
		return CreditCheckView{}, nil, ruleInvalid("required", "comment", "say why the order is rejected")
	}
	if len([]rune(comment)) > MaxCommentLen {
		return CreditCheckView{}, nil, ruleInvalid("too_long", "comment", "the comment is longer than %d characters", MaxCommentLen)
	}
	return a.checkStep(ctx, actor, auth.ApproveCredit, idem, lang, id, func(tx *store.Tx, c *store.CreditCheck, now time.Time) (ledger.Event, error) {
		if c.State != store.CheckPending || c.Approval != store.ApprovalPending {
			return ledger.Event{}, notLive(*c, "pending")
		}
		c.DecidedBy, c.DecidedAt, c.Comment = actor.Name, now, comment
		kind := "credit_check.approved"
		if approve {
			days, err := tx.ReservationDays(ctx)
			if err != nil {
				return ledger.Event{}, err
			}
			c.State, c.Approval = store.CheckReserved, store.ApprovalApproved
			c.ExpiresAt = now.Add(time.Duration(days) * 24 * time.Hour)
			if err := tx.AddReserved(ctx, c.CustomerID, c.Exposure, now); err != nil {
				return ledger.Event{}, err
			}
		} else {
			c.State, c.Approval, c.ClosedAt, c.ClosedBy = store.CheckRejected, store.ApprovalRejected, now, actor.Name
			kind = "credit_check.rejected"
		}
		if err := tx.UpdateCreditCheck(ctx, *c, now); err != nil {
			return ledger.Event{}, err
		}
		return ledger.Event{Kind: kind, Entity: "credit_check", EntityID: c.ID, CustomerID: c.CustomerID, Detail: checkDetail(*c)}, nil
	})
}

// ApproveCheck approves an order waiting for approval: it is reserved.
func (a *App) ApproveCheck(ctx context.Context, actor auth.Actor, idem Idem, lang i18n.Lang, id, comment string) (CreditCheckView, *Replay, error) {
	return a.decideApproval(ctx, actor, idem, lang, id, comment, true)
}

// RejectCheck rejects an order waiting for approval, with a comment.
func (a *App) RejectCheck(ctx context.Context, actor auth.Actor, idem Idem, lang i18n.Lang, id, comment string) (CreditCheckView, *Replay, error) {
	return a.decideApproval(ctx, actor, idem, lang, id, comment, false)
}

// CustomerChecks lists a customer's latest checks (the customer page shows
// the state of a pending request).
func (a *App) CustomerChecks(ctx context.Context, actor auth.Actor, lang i18n.Lang, customerID string, n int) ([]CreditCheckView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return nil, err
	}
	out := []CreditCheckView{}
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := a.visibleAccount(ctx, tx, actor, customerID, false); err != nil {
			return err
		}
		cs, err := tx.CreditChecks(ctx, store.CheckFilter{CustomerID: customerID, Limit: n})
		if err != nil {
			return err
		}
		for _, c := range cs {
			v, err := a.checkView(lang, c)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}
