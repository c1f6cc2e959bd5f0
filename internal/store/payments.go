package store

import (
	"context"
	"fmt"
	"time"

	"cobro/internal/civil"
	"cobro/internal/money"
)

// Payment is one payment a document received, from the ERP's history.
type Payment struct {
	DocumentID string
	PaidOn     civil.Date
	Amount     money.Amount
	// Seq tells apart equal payments of one document on one day.
	Seq       int
	PaymentID string // the ERP's, when it has one
}

// InsertPayments stores payments not stored yet (the same document, day,
// amount and seq) and reports how many it inserted.
func (t *Tx) InsertPayments(ctx context.Context, ps []Payment, run string, now time.Time) (int, error) {
	inserted := 0
	for _, p := range ps {
		res, err := t.exec(ctx, `INSERT INTO document_payments (document_id, paid_on, amount_minor, seq, currency, payment_id, import_run, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
			p.DocumentID, p.PaidOn.String(), p.Amount.Minor, p.Seq, string(p.Amount.Currency), p.PaymentID, run, Stamp(now))
		if err != nil {
			return inserted, fmt.Errorf("store: payments: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return inserted, err
		}
		inserted += int(n)
	}
	return inserted, nil
}

// FillPaidOn sets the paid date of the documents among ids that are
// settled in the ERP and have none, to the day of their last payment.
func (t *Tx) FillPaidOn(ctx context.Context, ids []string, now time.Time) error {
	for _, id := range ids {
		_, err := t.exec(ctx, `UPDATE documents SET paid_on = (SELECT MAX(p.paid_on) FROM document_payments p WHERE p.document_id = $1),
			updated_at = $2
			WHERE id = $1 AND erp_open_minor = 0 AND paid_on = ''
			AND EXISTS (SELECT 1 FROM document_payments p WHERE p.document_id = $1)`, id, Stamp(now))
		if err != nil {
			return fmt.Errorf("store: paid dates: %w", err)
		}
	}
	return nil
}

// DocumentPayments is a document's payment history, oldest first.
func (t *Tx) DocumentPayments(ctx context.Context, id string) ([]Payment, error) {
	rows, err := t.query(ctx, `SELECT paid_on, amount_minor, currency, seq, payment_id FROM document_payments
		WHERE document_id = $1 ORDER BY paid_on, seq, amount_minor`, id)
	if err != nil {
		return nil, fmt.Errorf("store: payments: %w", err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		p := Payment{DocumentID: id}
		var day, cur string
		if err := rows.Scan(&day, &p.Amount.Minor, &cur, &p.Seq, &p.PaymentID); err != nil {
			return nil, err
		}
		if p.PaidOn, err = civil.Parse(day); err != nil {
			return nil, err
		}
		p.Amount.Currency = money.Currency(cur)
		out = append(out, p)
	}
	return out, rows.Err()
}

// DocumentIDsByNumber finds the documents with each of numbers (several
// when the ERP reuses a number).
func (t *Tx) DocumentIDsByNumber(ctx context.Context, numbers []string) (map[string][]string, error) {
	out := map[string][]string{}
	for rest := numbers; len(rest) > 0; {
		n := min(len(rest), chunk)
		rows, err := t.query(ctx, `SELECT number, id FROM documents WHERE number IN (`+t.inList(n)+`) ORDER BY id`, anys(rest[:n])...)
		if err != nil {
			return nil, fmt.Errorf("store: documents: %w", err)
		}
		for rows.Next() {
			var num, id string
			if err := rows.Scan(&num, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[num] = append(out[num], id)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
		rest = rest[n:]
	}
	return out, nil
}
