package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// Settlements (see ledger/settlement.go): the agent's hand-over of what
// was collected in a period, counted by the administration.

// maxSettlementDays bounds a settlement's period.
const maxSettlementDays = 92

// SettlementRequest drafts a settlement of an agent's collections from
// From to To (both included, in the company's calendar).
type SettlementRequest struct {
	Agent string     `json:"agent"`
	From  civil.Date `json:"from"`
	To    civil.Date `json:"to"`
}

// CountedInstrument is what the administration counted of an instrument.
type CountedInstrument struct {
	Instrument ledger.Instrument `json:"instrument"`
	Amount     money.Amount      `json:"amount"`
}

// VerifyRequest is the count of a submitted settlement.
type VerifyRequest struct {
	Counted []CountedInstrument          `json:"counted"`
	Reasons map[ledger.Instrument]string `json:"reasons"`
}

// SettlementTotalView is a settlement's total of one instrument.
type SettlementTotalView struct {
	Instrument ledger.Instrument `json:"instrument"`
	Count      int               `json:"count"`
	Amount     money.Amount      `json:"amount"`
}

// SettlementLineView is one collection of a settlement.
type SettlementLineView struct {
	CollectionID  string                  `json:"collection_id"`
	ReceiptNumber string                  `json:"receipt_number"`
	CustomerID    string                  `json:"customer_id"`
	CollectedAt   time.Time               `json:"collected_at"`
	Instrument    ledger.InstrumentDetail `json:"instrument"`
	Amount        money.Amount            `json:"amount"`
	State         ledger.CollectionState  `json:"state"`
	// Correction: voided after its settlement was verified; taken back here.
	Correction bool `json:"correction"`
}

// DifferenceView is counted against expected for one instrument.
type DifferenceView struct {
	Instrument ledger.Instrument `json:"instrument"`
	Expected   money.Amount      `json:"expected"`
	Counted    money.Amount      `json:"counted"`
	Difference money.Amount      `json:"difference"`
	Reason     string            `json:"reason,omitempty"`
}

