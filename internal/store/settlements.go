package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

// Settlement is an agent's settlement with the administration, as stored.
type Settlement struct {
	ID                       string
	Agent                    string
	From, To                 civil.Date
	Currency                 money.Currency
	State                    ledger.SettlementState
	CreatedAt                time.Time
	CreatedBy                string
	SubmittedAt              time.Time
	SubmittedBy              string
	Rejections               int
	LastRejection            string
	Counted                  []ledger.Difference
	Difference               int64
	CountedAt                time.Time
	CountedBy                string
	ApprovedBy, ApprovalNote string
	VerifiedAt, ExportedAt   time.Time
}

const settlementCols = `id, agent, from_date, to_date, currency, state, created_at, created_by, submitted_at, submitted_by,
	rejections, last_rejection, counted, difference_minor, counted_at, counted_by, approved_by, approval_note, verified_at, exported_at`

func scanSettlement(s interface{ Scan(...any) error }) (Settlement, error) {
	var st Settlement
	var from, to, cur, state, created, submitted, counted, countedAt, verified, exported string
	err := s.Scan(&st.ID, &st.Agent, &from, &to, &cur, &state, &created, &st.CreatedBy, &submitted, &st.SubmittedBy,
		&st.Rejections, &st.LastRejection, &counted, &st.Difference, &countedAt, &st.CountedBy, &st.ApprovedBy, &st.ApprovalNote,
		&verified, &exported)
	if err != nil {
		return st, err
	}
	st.Currency, st.State = money.Currency(cur), ledger.SettlementState(state)
	if st.From, err = civil.Parse(from); err != nil {
		return st, err
	}
	if st.To, err = civil.Parse(to); err != nil {
		return st, err
	}
	for _, p := range []struct {
		s string
		t *time.Time
	}{{created, &st.CreatedAt}, {submitted, &st.SubmittedAt}, {countedAt, &st.CountedAt}, {verified, &st.VerifiedAt}, {exported, &st.ExportedAt}} {
		if *p.t, err = ParseStamp(p.s); err != nil {
			return st, err
		}
	}
	if counted != "" {
		if err := json.Unmarshal([]byte(counted), &st.Counted); err != nil {
			return st, fmt.Errorf("store: settlement %s count: %w", st.ID, err)
		}
	}
	return st, nil
}

// InsertSettlement records a new draft settlement with its lines. A
// collection already in another settlement fails with ErrExists.
func (t *Tx) InsertSettlement(ctx context.Context, s Settlement, lines []ledger.SettlementLine, now time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO settlements (id, agent, from_date, to_date, currency, state, created_at, created_by, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, s.ID, s.Agent, s.From.String(), s.To.String(), string(s.Currency), string(s.State),
		Stamp(s.CreatedAt), s.CreatedBy, Stamp(now))
	if err != nil {
		return fmt.Errorf("store: insert settlement: %w", err)
	}
	for _, l := range lines {
		if _, err := t.exec(ctx, `INSERT INTO settlement_lines (settlement_id, collection_id, correction, instrument, amount_minor)
			VALUES ($1,$2,$3,$4,$5)`, s.ID, l.CollectionID, boolInt(l.Correction), string(l.Instrument), l.Amount); err != nil {
			if t.d.uniqueViolation(err) {
				return fmt.Errorf("store: collection %s is in another settlement: %w", l.CollectionID, ErrExists)
			}
			return fmt.Errorf("store: insert settlement line: %w", err)
		}
	}
	return nil
}

// UpdateSettlement writes a settlement's workflow fields.
func (t *Tx) UpdateSettlement(ctx context.Context, s Settlement, now time.Time) error {
	counted := ""
	if len(s.Counted) > 0 {
		b, err := json.Marshal(s.Counted)
		if err != nil {
			return err
		}
		counted = string(b)
	}
	_, err := t.exec(ctx, `UPDATE settlements SET state = $2, submitted_at = $3, submitted_by = $4, rejections = $5, last_rejection = $6,
		counted = $7, difference_minor = $8, counted_at = $9, counted_by = $10, approved_by = $11, approval_note = $12, verified_at = $13,
		exported_at = $14, updated_at = $15 WHERE id = $1`, s.ID, string(s.State), stampOrEmpty(s.SubmittedAt), s.SubmittedBy, s.Rejections,
		s.LastRejection, counted, s.Difference, stampOrEmpty(s.CountedAt), s.CountedBy, s.ApprovedBy, s.ApprovalNote,
		stampOrEmpty(s.VerifiedAt), stampOrEmpty(s.ExportedAt), Stamp(now))
	if err != nil {
		return fmt.Errorf("store: update settlement: %w", err)
	}
	return nil
}

