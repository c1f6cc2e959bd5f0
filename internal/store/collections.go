package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

const collectionCols = `id, customer_id, amount_minor, currency, instrument, instrument_number, instrument_bank,
	instrument_due_date, state, collected_at, recorded_at, collected_by, device_id, COALESCE(receipt_number, ''),
	erp_acked_at, void_reason, returned_document, instrument_label, agent`

func scanCollection(s interface{ Scan(...any) error }) (ledger.Collection, error) {
	var c ledger.Collection
	var cur, instr, due, state, collected, recorded, acked string
	err := s.Scan(&c.ID, &c.CustomerID, &c.Amount.Minor, &cur, &instr, &c.Instrument.Number, &c.Instrument.Bank,
		&due, &state, &collected, &recorded, &c.CollectedBy, &c.DeviceID, &c.ReceiptNumber, &acked, &c.VoidReason, &c.ReturnedDocument, &c.Instrument.Label, &c.Agent)
	if err != nil {
		return c, err
	}
	c.Amount.Currency, c.Instrument.Kind, c.State = money.Currency(cur), ledger.Instrument(instr), ledger.CollectionState(state)
	if due != "" {
		if c.Instrument.DueDate, err = civil.Parse(due); err != nil {
			return c, err
		}
	}
	if c.CollectedAt, err = ParseStamp(collected); err != nil {
		return c, err
	}
	if c.RecordedAt, err = ParseStamp(recorded); err != nil {
		return c, err
	}
	c.AckedAt, err = ParseStamp(acked)
	return c, err
}

// InsertCollection records a new collection and its allocations. It does
// not touch documents: the caller moves their pending amounts with
// AddPending, which guards against over-allocation.
func (t *Tx) InsertCollection(ctx context.Context, c ledger.Collection, now time.Time) error {
	var receipt any
	if c.ReceiptNumber != "" {
		receipt = c.ReceiptNumber
	}
	_, err := t.exec(ctx, `INSERT INTO collections (id, customer_id, amount_minor, currency, allocated_minor, instrument,
		instrument_number, instrument_bank, instrument_due_date, state, collected_at, recorded_at, collected_by, device_id,
		receipt_number, erp_acked_at, void_reason, returned_document, updated_at, instrument_label, agent)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)`,
		c.ID, c.CustomerID, c.Amount.Minor, string(c.Amount.Currency), c.Allocated(), string(c.Instrument.Kind),
		c.Instrument.Number, c.Instrument.Bank, c.Instrument.DueDate.String(), string(c.State), Stamp(c.CollectedAt),
		Stamp(c.RecordedAt), c.CollectedBy, c.DeviceID, receipt, stampOrEmpty(c.AckedAt), c.VoidReason, c.ReturnedDocument, Stamp(now), c.Instrument.Label, c.Agent)
	if err != nil {
		return fmt.Errorf("store: insert collection: %w", err)
	}
	return t.InsertAllocations(ctx, c.ID, c.Allocations, now)
}

// InsertAllocations adds allocations to a collection.
func (t *Tx) InsertAllocations(ctx context.Context, collectionID string, allocs []ledger.Allocation, now time.Time) error {
	for _, a := range allocs {
		id, err := uuid.NewV7()
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO allocations (id, collection_id, document_id, amount_minor, acked, created_at)
			VALUES ($1,$2,$3,$4,$5,$6)`, id.String(), collectionID, a.DocumentID, a.Amount, boolInt(a.Acked), Stamp(now)); err != nil {
			return fmt.Errorf("store: insert allocation: %w", err)
		}
	}
	return nil
}

// UpdateCollection rewrites a collection's state, acknowledgement, void
// reason and allocated total. Amount, instrument and who collected it never
// change: a mistake there is a void and a new collection.
func (t *Tx) UpdateCollection(ctx context.Context, c ledger.Collection, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE collections SET state=$2, erp_acked_at=$3, void_reason=$4, allocated_minor=$5,
		returned_document=$6, updated_at=$7 WHERE id=$1`,
		c.ID, string(c.State), stampOrEmpty(c.AckedAt), c.VoidReason, c.Allocated(), c.ReturnedDocument, Stamp(now))
	if err != nil {
		return fmt.Errorf("store: update collection %q: %w", c.ID, err)
	}
	return nil
}

// AckAllocations marks every allocation of a collection acknowledged.
func (t *Tx) AckAllocations(ctx context.Context, collectionID string) error {
	_, err := t.exec(ctx, `UPDATE allocations SET acked = 1 WHERE collection_id = $1 AND acked = 0`, collectionID)
	return err
}

