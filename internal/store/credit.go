package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cobro/internal/credit"
	"cobro/internal/money"
)

// Credit control: the policies, each customer's reserved total and flag,
// and the credit checks (reservations and approvals).

const policyCols = `segment, unpaid_action, overdue_action, overdue_days, materiality_bp, materiality_minor, limit_action,
	tolerance_bp, tolerance_minor, count_disputed, paid_now_passes, rating_action`

// CreditPolicies reads the company's policy and the segments' overrides.
func (t *Tx) CreditPolicies(ctx context.Context) (credit.Policies, error) {
	ps := credit.Policies{Company: credit.Default, Segments: map[string]credit.Policy{}}
	rows, err := t.query(ctx, `SELECT `+policyCols+` FROM credit_policies ORDER BY segment`)
	if err != nil {
		return ps, fmt.Errorf("store: credit policies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seg, ua, oa, la, ra string
		var p credit.Policy
		var disputed, paid int
		if err := rows.Scan(&seg, &ua, &oa, &p.OverdueDays, &p.MaterialityBP, &p.MaterialityMinor, &la, &p.ToleranceBP, &p.ToleranceMinor,
			&disputed, &paid, &ra); err != nil {
			return ps, fmt.Errorf("store: credit policies: %w", err)
		}
		p.UnpaidAction, p.OverdueAction, p.LimitAction, p.RatingAction = credit.Action(ua), credit.Action(oa), credit.Action(la), credit.Action(ra)
		p.CountDisputed, p.PaidNowPasses = disputed == 1, paid == 1
		if seg == "" {
			ps.Company = p
		} else {
			ps.Segments[seg] = p
		}
	}
	return ps, rows.Err()
}

// SaveCreditPolicies replaces the policies: the company's and exactly the
// segments' overrides of ps.
func (t *Tx) SaveCreditPolicies(ctx context.Context, ps credit.Policies, by string, now time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM credit_policies`); err != nil {
		return fmt.Errorf("store: credit policies: %w", err)
	}
	save := func(seg string, p credit.Policy) error {
		_, err := t.exec(ctx, `INSERT INTO credit_policies (`+policyCols+`, updated_at, updated_by)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`, seg, string(p.UnpaidAction), string(p.OverdueAction), p.OverdueDays,
			p.MaterialityBP, p.MaterialityMinor, string(p.LimitAction), p.ToleranceBP, p.ToleranceMinor, boolInt(p.CountDisputed),
			boolInt(p.PaidNowPasses), string(p.RatingAction.OrNone()), Stamp(now), by)
		if err != nil {
			return fmt.Errorf("store: credit policy %q: %w", seg, err)
		}
		return nil
	}
	if err := save("", ps.Company); err != nil {
		return err
	}
	for seg, p := range ps.Segments {
		if err := save(seg, p); err != nil {
			return err
		}
	}
	return nil
}

// ReservationDays is how long an order stays reserved.
func (t *Tx) ReservationDays(ctx context.Context) (int, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT reservation_days FROM company WHERE id = 1`).Scan(&n); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 7, nil
		}
		return 0, fmt.Errorf("store: reservation days: %w", err)
	}
	return n, nil
}

// SetReservationDays sets how long an order stays reserved.
func (t *Tx) SetReservationDays(ctx context.Context, n int) error {
	if _, err := t.exec(ctx, `UPDATE company SET reservation_days = $1 WHERE id = 1`, n); err != nil {
		return fmt.Errorf("store: reservation days: %w", err)
	}
	return nil
}

// CreditAccount is a customer's credit figures beyond the ledger's.
type CreditAccount struct {
	CustomerID string
	Reserved   int64
	Flagged    bool
	FlagReason string
	FlaggedBy  string
	FlaggedAt  time.Time
}

// CreditAccount reads a customer's reserved total and flag (zero when it
// has none).
func (t *Tx) CreditAccount(ctx context.Context, customerID string) (CreditAccount, error) {
	c := CreditAccount{CustomerID: customerID}
	var flagged int
	var at string
	err := t.queryRow(ctx, `SELECT reserved_minor, flagged, flag_reason, flagged_by, flagged_at FROM credit_accounts WHERE customer_id = $1`,
		customerID).Scan(&c.Reserved, &flagged, &c.FlagReason, &c.FlaggedBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("store: credit account: %w", err)
	}
	c.Flagged = flagged == 1
	c.FlaggedAt, err = ParseStamp(at)
	return c, err
}

