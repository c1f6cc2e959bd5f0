package demo

import (
	"context"
	"errors"
	"fmt"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
)

// settlements settles each agent's weeks as the office would have: every
// week before the last verified (one counted short of a coin, with its
// reason, and approved by the supervisor), last week's submitted and
// waiting to be counted, this week's collections not handed in yet.
func (l *loader) settlements(ctx context.Context, setUp civil.Date) (int, error) {
	supervisor := auth.Actor{Name: "user:sergio", Role: auth.Supervisor, Source: "demo"}
	n := 0
	weekStart := l.today.AddDays(-int(weekday(l.today)+6) % 7) // this week's Monday
	for ai, ag := range agents {
		for from := weekStart.AddDays(-7 * 8); from.Before(weekStart); from = from.AddDays(7) {
			if from.Before(setUp) {
				continue
			}
			to := from.AddDays(6)
			req := app.SettlementRequest{Agent: ag.code, From: from, To: to}
			s, _, err := l.a.DraftSettlement(ctx, office, l.idem("settlement", req), req)
			var re *ledger.RuleError
			if errors.As(err, &re) && re.Code == "nothing_to_settle" {
				continue
			}
			if err != nil {
				return n, fmt.Errorf("demo settlement %s %s: %w", ag.code, from, err)
			}
			n++
			if _, _, err := l.a.SubmitSettlement(ctx, agentActor(ag.code), l.idem("submit", s.ID), s.ID); err != nil {
				return n, err
			}
			if !from.Before(weekStart.AddDays(-7)) {
				continue // last week's: handed in, not counted yet
			}
			count := app.VerifyRequest{Reasons: map[ledger.Instrument]string{}}
			short := ai == 1 && from == weekStart.AddDays(-14)
			for _, t := range s.Totals {
				a := t.Amount
				if short && t.Instrument == ledger.Cash && a.Minor > 200 {
					a.Minor -= 200
					count.Reasons[ledger.Cash] = "Faltan 2,00 €: cambio mal dado en una visita"
				}
				count.Counted = append(count.Counted, app.CountedInstrument{Instrument: t.Instrument, Amount: a})
			}
			v, _, err := l.a.VerifySettlement(ctx, office, l.idem("verify", s.ID), s.ID, count)
			if err != nil {
				return n, err
			}
			if v.State == ledger.SettlementApproval {
				if _, _, err := l.a.ApproveSettlement(ctx, supervisor, l.idem("approve", s.ID), s.ID, "Visto con el agente"); err != nil {
					return n, err
				}
			}
			if _, _, err := l.a.ExportSettlement(ctx, office, l.idem("export", s.ID), s.ID); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
