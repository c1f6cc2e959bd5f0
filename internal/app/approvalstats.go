package app

import (
	"context"
	"slices"
	"time"

	"cobro/internal/auth"
	"cobro/internal/store"
)

// ApprovalStats is how the approvals are going: how many wait, and how
// fast the latest were answered (the measure of remote approvals: minutes
// from request to answer).
type ApprovalStats struct {
	Pending  int64
	Answered int // how many of the latest answered the times are of
	// AvgMinutes and MedianMinutes: from request to answer, whole minutes.
	AvgMinutes, MedianMinutes int
}

// ApprovalStats reads the approvals' figures over the latest n answered
// requests, for those who answer them.
func (a *App) ApprovalStats(ctx context.Context, actor auth.Actor, n int) (ApprovalStats, error) {
	if err := actor.Check(auth.ApproveCredit); err != nil {
		return ApprovalStats{}, err
	}
	var s ApprovalStats
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if s.Pending, err = tx.PendingApprovals(ctx); err != nil {
			return err
		}
		waits, err := tx.AnsweredApprovals(ctx, n)
		if err != nil || len(waits) == 0 {
			return err
		}
		var sum time.Duration
		for _, w := range waits {
			sum += w
		}
		slices.Sort(waits)
		s.Answered = len(waits)
		s.AvgMinutes = int(sum / time.Duration(len(waits)) / time.Minute)
		s.MedianMinutes = int(waits[len(waits)/2] / time.Minute)
		return nil
	})
	return s, err
}

// PendingApprovals counts the requests waiting for approval, for the menu
// of those who may answer them (0 for anyone else).
func (a *App) PendingApprovals(ctx context.Context, actor auth.Actor) (int64, error) {
	if !actor.Can(auth.ApproveCredit) {
		return 0, nil
	}
	var n int64
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.PendingApprovals(ctx)
		return err
	})
	return n, err
}