// AddReserved moves a customer's reserved total by delta. The caller holds
// the customer's row lock (Tx.LockCustomers).
func (t *Tx) AddReserved(ctx context.Context, customerID string, delta int64, now time.Time) error {
	if delta == 0 {
		return nil
	}
	if delta < 0 {
		// A release: the row exists (its reservation wrote it), and an
		// INSERT of a negative total would fail its CHECK first.
		res, err := t.exec(ctx, `UPDATE credit_accounts SET reserved_minor = reserved_minor + $2, updated_at = $3 WHERE customer_id = $1`,
			customerID, delta, Stamp(now))
		if err != nil {
			return fmt.Errorf("store: reserved: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("store: reserved: customer %s has nothing reserved to release (%v)", customerID, err)
		}
		return nil
	}
	_, err := t.exec(ctx, `INSERT INTO credit_accounts (customer_id, reserved_minor, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (customer_id) DO UPDATE SET reserved_minor = credit_accounts.reserved_minor + $2, updated_at = $3`,
		customerID, delta, Stamp(now))
	if err != nil {
		return fmt.Errorf("store: reserved: %w", err)
	}
	return nil
}

// SetFlag sets or lifts a customer's "do not sell" flag.
func (t *Tx) SetFlag(ctx context.Context, customerID string, flagged bool, reason, by string, now time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO credit_accounts (customer_id, flagged, flag_reason, flagged_by, flagged_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (customer_id) DO UPDATE SET flagged = $2, flag_reason = $3, flagged_by = $4, flagged_at = $5, updated_at = $5`,
		customerID, boolInt(flagged), reason, by, Stamp(now))
	if err != nil {
		return fmt.Errorf("store: flag: %w", err)
	}
	return nil
}

// Flagged lists the flagged customers' credit accounts.
func (t *Tx) Flagged(ctx context.Context, limit int) ([]CreditAccount, error) {
	rows, err := t.query(ctx, `SELECT customer_id, reserved_minor, flag_reason, flagged_by, flagged_at FROM credit_accounts
		WHERE flagged = 1 ORDER BY flagged_at DESC, customer_id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: flagged: %w", err)
	}
	defer rows.Close()
	var out []CreditAccount
	for rows.Next() {
		c := CreditAccount{Flagged: true}
		var at string
		if err := rows.Scan(&c.CustomerID, &c.Reserved, &c.FlagReason, &c.FlaggedBy, &at); err != nil {
			return nil, err
		}
		if c.FlaggedAt, err = ParseStamp(at); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CreditCheck is a check that asked to reserve, as stored.
type CreditCheck struct {
	ID, CustomerID, Agent, OrderRef string
	Currency                        money.Currency
	Amount, PaidNow, Exposure       int64
	Decision                        credit.Decision
	Reasons                         string // JSON, written by app
	State, Approval                 string
	RequestedBy                     string
	CreatedAt, ExpiresAt            time.Time
	DecidedBy                       string
	DecidedAt                       time.Time
	Comment                         string
	ClosedBy                        string
	ClosedAt                        time.Time
}

// The states of a credit check, and of its approval.
const (
	CheckReserved  = "reserved"
	CheckPending   = "pending"
	CheckRejected  = "rejected"
	CheckBlocked   = "blocked"
	CheckInvoiced  = "invoiced"
	CheckCancelled = "cancelled"
	CheckExpired   = "expired"

	ApprovalPending  = "pending"
	ApprovalApproved = "approved"
	ApprovalRejected = "rejected"
)

const checkCols = `id, customer_id, agent, order_ref, currency, amount_minor, paid_now_minor, exposure_minor, decision, reasons,
	state, approval, requested_by, created_at, expires_at, decided_by, decided_at, decision_comment, closed_by, closed_at`

func scanCheck(s interface{ Scan(...any) error }) (CreditCheck, error) {
	var c CreditCheck
	var cur, dec, created, expires, decided, closed string
	err := s.Scan(&c.ID, &c.CustomerID, &c.Agent, &c.OrderRef, &cur, &c.Amount, &c.PaidNow, &c.Exposure, &dec, &c.Reasons,
		&c.State, &c.Approval, &c.RequestedBy, &created, &expires, &c.DecidedBy, &decided, &c.Comment, &c.ClosedBy, &closed)
	if err != nil {
		return c, err
	}
	c.Currency, c.Decision = money.Currency(cur), credit.Decision(dec)
	for _, p := range []struct {
		s string
		t *time.Time
	}{{created, &c.CreatedAt}, {expires, &c.ExpiresAt}, {decided, &c.DecidedAt}, {closed, &c.ClosedAt}} {
		if *p.t, err = ParseStamp(p.s); err != nil {
			return c, err
		}
	}
	return c, nil
}

// InsertCreditCheck records a check. A live check of the same order of
// the same customer fails with ErrExists.
func (t *Tx) InsertCreditCheck(ctx context.Context, c CreditCheck, now time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO credit_checks (`+checkCols+`, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)`,
		c.ID, c.CustomerID, c.Agent, c.OrderRef, string(c.Currency), c.Amount, c.PaidNow, c.Exposure, string(c.Decision), c.Reasons,
		c.State, c.Approval, c.RequestedBy, Stamp(c.CreatedAt), Stamp(c.ExpiresAt), c.DecidedBy, stampOrEmpty(c.DecidedAt), c.Comment,
		c.ClosedBy, stampOrEmpty(c.ClosedAt), Stamp(now))
	if err != nil {
		if t.d.uniqueViolation(err) {
			return fmt.Errorf("store: order %s of %s is checked already: %w", c.OrderRef, c.CustomerID, ErrExists)
		}
		return fmt.Errorf("store: insert credit check: %w", err)
	}
	return nil
}

// UpdateCreditCheck writes a check's state, approval and decision fields.
func (t *Tx) UpdateCreditCheck(ctx context.Context, c CreditCheck, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE credit_checks SET state = $2, approval = $3, decided_by = $4, decided_at = $5, decision_comment = $6,
		closed_by = $7, closed_at = $8, expires_at = $9, updated_at = $10 WHERE id = $1`, c.ID, c.State, c.Approval, c.DecidedBy,
		stampOrEmpty(c.DecidedAt), c.Comment, c.ClosedBy, stampOrEmpty(c.ClosedAt), Stamp(c.ExpiresAt), Stamp(now))
	if err != nil {
		return fmt.Errorf("store: update credit check: %w", err)
	}
	return nil
}

// CreditCheck reads a check, locked for the transaction when lock.
func (t *Tx) CreditCheck(ctx context.Context, id string, lock bool) (CreditCheck, error) {
	q := `SELECT ` + checkCols + ` FROM credit_checks WHERE id = $1`
	if lock {
		q += t.d.forUpdate()
	}
	c, err := scanCheck(t.queryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("store: credit check %q: %w", id, ErrNotFound)
	}
	return c, err
}

// LiveCheck is the live (reserved or pending) check of an order, or
// ErrNotFound.
func (t *Tx) LiveCheck(ctx context.Context, customerID, orderRef string) (CreditCheck, error) {
	c, err := scanCheck(t.queryRow(ctx, `SELECT `+checkCols+` FROM credit_checks WHERE customer_id = $1 AND order_ref = $2
		AND state IN ('reserved', 'pending')`, customerID, orderRef))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("store: live check of %q: %w", orderRef, ErrNotFound)
	}
	return c, err
}

// CheckFilter selects credit checks.
type CheckFilter struct {
	Scope      string // agent code, "" for all
	CustomerID string
	Approval   string // '' any (with Approvals: any but none)
	Approvals  bool   // only checks that needed an approval
	Limit      int
}

// CreditChecks lists checks newest first.
func (t *Tx) CreditChecks(ctx context.Context, f CheckFilter) ([]CreditCheck, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	q := `SELECT ` + checkCols + ` FROM credit_checks WHERE ($1 = '' OR agent = $1) AND ($2 = '' OR customer_id = $2)
		AND ($3 = '' OR approval = $3)`
	if f.Approvals {
		q += ` AND approval <> ''`
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT $4`
	return t.scanChecks(ctx, q, f.Scope, f.CustomerID, f.Approval, f.Limit)
}

// ExpiredChecks lists live checks whose time ran out by now.
func (t *Tx) ExpiredChecks(ctx context.Context, now time.Time, limit int) ([]CreditCheck, error) {
	return t.scanChecks(ctx, `SELECT `+checkCols+` FROM credit_checks WHERE state IN ('reserved', 'pending') AND expires_at <= $1
		ORDER BY expires_at, id LIMIT $2`, Stamp(now), limit)
}

func (t *Tx) scanChecks(ctx context.Context, q string, args ...any) ([]CreditCheck, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: credit checks: %w", err)
	}
	defer rows.Close()
	var out []CreditCheck
	for rows.Next() {
		c, err := scanCheck(rows)
		if err != nil {
			return nil, fmt.Errorf("store: credit checks: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PendingApprovals counts the requests waiting for approval.
func (t *Tx) PendingApprovals(ctx context.Context) (int64, error) {
	var n int64
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM credit_checks WHERE approval = 'pending'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: pending approvals: %w", err)
	}
	return n, nil
}

// AnsweredApprovals returns how long each of the latest n answered
// requests for approval waited, from request to answer.
func (t *Tx) AnsweredApprovals(ctx context.Context, n int) ([]time.Duration, error) {
	rows, err := t.query(ctx, `SELECT created_at, decided_at FROM credit_checks WHERE approval IN ('approved', 'rejected')
		ORDER BY created_at DESC, id DESC LIMIT $1`, n)
	if err != nil {
		return nil, fmt.Errorf("store: answered approvals: %w", err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var c, d string
		if err := rows.Scan(&c, &d); err != nil {
			return nil, fmt.Errorf("store: answered approvals: %w", err)
		}
		ct, err := ParseStamp(c)
		if err != nil {
			return nil, err
		}
		dt, err := ParseStamp(d)
		if err != nil {
			return nil, err
		}
		out = append(out, dt.Sub(ct))
	}
	return out, rows.Err()
}
