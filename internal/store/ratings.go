package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"cobro/internal/civil"
	"cobro/internal/credit"
	"cobro/internal/ledger"
)

// MaxRatingDocuments bounds the documents a rating reads of one customer:
// the newest by due date of those open or paid in the rating's window.
const MaxRatingDocuments = 5000

// RatingDocuments are what credit.Rate needs of a customer on day today:
// its open documents and those paid in the last credit.RatingWindow days,
// at most MaxRatingDocuments, the newest due first.
func (t *Tx) RatingDocuments(ctx context.Context, customerID string, today civil.Date) ([]ledger.Document, error) {
	from := today.AddDays(-credit.RatingWindow)
	return t.scanDocuments(ctx, `SELECT `+documentCols+` FROM documents
		WHERE customer_id = $1 AND (open_minor > 0 OR paid_on > $2)
		ORDER BY due_date DESC, id LIMIT $3`, customerID, from.String(), MaxRatingDocuments)
}

// SaveRating stores a customer's rating, replacing the one before.
func (t *Tx) SaveRating(ctx context.Context, customerID string, r credit.Rating, now time.Time) error {
	factors, err := json.Marshal(r.Factors)
	if err != nil {
		return fmt.Errorf("store: rating: %w", err)
	}
	_, err = t.exec(ctx, `INSERT INTO customer_ratings (customer_id, grade, points, factors, paid, paid_late, days_late, as_of, computed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (customer_id) DO UPDATE SET grade = excluded.grade, points = excluded.points, factors = excluded.factors,
			paid = excluded.paid, paid_late = excluded.paid_late, days_late = excluded.days_late,
			as_of = excluded.as_of, computed_at = excluded.computed_at`,
		customerID, string(r.Grade), r.Points, string(factors), r.Paid, r.PaidLate, r.DaysLate, r.AsOf.String(), Stamp(now))
	if err != nil {
		return fmt.Errorf("store: rating: %w", err)
	}
	return nil
}

// StoredRating is a customer's stored rating; ErrNotFound when it was
// never rated.
func (t *Tx) StoredRating(ctx context.Context, customerID string) (credit.Rating, error) {
	var r credit.Rating
	var grade, factors, asOf string
	err := t.queryRow(ctx, `SELECT grade, points, factors, paid, paid_late, days_late, as_of FROM customer_ratings WHERE customer_id = $1`,
		customerID).Scan(&grade, &r.Points, &factors, &r.Paid, &r.PaidLate, &r.DaysLate, &asOf)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: rating of %q: %w", customerID, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: rating: %w", err)
	}
	r.Grade = credit.Grade(grade)
	if err := json.Unmarshal([]byte(factors), &r.Factors); err != nil {
		return r, fmt.Errorf("store: rating factors: %w", err)
	}
	if r.AsOf, err = civil.Parse(asOf); err != nil {
		return r, fmt.Errorf("store: rating: %w", err)
	}
	return r, nil
}

// CustomerIDsAfter is a page of customer ids after after, in order.
func (t *Tx) CustomerIDsAfter(ctx context.Context, after string, limit int) ([]string, error) {
	return t.queryStrings(ctx, "customers", `SELECT id FROM customers WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
}