// Settlement reads a settlement, locked for the transaction when lock.
func (t *Tx) Settlement(ctx context.Context, id string, lock bool) (Settlement, error) {
	q := `SELECT ` + settlementCols + ` FROM settlements WHERE id = $1`
	if lock {
		q += t.d.forUpdate()
	}
	s, err := scanSettlement(t.queryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("store: settlement %q: %w", id, ErrNotFound)
	}
	return s, err
}

// SettlementFilter selects settlements: an agent's, in a state.
type SettlementFilter struct {
	Agent string
	State ledger.SettlementState
	Limit int
}

// Settlements lists settlements, newest first.
func (t *Tx) Settlements(ctx context.Context, f SettlementFilter) ([]Settlement, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	rows, err := t.query(ctx, `SELECT `+settlementCols+` FROM settlements WHERE ($1 = '' OR agent = $1) AND ($2 = '' OR state = $2)
		ORDER BY created_at DESC, id DESC LIMIT $3`, f.Agent, string(f.State), f.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Settlement
	for rows.Next() {
		s, err := scanSettlement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SettlementLines reads a settlement's lines with their collections.
func (t *Tx) SettlementLines(ctx context.Context, id string) ([]ledger.SettlementLine, []ledger.Collection, error) {
	rows, err := t.query(ctx, `SELECT l.collection_id, l.correction, l.instrument, l.amount_minor FROM settlement_lines l
		JOIN collections c ON c.id = l.collection_id WHERE l.settlement_id = $1 ORDER BY c.collected_at, c.id, l.correction`, id)
	if err != nil {
		return nil, nil, err
	}
	var lines []ledger.SettlementLine
	var ids []string
	for rows.Next() {
		var l ledger.SettlementLine
		var corr int
		var in string
		if err := rows.Scan(&l.CollectionID, &corr, &in, &l.Amount); err != nil {
			rows.Close()
			return nil, nil, err
		}
		l.Correction, l.Instrument = corr == 1, ledger.Instrument(in)
		lines = append(lines, l)
		ids = append(ids, l.CollectionID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	cols := make([]ledger.Collection, 0, len(ids))
	for _, id := range ids {
		c, err := t.Collection(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		cols = append(cols, c)
	}
	return lines, cols, nil
}

// DropSettlementLine takes a collection out of a settlement not verified
// yet (it was voided meanwhile).
func (t *Tx) DropSettlementLine(ctx context.Context, settlementID, collectionID string) error {
	_, err := t.exec(ctx, `DELETE FROM settlement_lines WHERE settlement_id = $1 AND collection_id = $2 AND correction = 0`,
		settlementID, collectionID)
	return err
}

// DeleteDraftSettlement discards a draft: its collections are free again.
func (t *Tx) DeleteDraftSettlement(ctx context.Context, id string) error {
	if _, err := t.exec(ctx, `DELETE FROM settlement_lines WHERE settlement_id = $1`, id); err != nil {
		return err
	}
	_, err := t.exec(ctx, `DELETE FROM settlements WHERE id = $1 AND state = 'draft'`, id)
	return err
}

// SettleableCollections are an agent's collections of the period [from,
// to) not voided and in no settlement, and the collections voided since
// their settlement was verified and not corrected yet.
func (t *Tx) SettleableCollections(ctx context.Context, agent string, from, to time.Time) (fresh, corrections []ledger.Collection, err error) {
	fresh, err = t.scanCollections(ctx, `SELECT `+collectionCols+` FROM collections c WHERE c.agent = $1 AND c.collected_at >= $2
		AND c.collected_at < $3 AND c.state <> 'voided'
		AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.collection_id = c.id AND l.correction = 0)
		ORDER BY c.collected_at, c.id`, agent, Stamp(from), Stamp(to))
	if err != nil {
		return nil, nil, err
	}
	corrections, err = t.scanCollections(ctx, `SELECT `+collectionCols+` FROM collections c WHERE c.agent = $1 AND c.state = 'voided'
		AND EXISTS (SELECT 1 FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_id
			WHERE l.collection_id = c.id AND l.correction = 0 AND s.state = 'verified')
		AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.collection_id = c.id AND l.correction = 1)
		ORDER BY c.collected_at, c.id`, agent)
	return fresh, corrections, err
}

// SettledIn is the settlement a collection was handed in with (verified),
// ” when none.
func (t *Tx) SettledIn(ctx context.Context, collectionID string) (string, error) {
	var id string
	err := t.queryRow(ctx, `SELECT s.id FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_id
		WHERE l.collection_id = $1 AND l.correction = 0 AND s.state = 'verified'`, collectionID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}
