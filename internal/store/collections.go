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
	erp_acked_at, void_reason, returned_document, instrument_label, agent, custody, custody_at`

func scanCollection(s interface{ Scan(...any) error }) (ledger.Collection, error) {
	var c ledger.Collection
	var cur, instr, due, state, collected, recorded, acked, custody, custodyAt string
	err := s.Scan(&c.ID, &c.CustomerID, &c.Amount.Minor, &cur, &instr, &c.Instrument.Number, &c.Instrument.Bank,
		&due, &state, &collected, &recorded, &c.CollectedBy, &c.DeviceID, &c.ReceiptNumber, &acked, &c.VoidReason, &c.ReturnedDocument, &c.Instrument.Label, &c.Agent,
		&custody, &custodyAt)
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
	c.Custody = ledger.Custody(custody)
	if c.CustodyAt, err = ParseStamp(custodyAt); err != nil {
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
		returned_document=$6, updated_at=$7, custody=$8, custody_at=$9 WHERE id=$1`,
		c.ID, string(c.State), stampOrEmpty(c.AckedAt), c.VoidReason, c.Allocated(), c.ReturnedDocument, Stamp(now),
		string(c.Custody), stampOrEmpty(c.CustodyAt))
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

// CollectionSearch selects collections for the collections page.
type CollectionSearch struct {
	Scope      string // an agent's customers only ('' for all)
	Agent      string // collected by this agent
	Instrument string
	State      string
	From, To   time.Time // collected in [From, To) when set
	// After: only those recorded after this (recorded_at, id), oldest
	// first (the live feed); otherwise newest first.
	AfterAt, AfterID string
	Limit            int
}

// SearchCollections lists collections with their customers' names.
func (t *Tx) SearchCollections(ctx context.Context, f CollectionSearch) ([]ledger.Collection, map[string]string, error) {
	q := `SELECT ` + collectionCols + ` FROM collections c WHERE 1 = 1`
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(cond, len(args))
	}
	if f.Scope != "" {
		add(` AND customer_id IN (SELECT id FROM customers WHERE agent = $%d)`, f.Scope)
	}
	if f.Agent != "" {
		add(` AND c.agent = $%d`, f.Agent)
	}
	if f.Instrument != "" {
		add(` AND instrument = $%d`, f.Instrument)
	}
	if f.State != "" {
		add(` AND state = $%d`, f.State)
	}
	if !f.From.IsZero() {
		add(` AND collected_at >= $%d`, Stamp(f.From))
	}
	if !f.To.IsZero() {
		add(` AND collected_at < $%d`, Stamp(f.To))
	}
	order := ` ORDER BY recorded_at DESC, id DESC`
	if f.AfterAt != "" {
		args = append(args, f.AfterAt, f.AfterID)
		q += fmt.Sprintf(` AND (recorded_at > $%d OR (recorded_at = $%d AND id > $%d))`, len(args)-1, len(args)-1, len(args))
		order = ` ORDER BY recorded_at, id`
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	args = append(args, f.Limit)
	q += order + fmt.Sprintf(` LIMIT $%d`, len(args))
	cs, err := t.scanCollections(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, c := range cs {
		if _, ok := names[c.CustomerID]; ok {
			continue
		}
		var n string
		if err := t.queryRow(ctx, `SELECT name FROM customers WHERE id = $1`, c.CustomerID).Scan(&n); err != nil {
			return nil, nil, err
		}
		names[c.CustomerID] = n
	}
	return cs, names, nil
}

// InstrumentFilter selects cheques and promissory notes for the
// instruments page: State is a collection state, and for those in hand
// Custody narrows to where they are (Any for every custody).
type InstrumentFilter struct {
	Scope   string // an agent's customers only ('' for all)
	State   ledger.CollectionState
	Custody ledger.Custody
	Any     bool // every custody of State
	Limit   int
}

// InstrumentRow is one instrument with its customer's name.
type InstrumentRow struct {
	ledger.Collection
	CustomerName string
}

// InstrumentCount is how many instruments are in a state and custody, and
// for how much (per currency).
type InstrumentCount struct {
	State    ledger.CollectionState
	Custody  ledger.Custody
	Currency money.Currency
	N        int64
	Minor    int64
}

const instrumentKinds = `instrument IN ('cheque', 'promissory_note')`

// Instruments lists instruments by maturity (those without one last),
// then by when they were collected.
func (t *Tx) Instruments(ctx context.Context, f InstrumentFilter) ([]InstrumentRow, error) {
	q := `SELECT ` + collectionCols + ` FROM collections c WHERE ` + instrumentKinds + ` AND state = $1`
	args := []any{string(f.State)}
	if !f.Any {
		args = append(args, string(f.Custody))
		q += fmt.Sprintf(` AND custody = $%d`, len(args))
	}
	if f.Scope != "" {
		args = append(args, f.Scope)
		q += fmt.Sprintf(` AND customer_id IN (SELECT id FROM customers WHERE agent = $%d)`, len(args))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(` ORDER BY CASE WHEN instrument_due_date = '' THEN 1 ELSE 0 END, instrument_due_date, collected_at, id LIMIT $%d`, len(args))
	cs, err := t.scanCollections(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	out := make([]InstrumentRow, 0, len(cs))
	names := map[string]string{}
	for _, c := range cs {
		n, ok := names[c.CustomerID]
		if !ok {
			if err := t.queryRow(ctx, `SELECT name FROM customers WHERE id = $1`, c.CustomerID).Scan(&n); err != nil {
				return nil, fmt.Errorf("store: instruments: %w", err)
			}
			names[c.CustomerID] = n
		}
		out = append(out, InstrumentRow{Collection: c, CustomerName: n})
	}
	return out, nil
}

// InstrumentCounts counts instruments by state and custody.
func (t *Tx) InstrumentCounts(ctx context.Context, scope string) ([]InstrumentCount, error) {
	q := `SELECT state, custody, currency, COUNT(*), COALESCE(SUM(amount_minor), 0) FROM collections WHERE ` + instrumentKinds
	var args []any
	if scope != "" {
		q += ` AND customer_id IN (SELECT id FROM customers WHERE agent = $1)`
		args = append(args, scope)
	}
	rows, err := t.query(ctx, q+` GROUP BY state, custody, currency ORDER BY state, custody, currency`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: instrument counts: %w", err)
	}
	defer rows.Close()
	var out []InstrumentCount
	for rows.Next() {
		var c InstrumentCount
		var state, custody, cur string
		if err := rows.Scan(&state, &custody, &cur, &c.N, &c.Minor); err != nil {
			return nil, fmt.Errorf("store: instrument counts: %w", err)
		}
		c.State, c.Custody, c.Currency = ledger.CollectionState(state), ledger.Custody(custody), money.Currency(cur)
		out = append(out, c)
	}
	return out, rows.Err()
}