// SettlementView is a settlement as the API and the pages show it.
type SettlementView struct {
	ID            string                 `json:"id"`
	Agent         string                 `json:"agent"`
	From          civil.Date             `json:"from"`
	To            civil.Date             `json:"to"`
	State         ledger.SettlementState `json:"state"`
	Totals        []SettlementTotalView  `json:"totals"`
	Total         money.Amount           `json:"total"`
	Collections   []SettlementLineView   `json:"collections"`
	Counted       []DifferenceView       `json:"counted"`
	Difference    money.Amount           `json:"difference"`
	Rejections    int                    `json:"rejections"`
	LastRejection string                 `json:"last_rejection,omitempty"`
	CreatedAt     time.Time              `json:"created_at"`
	CreatedBy     string                 `json:"created_by"`
	SubmittedAt   *time.Time             `json:"submitted_at"`
	CountedBy     string                 `json:"counted_by,omitempty"`
	ApprovedBy    string                 `json:"approved_by,omitempty"`
	ApprovalNote  string                 `json:"approval_note,omitempty"`
	VerifiedAt    *time.Time             `json:"verified_at"`
	ExportedAt    *time.Time             `json:"exported_at"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func settlementView(s store.Settlement, lines []ledger.SettlementLine, cols []ledger.Collection) (SettlementView, error) {
	cur := s.Currency
	v := SettlementView{ID: s.ID, Agent: s.Agent, From: s.From, To: s.To, State: s.State, Rejections: s.Rejections,
		LastRejection: s.LastRejection, CreatedAt: s.CreatedAt.UTC(), CreatedBy: s.CreatedBy, SubmittedAt: timePtr(s.SubmittedAt),
		CountedBy: s.CountedBy, ApprovedBy: s.ApprovedBy, ApprovalNote: s.ApprovalNote, VerifiedAt: timePtr(s.VerifiedAt),
		ExportedAt: timePtr(s.ExportedAt), Difference: money.New(s.Difference, cur), Totals: []SettlementTotalView{},
		Collections: []SettlementLineView{}, Counted: []DifferenceView{}}
	totals, total, err := ledger.SettlementTotals(lines)
	if err != nil {
		return v, err
	}
	v.Total = money.New(total, cur)
	for _, t := range totals {
		v.Totals = append(v.Totals, SettlementTotalView{Instrument: t.Instrument, Count: t.Count, Amount: money.New(t.Amount, cur)})
	}
	for i, l := range lines {
		c := cols[i]
		v.Collections = append(v.Collections, SettlementLineView{CollectionID: c.ID, ReceiptNumber: c.ReceiptNumber, CustomerID: c.CustomerID,
			CollectedAt: c.CollectedAt.UTC(), Instrument: c.Instrument, Amount: money.New(l.Signed(), cur), State: c.State, Correction: l.Correction})
	}
	for _, d := range s.Counted {
		v.Counted = append(v.Counted, DifferenceView{Instrument: d.Instrument, Expected: money.New(d.Expected, cur),
			Counted: money.New(d.Counted, cur), Difference: money.New(d.Diff, cur), Reason: d.Reason})
	}
	return v, nil
}

// settlementAgent is the agent a settlement is for: an agent's own; anyone
// else names one.
func (a *App) settlementAgent(ctx context.Context, actor auth.Actor, named string) (string, error) {
	agent, err := a.collectingAgent(ctx, actor, named)
	if err != nil {
		return "", err
	}
	if agent == "" {
		return "", ruleInvalid("required", "agent", "name the agent whose collections are settled")
	}
	return agent, nil
}

// readSettlement reads a settlement the actor may see, with its lines.
func (a *App) readSettlement(ctx context.Context, tx *store.Tx, actor auth.Actor, id string, lock bool) (store.Settlement, []ledger.SettlementLine, []ledger.Collection, error) {
	s, err := tx.Settlement(ctx, id, lock)
	if err != nil {
		return s, nil, nil, err
	}
	if actor.Role == auth.Agent && s.Agent != actor.Agent {
		return s, nil, nil, fmt.Errorf("settlement %q: %w", id, store.ErrNotFound)
	}
	lines, cols, err := tx.SettlementLines(ctx, id)
	return s, lines, cols, err
}

// DraftSettlement drafts the settlement of an agent's collections of a
// period: every collection not voided and in no settlement yet, and the
// corrections of collections voided since their settlement was verified.
func (a *App) DraftSettlement(ctx context.Context, actor auth.Actor, idem Idem, req SettlementRequest) (SettlementView, *Replay, error) {
	if err := actor.Check(auth.SubmitSettlement); err != nil {
		return SettlementView{}, nil, err
	}
	agent, err := a.settlementAgent(ctx, actor, req.Agent)
	if err != nil {
		return SettlementView{}, nil, err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return SettlementView{}, nil, err
	}
	switch {
	case req.From.IsZero():
		return SettlementView{}, nil, ruleInvalid("required", "from", "from is the first day of the period (YYYY-MM-DD)")
	case req.To.IsZero():
		return SettlementView{}, nil, ruleInvalid("required", "to", "to is the last day of the period (YYYY-MM-DD)")
	case req.To.Before(req.From):
		return SettlementView{}, nil, ruleInvalid("bad_period", "to", "the period ends before it starts")
	case req.To.After(today):
		return SettlementView{}, nil, ruleInvalid("bad_period", "to", "the period ends after today")
	case req.To.DaysSince(req.From) >= maxSettlementDays:
		return SettlementView{}, nil, ruleInvalid("bad_period", "from", "a settlement covers at most %d days", maxSettlementDays)
	}
	company, err := a.Company(ctx)
	if err != nil {
		return SettlementView{}, nil, err
	}
	loc, err := a.Location(ctx)
	if err != nil {
		return SettlementView{}, nil, err
	}
	start := time.Date(req.From.Year, req.From.Month, req.From.Day, 0, 0, 0, 0, loc)
	end := time.Date(req.To.Year, req.To.Month, req.To.Day, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	var view SettlementView
	replay, err := a.run(ctx, actor, change{action: auth.SubmitSettlement, idem: idem, outcome: OutcomeCreated,
		decide: func(tx *store.Tx, asOf civil.Date) (any, ledger.Effects, error) {
			fresh, corrections, err := tx.SettleableCollections(ctx, agent, start, end)
			if err != nil {
				return nil, ledger.Effects{}, err
			}
			var lines []ledger.SettlementLine
			var cols []ledger.Collection
			for _, c := range fresh {
				if c.Amount.Currency != company.Currency {
					continue // a settlement is in the company's currency
				}
				lines = append(lines, ledger.SettlementLine{CollectionID: c.ID, Instrument: c.Instrument.Kind, Amount: c.Amount.Minor})
				cols = append(cols, c)
			}
			for _, c := range corrections {
				if c.Amount.Currency != company.Currency {
					continue
				}
				lines = append(lines, ledger.SettlementLine{CollectionID: c.ID, Instrument: c.Instrument.Kind, Amount: c.Amount.Minor, Correction: true})
				cols = append(cols, c)
			}
			if len(lines) == 0 {
				return nil, ledger.Effects{}, &ledger.RuleError{Err: ledger.ErrState, Code: "nothing_to_settle", Field: "agent",
					Message: fmt.Sprintf("agent %s has no collection to settle from %s to %s", agent, req.From, req.To)}
			}
			id, err := uuid.NewV7()
			if err != nil {
				return nil, ledger.Effects{}, err
			}
			s := store.Settlement{ID: id.String(), Agent: agent, From: req.From, To: req.To, Currency: company.Currency,
				State: ledger.SettlementDraft, CreatedAt: a.now(), CreatedBy: actor.Name}
			if err := tx.InsertSettlement(ctx, s, lines, a.now()); err != nil {
				if errors.Is(err, store.ErrExists) {
					return nil, ledger.Effects{}, &ledger.RuleError{Err: ledger.ErrState, Code: "already_in_settlement", Field: "agent",
						Message: "a collection of this period was put in another settlement meanwhile: draft again"}
				}
				return nil, ledger.Effects{}, err
			}
			if view, err = settlementView(s, lines, cols); err != nil {
				return nil, ledger.Effects{}, err
			}
			return view, ledger.Effects{Audit: []ledger.Event{{Kind: "settlement.draft", Entity: "settlement", EntityID: s.ID,
				Detail: map[string]any{"agent": agent, "from": req.From.String(), "to": req.To.String(), "total": view.Total.Minor}}}}, nil
		}})
	return view, replay, err
}

// settlementStep runs one step of a settlement's workflow under the
// envelope: step changes s (read locked, with its lines) and returns the
// audit detail and outbox events.
func (a *App) settlementStep(ctx context.Context, actor auth.Actor, action auth.Action, idem Idem, id, kind string,
	step func(tx *store.Tx, s *store.Settlement, lines []ledger.SettlementLine, cols []ledger.Collection) (map[string]any, []ledger.Event, error)) (SettlementView, *Replay, error) {
	var view SettlementView
	replay, err := a.run(ctx, actor, change{action: action, idem: idem, outcome: OutcomeOK,
		decide: func(tx *store.Tx, asOf civil.Date) (any, ledger.Effects, error) {
			s, lines, cols, err := a.readSettlement(ctx, tx, actor, id, true)
			if err != nil {
				return nil, ledger.Effects{}, err
			}
			detail, events, err := step(tx, &s, lines, cols)
			if err != nil {
				return nil, ledger.Effects{}, err
			}
			if err := tx.UpdateSettlement(ctx, s, a.now()); err != nil {
				return nil, ledger.Effects{}, err
			}
			if lines, cols, err = tx.SettlementLines(ctx, id); err != nil {
				return nil, ledger.Effects{}, err
			}
			if view, err = settlementView(s, lines, cols); err != nil {
				return nil, ledger.Effects{}, err
			}
			fx := ledger.Effects{Audit: []ledger.Event{{Kind: kind, Entity: "settlement", EntityID: s.ID, Detail: detail}}, Outbox: events}
			return view, fx, nil
		}})
	return view, replay, err
}

// SubmitSettlement hands a draft to the administration.
func (a *App) SubmitSettlement(ctx context.Context, actor auth.Actor, idem Idem, id string) (SettlementView, *Replay, error) {
	return a.settlementStep(ctx, actor, auth.SubmitSettlement, idem, id, "settlement.submit",
		func(tx *store.Tx, s *store.Settlement, _ []ledger.SettlementLine, _ []ledger.Collection) (map[string]any, []ledger.Event, error) {
			if err := ledger.SettlementMove(s.State, ledger.SettlementSubmitted); err != nil {
				return nil, nil, err
			}
			s.State, s.SubmittedAt, s.SubmittedBy = ledger.SettlementSubmitted, a.now(), actor.Name
			return map[string]any{"agent": s.Agent}, nil, nil
		})
}

// VerifySettlement records what the administration counted. Collections
// voided since the draft leave it first. With no difference over the
// tolerance it is verified (locked); else it waits for a supervisor.
func (a *App) VerifySettlement(ctx context.Context, actor auth.Actor, idem Idem, id string, req VerifyRequest) (SettlementView, *Replay, error) {
	company, err := a.Company(ctx)
	if err != nil {
		return SettlementView{}, nil, err
	}
	return a.settlementStep(ctx, actor, auth.VerifySettlement, idem, id, "settlement.verify",
		func(tx *store.Tx, s *store.Settlement, lines []ledger.SettlementLine, cols []ledger.Collection) (map[string]any, []ledger.Event, error) {
			if s.State != ledger.SettlementSubmitted {
				return nil, nil, ledger.SettlementMove(s.State, ledger.SettlementVerified)
			}
			kept := lines[:0]
			for i, l := range lines {
				if !l.Correction && cols[i].State == ledger.Voided {
					if err := tx.DropSettlementLine(ctx, s.ID, l.CollectionID); err != nil {
						return nil, nil, err
					}
					continue
				}
				kept = append(kept, l)
			}
			expected, _, err := ledger.SettlementTotals(kept)
			if err != nil {
				return nil, nil, err
			}
			counted := map[ledger.Instrument]int64{}
			for i, c := range req.Counted {
				if c.Amount.Currency != s.Currency {
					return nil, nil, &ledger.RuleError{Err: ledger.ErrCurrency, Code: "currency_mismatch",
						Field: fmt.Sprintf("counted[%d].amount.currency", i), Message: "counted amounts are in the settlement's currency"}
				}
				if _, dup := counted[c.Instrument]; dup {
					return nil, nil, ruleInvalid("duplicate_instrument", fmt.Sprintf("counted[%d].instrument", i), "%s is counted twice", c.Instrument)
				}
				counted[c.Instrument] = c.Amount.Minor
			}
			reasons := map[ledger.Instrument]string{}
			for k, r := range req.Reasons {
				reasons[k] = strings.TrimSpace(r)
			}
			v, err := ledger.VerifySettlement(s.Currency, expected, counted, reasons, company.SettlementTolerance.Minor)
			if err != nil {
				return nil, nil, err
			}
			s.Counted, s.Difference, s.CountedAt, s.CountedBy = v.Differences, v.Total, a.now(), actor.Name
			detail := map[string]any{"difference": v.Total, "needs_approval": v.NeedsApproval}
			if v.NeedsApproval {
				s.State = ledger.SettlementApproval
				return detail, nil, nil
			}
			s.State, s.VerifiedAt = ledger.SettlementVerified, a.now()
			handed, err := a.handInSettled(ctx, tx, *s, kept, cols)
			if err != nil {
				return nil, nil, err
			}
			detail["handed_in"] = len(handed)
			return detail, append([]ledger.Event{settlementEvent("settlement.verified", *s)}, handed...), nil
		})
}

// handInSettled marks the cheques and promissory notes of a verified
// settlement handed in, for the instruments whose count matched: the
// office has them now. Where the count differed, which one is missing is
// for a person to say on the instruments page.
func (a *App) handInSettled(ctx context.Context, tx *store.Tx, s store.Settlement, lines []ledger.SettlementLine, cols []ledger.Collection) ([]ledger.Event, error) {
	matched := map[ledger.Instrument]bool{}
	for _, d := range s.Counted {
		matched[d.Instrument] = d.Diff == 0
	}
	byID := map[string]ledger.Collection{}
	for _, c := range cols {
		byID[c.ID] = c
	}
	var events []ledger.Event
	for _, l := range lines {
		c, ok := byID[l.CollectionID]
		if !ok || l.Correction || !c.Instrument.Kind.ClearsLater() || c.State != ledger.InHand || c.Custody != ledger.WithAgent || !matched[c.Instrument.Kind] {
			continue
		}
		ch, err := ledger.MoveCustody(c, ledger.HandedIn, a.now())
		if err != nil {
			return nil, err
		}
		if err := tx.UpdateCollection(ctx, ch.New, a.now()); err != nil {
			return nil, err
		}
		events = append(events, ch.Effects.Outbox...)
	}
	return events, nil
}

func settlementEvent(topic string, s store.Settlement) ledger.Event {
	return ledger.Event{Kind: topic, Entity: "settlement", EntityID: s.ID, Detail: map[string]any{"id": s.ID, "agent": s.Agent,
		"from": s.From.String(), "to": s.To.String(), "currency": string(s.Currency), "difference": s.Difference, "counted": s.Counted}}
}

// ApproveSettlement is a supervisor's approval of a count whose difference
// is over the tolerance: the settlement is verified.
func (a *App) ApproveSettlement(ctx context.Context, actor auth.Actor, idem Idem, id, note string) (SettlementView, *Replay, error) {
	note = strings.TrimSpace(note)
	if err := ledger.CheckText("note", note, ledger.MaxNoteLen); err != nil {
		return SettlementView{}, nil, err
	}
	return a.settlementStep(ctx, actor, auth.ApproveSettlement, idem, id, "settlement.approve",
		func(tx *store.Tx, s *store.Settlement, lines []ledger.SettlementLine, cols []ledger.Collection) (map[string]any, []ledger.Event, error) {
			if s.State != ledger.SettlementApproval {
				return nil, nil, &ledger.RuleError{Err: ledger.ErrState, Code: "settlement_state", Field: "state",
					Message: fmt.Sprintf("a %s settlement has nothing to approve", s.State)}
			}
			s.State, s.VerifiedAt, s.ApprovedBy, s.ApprovalNote = ledger.SettlementVerified, a.now(), actor.Name, note
			handed, err := a.handInSettled(ctx, tx, *s, lines, cols)
			if err != nil {
				return nil, nil, err
			}
			return map[string]any{"note": note, "handed_in": len(handed)}, append([]ledger.Event{settlementEvent("settlement.verified", *s)}, handed...), nil
		})
}

// RejectSettlement sends a submitted settlement (or one awaiting approval)
// back to the agent as a draft, with the reason; the rejections are counted.
func (a *App) RejectSettlement(ctx context.Context, actor auth.Actor, idem Idem, id, reason string) (SettlementView, *Replay, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return SettlementView{}, nil, ruleInvalid("required", "reason", "say why the settlement goes back to the agent")
	}
	if err := ledger.CheckText("reason", reason, ledger.MaxNoteLen); err != nil {
		return SettlementView{}, nil, err
	}
	action := auth.VerifySettlement
	if !actor.Can(action) {
		action = auth.ApproveSettlement
	}
	return a.settlementStep(ctx, actor, action, idem, id, "settlement.reject",
		func(tx *store.Tx, s *store.Settlement, _ []ledger.SettlementLine, _ []ledger.Collection) (map[string]any, []ledger.Event, error) {
			if err := ledger.SettlementMove(s.State, ledger.SettlementDraft); err != nil {
				return nil, nil, err
			}
			s.State, s.Rejections, s.LastRejection = ledger.SettlementDraft, s.Rejections+1, reason
			s.Counted, s.Difference, s.CountedAt, s.CountedBy, s.SubmittedAt, s.SubmittedBy = nil, 0, time.Time{}, "", time.Time{}, ""
			return map[string]any{"reason": reason}, nil, nil
		})
}

// ExportSettlement marks a verified settlement exported to the ERP (an
// outbox event carries it).
func (a *App) ExportSettlement(ctx context.Context, actor auth.Actor, idem Idem, id string) (SettlementView, *Replay, error) {
	return a.settlementStep(ctx, actor, auth.VerifySettlement, idem, id, "settlement.export",
		func(tx *store.Tx, s *store.Settlement, _ []ledger.SettlementLine, _ []ledger.Collection) (map[string]any, []ledger.Event, error) {
			if s.State != ledger.SettlementVerified {
				return nil, nil, &ledger.RuleError{Err: ledger.ErrState, Code: "settlement_state", Field: "state",
					Message: "only a verified settlement is exported"}
			}
			if !s.ExportedAt.IsZero() {
				return map[string]any{"again": true}, nil, nil
			}
			s.ExportedAt = a.now()
			return map[string]any{}, []ledger.Event{settlementEvent("settlement.exported", *s)}, nil
		})
}

// DiscardSettlement drops a draft: its collections can be settled again.
func (a *App) DiscardSettlement(ctx context.Context, actor auth.Actor, id string) error {
	if err := actor.Check(auth.SubmitSettlement); err != nil {
		return err
	}
	return a.db.Write(ctx, func(tx *store.Tx) error {
		s, _, _, err := a.readSettlement(ctx, tx, actor, id, true)
		if err != nil {
			return err
		}
		if s.State != ledger.SettlementDraft {
			return &ledger.RuleError{Err: ledger.ErrState, Code: "settlement_state", Field: "state", Message: "only a draft is discarded"}
		}
		if err := tx.DeleteDraftSettlement(ctx, id); err != nil {
			return err
		}
		return a.apply(ctx, tx, origin{actor: actor.Name, source: actor.Source}, ledger.Effects{Audit: []ledger.Event{{
			Kind: "settlement.discard", Entity: "settlement", EntityID: id, Detail: map[string]any{"agent": s.Agent}}}})
	})
}

// Settlement reads one settlement the actor may see.
func (a *App) Settlement(ctx context.Context, actor auth.Actor, id string) (SettlementView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return SettlementView{}, err
	}
	var v SettlementView
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		s, lines, cols, err := a.readSettlement(ctx, tx, actor, id, false)
		if err != nil {
			return err
		}
		v, err = settlementView(s, lines, cols)
		return err
	})
	return v, err
}

// Settlements lists the settlements the actor may see (an agent's own).
func (a *App) Settlements(ctx context.Context, actor auth.Actor, agent string, state ledger.SettlementState) ([]SettlementView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return nil, err
	}
	if actor.Role == auth.Agent {
		agent = actor.Agent
	}
	out := []SettlementView{}
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		list, err := tx.Settlements(ctx, store.SettlementFilter{Agent: agent, State: state})
		if err != nil {
			return err
		}
		for _, s := range list {
			lines, cols, err := tx.SettlementLines(ctx, s.ID)
			if err != nil {
				return err
			}
			v, err := settlementView(s, lines, cols)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}