// Collection reads one collection with its allocations; ErrNotFound if
// there is none.
func (t *Tx) Collection(ctx context.Context, id string) (ledger.Collection, error) {
	c, err := scanCollection(t.queryRow(ctx, `SELECT `+collectionCols+` FROM collections WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("store: collection %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("store: collection %q: %w", id, err)
	}
	cs := []ledger.Collection{c}
	if err := t.loadAllocations(ctx, cs); err != nil {
		return c, err
	}
	return cs[0], nil
}

func (t *Tx) loadAllocations(ctx context.Context, cs []ledger.Collection) error {
	idx := make(map[string]int, len(cs))
	ids := make([]string, 0, len(cs))
	for i, c := range cs {
		idx[c.ID] = i
		ids = append(ids, c.ID)
	}
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		rows, err := t.query(ctx, `SELECT collection_id, document_id, amount_minor, acked FROM allocations
			WHERE collection_id IN (`+t.inList(n)+`) ORDER BY collection_id, created_at, id`, anys(ids[:n])...)
		if err != nil {
			return fmt.Errorf("store: allocations: %w", err)
		}
		for rows.Next() {
			var cid string
			var a ledger.Allocation
			var acked int
			if err := rows.Scan(&cid, &a.DocumentID, &a.Amount, &acked); err != nil {
				rows.Close()
				return fmt.Errorf("store: allocations: %w", err)
			}
			a.Acked = acked != 0
			i := idx[cid]
			cs[i].Allocations = append(cs[i].Allocations, a)
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return fmt.Errorf("store: allocations: %w", err)
		}
		rows.Close()
		ids = ids[n:]
	}
	return nil
}

func (t *Tx) scanCollections(ctx context.Context, q string, args ...any) ([]ledger.Collection, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: collections: %w", err)
	}
	var out []ledger.Collection
	for rows.Next() {
		c, err := scanCollection(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: collections: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, fmt.Errorf("store: collections: %w", err)
	}
	rows.Close()
	if err := t.loadAllocations(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// CollectionFilter selects collections for a list.
type CollectionFilter struct {
	CustomerIDs []string // nil: any customer the caller may see (see Agent)
	Agent       string   // only customers of this agent
	PendingERP  bool     // only those the ERP has not acknowledged
	AfterAt     string   // cursor: recorded_at of the last one seen
	AfterID     string
	Limit       int
}

// Collections lists collections in the order they were recorded.
func (t *Tx) Collections(ctx context.Context, f CollectionFilter) ([]ledger.Collection, error) {
	q := `SELECT ` + collectionCols + ` FROM collections c WHERE (recorded_at > $1 OR (recorded_at = $1 AND id > $2))`
	args := []any{f.AfterAt, f.AfterID}
	if f.PendingERP {
		q += ` AND erp_acked_at = ''`
	}
	if f.Agent != "" {
		args = append(args, f.Agent)
		q += fmt.Sprintf(` AND customer_id IN (SELECT id FROM customers WHERE agent = $%d)`, len(args))
	}
	if f.CustomerIDs != nil {
		if len(f.CustomerIDs) == 0 {
			return nil, nil
		}
		q += ` AND customer_id IN (` + placeholders(len(args)+1, len(f.CustomerIDs)) + `)`
		args = append(args, anys(f.CustomerIDs)...)
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(` ORDER BY recorded_at, id LIMIT $%d`, len(args))
	return t.scanCollections(ctx, q, args...)
}

// CollectionsOf reads every collection of these customers, for recomputing
// their figures.
func (t *Tx) CollectionsOf(ctx context.Context, customerIDs []string) ([]ledger.Collection, error) {
	var out []ledger.Collection
	for len(customerIDs) > 0 {
		n := min(len(customerIDs), chunk)
		cs, err := t.scanCollections(ctx, `SELECT `+collectionCols+` FROM collections WHERE customer_id IN (`+t.inList(n)+`)
			ORDER BY customer_id, recorded_at, id`, anys(customerIDs[:n])...)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
		customerIDs = customerIDs[n:]
	}
	return out, nil
}

func stampOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Stamp(t)
}

// LatestCollections lists the n most recently recorded collections of the
// customers of agent scope ("" for all).
func (t *Tx) LatestCollections(ctx context.Context, scope string, n int) ([]ledger.Collection, error) {
	if scope == "" {
		return t.scanCollections(ctx, `SELECT `+collectionCols+` FROM collections ORDER BY recorded_at DESC, id DESC LIMIT $1`, n)
	}
	return t.scanCollections(ctx, `SELECT `+collectionCols+` FROM collections
		WHERE customer_id IN (SELECT id FROM customers WHERE agent = $1) ORDER BY recorded_at DESC, id DESC LIMIT $2`, scope, n)
}

// LatestCollectionsOfCustomer lists a customer's n most recent collections.
func (t *Tx) LatestCollectionsOfCustomer(ctx context.Context, customerID string, n int) ([]ledger.Collection, error) {
	return t.scanCollections(ctx, `SELECT `+collectionCols+` FROM collections WHERE customer_id = $1
		ORDER BY recorded_at DESC, id DESC LIMIT $2`, customerID, n)
}

// CollectionIDByReceipt finds a collection by its receipt number.
func (t *Tx) CollectionIDByReceipt(ctx context.Context, number string) (string, error) {
	var id string
	err := t.queryRow(ctx, `SELECT id FROM collections WHERE receipt_number = $1`, number).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: receipt %q: %w", number, ErrNotFound)
	}
	return id, err
}
