package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"cobro/internal/civil"
)

// Promise is a promise to pay as stored, with the documents it covers and
// what each had open when promised.
type Promise struct {
	ID         string // UUIDv7, given by InsertPromise when empty
	CustomerID string
	Whole      bool // the customer's whole overdue when promised
	Date       civil.Date
	Amount     int64
	Currency   string
	MadeBy     string
	Note       string
	MadeOn     civil.Date
	State      string // open, kept, broken
	SettledOn  civil.Date
	CreatedAt  time.Time
	Documents  []PromiseDocument
}

// PromiseDocument is a document a promise covers.
type PromiseDocument struct {
	DocumentID string
	Open       int64
}

// InsertPromise records a promise and its documents in the caller's
// transaction, giving it an id when it has none.
func (t *Tx) InsertPromise(ctx context.Context, p *Promise, now time.Time) error {
	if p.ID == "" {
		u, err := uuid.NewV7()
		if err != nil {
			return err
		}
		p.ID = u.String()
	}
	p.CreatedAt = now
	if _, err := t.exec(ctx, `INSERT INTO promises (id, customer_id, whole, promised_for, amount_minor, currency, made_by, note, made_on,
		state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, p.ID, p.CustomerID, boolInt(p.Whole), p.Date.String(),
		p.Amount, p.Currency, p.MadeBy, p.Note, p.MadeOn.String(), p.State, Stamp(now)); err != nil {
		return fmt.Errorf("store: promise: %w", err)
	}
	for _, d := range p.Documents {
		if _, err := t.exec(ctx, `INSERT INTO promise_documents (promise_id, customer_id, document_id, open_minor) VALUES ($1, $2, $3, $4)`,
			p.ID, p.CustomerID, d.DocumentID, d.Open); err != nil {
			return fmt.Errorf("store: promise document %s: %w", d.DocumentID, err)
		}
	}
	return nil
}

const promiseCols = `id, customer_id, whole, promised_for, amount_minor, currency, made_by, note, made_on, state, settled_on, created_at`

// PromisesOf reads the promises of these customers, newest first per
// customer; with unsettled, only the open and broken ones (those dunning
// needs).
func (t *Tx) PromisesOf(ctx context.Context, customerIDs []string, unsettled bool) ([]Promise, error) {
	var out []Promise
	cond := ""
	if unsettled {
		cond = ` AND state IN ('open', 'broken')`
	}
	for len(customerIDs) > 0 {
		n := min(len(customerIDs), chunk)
		ps, err := t.scanPromises(ctx, `SELECT `+promiseCols+` FROM promises WHERE customer_id IN (`+t.inList(n)+`)`+cond+`
			ORDER BY customer_id, id DESC`, anys(customerIDs[:n])...)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
		customerIDs = customerIDs[n:]
	}
	if len(out) == 0 {
		return out, nil
	}
	at := map[string]int{}
	ids := make([]string, len(out))
	for i, p := range out {
		at[p.ID], ids[i] = i, p.ID
	}
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		rows, err := t.query(ctx, `SELECT promise_id, document_id, open_minor FROM promise_documents WHERE promise_id IN (`+t.inList(n)+`)
			ORDER BY promise_id, document_id`, anys(ids[:n])...)
		if err != nil {
			return nil, fmt.Errorf("store: promise documents: %w", err)
		}
		for rows.Next() {
			var id string
			var d PromiseDocument
			if err := rows.Scan(&id, &d.DocumentID, &d.Open); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: promise documents: %w", err)
			}
			out[at[id]].Documents = append(out[at[id]].Documents, d)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: promise documents: %w", err)
		}
		ids = ids[n:]
	}
	return out, nil
}

func (t *Tx) scanPromises(ctx context.Context, q string, args ...any) ([]Promise, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: promises: %w", err)
	}
	defer rows.Close()
	var out []Promise
	for rows.Next() {
		var p Promise
		var whole int
		var date, made, settled, created string
		if err := rows.Scan(&p.ID, &p.CustomerID, &whole, &date, &p.Amount, &p.Currency, &p.MadeBy, &p.Note, &made, &p.State,
			&settled, &created); err != nil {
			return nil, fmt.Errorf("store: promises: %w", err)
		}
		p.Whole = whole != 0
		if p.Date, err = civil.Parse(date); err != nil {
			return nil, fmt.Errorf("store: promise %s: %w", p.ID, err)
		}
		if p.MadeOn, err = civil.Parse(made); err != nil {
			return nil, fmt.Errorf("store: promise %s: %w", p.ID, err)
		}
		if settled != "" {
			if p.SettledOn, err = civil.Parse(settled); err != nil {
				return nil, fmt.Errorf("store: promise %s: %w", p.ID, err)
			}
		}
		if p.CreatedAt, err = ParseStamp(created); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SettlePromise marks an open promise kept or broken on day on; false when
// it was not open any more (another run settled it).
func (t *Tx) SettlePromise(ctx context.Context, id, state string, on civil.Date) (bool, error) {
	res, err := t.exec(ctx, `UPDATE promises SET state = $2, settled_on = $3 WHERE id = $1 AND state = 'open'`, id, state, on.String())
	if err != nil {
		return false, fmt.Errorf("store: settle promise %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
