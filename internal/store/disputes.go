package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Dispute is a dispute on a document as stored.
type Dispute struct {
	ID          string // UUIDv7, given by InsertDispute when empty
	CustomerID  string
	DocumentID  string
	Reason      string
	Note        string
	OpenedBy    string
	OpenedAt    time.Time
	WasDisputed bool // the document was disputed (by the ERP) before
	State       string
	ResolvedBy  string
	ResolvedAt  time.Time
	Resolution  string // the administration's note
}

// InsertDispute records an open dispute in the caller's transaction; a
// document with an open dispute refuses a second (ErrDuplicate).
func (t *Tx) InsertDispute(ctx context.Context, d *Dispute, now time.Time) error {
	if d.ID == "" {
		u, err := uuid.NewV7()
		if err != nil {
			return err
		}
		d.ID = u.String()
	}
	d.OpenedAt, d.State = now, "open"
	if _, err := t.exec(ctx, `INSERT INTO disputes (id, customer_id, document_id, reason, note, opened_by, opened_at, was_disputed, state)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open')`, d.ID, d.CustomerID, d.DocumentID, d.Reason, d.Note, d.OpenedBy, Stamp(now),
		boolInt(d.WasDisputed)); err != nil {
		return fmt.Errorf("store: dispute on %s: %w", d.DocumentID, err)
	}
	return nil
}

const disputeCols = `id, customer_id, document_id, reason, note, opened_by, opened_at, was_disputed, state, resolved_by, resolved_at, resolution`

// OpenDisputeOf reports whether the document has an open dispute.
func (t *Tx) OpenDisputeOf(ctx context.Context, documentID string) (bool, error) {
	ds, err := t.scanDisputes(ctx, `SELECT `+disputeCols+` FROM disputes WHERE document_id = $1 AND state = 'open'`, documentID)
	return len(ds) > 0, err
}

// DisputesOf lists a customer's disputes, newest first.
func (t *Tx) DisputesOf(ctx context.Context, customerID string) ([]Dispute, error) {
	return t.scanDisputes(ctx, `SELECT `+disputeCols+` FROM disputes WHERE customer_id = $1 ORDER BY id DESC`, customerID)
}

// Dispute reads one dispute; ErrNotFound when there is none.
func (t *Tx) Dispute(ctx context.Context, id string) (Dispute, error) {
	ds, err := t.scanDisputes(ctx, `SELECT `+disputeCols+` FROM disputes WHERE id = $1`, id)
	if err != nil {
		return Dispute{}, err
	}
	if len(ds) == 0 {
		return Dispute{}, fmt.Errorf("dispute %q: %w", id, ErrNotFound)
	}
	return ds[0], nil
}

// ResolveDispute records the resolution of an open dispute; false when it
// was resolved already.
func (t *Tx) ResolveDispute(ctx context.Context, id, state, by, note string, now time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE disputes SET state = $2, resolved_by = $3, resolution = $4, resolved_at = $5 WHERE id = $1 AND state = 'open'`,
		id, state, by, note, Stamp(now))
	if err != nil {
		return false, fmt.Errorf("store: resolve dispute %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetDocumentDisputed sets or clears a document's disputed flag.
func (t *Tx) SetDocumentDisputed(ctx context.Context, id string, disputed bool, now time.Time) error {
	if _, err := t.exec(ctx, `UPDATE documents SET disputed = $2, updated_at = $3 WHERE id = $1`, id, boolInt(disputed), Stamp(now)); err != nil {
		return fmt.Errorf("store: dispute flag of %s: %w", id, err)
	}
	return nil
}

func (t *Tx) scanDisputes(ctx context.Context, q string, args ...any) ([]Dispute, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: disputes: %w", err)
	}
	defer rows.Close()
	var out []Dispute
	for rows.Next() {
		var d Dispute
		var was int
		var opened, resolved string
		if err := rows.Scan(&d.ID, &d.CustomerID, &d.DocumentID, &d.Reason, &d.Note, &d.OpenedBy, &opened, &was, &d.State, &d.ResolvedBy,
			&resolved, &d.Resolution); err != nil {
			return nil, fmt.Errorf("store: disputes: %w", err)
		}
		d.WasDisputed = was != 0
		if d.OpenedAt, err = ParseStamp(opened); err != nil {
			return nil, err
		}
		if d.ResolvedAt, err = ParseStamp(resolved); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// OpenDisputed says which of these documents have a dispute open in cobro.
func (t *Tx) OpenDisputed(ctx context.Context, documentIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(documentIDs) > 0 {
		n := min(len(documentIDs), chunk)
		rows, err := t.query(ctx, `SELECT document_id FROM disputes WHERE state = 'open' AND document_id IN (`+t.inList(n)+`)`,
			anys(documentIDs[:n])...)
		if err != nil {
			return nil, fmt.Errorf("store: open disputes: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: open disputes: %w", err)
			}
			out[id] = true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: open disputes: %w", err)
		}
		documentIDs = documentIDs[n:]
	}
	return out, nil
}
