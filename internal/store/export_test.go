package store

import (
	"context"

	"cobro/internal/civil"
)

// MigrateDownTo undoes migrations down to version v, for tests of the
// migrations that transform data.
func (db *DB) MigrateDownTo(ctx context.Context, v int64) error {
	p, err := db.migrations()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, v)
	return err
}

// RawExec runs a statement outside the store's methods, to set up the
// rows an older version left.
func (db *DB) RawExec(ctx context.Context, q string, args ...any) error {
	_, err := db.write.ExecContext(ctx, q, args...)
	return err
}

// DocumentRules returns the status and aging bucket the store's SQL
// (rules.go) gives every document on day today, and whether it counts in
// the overdue figure, keyed by document id.
func (db *DB) DocumentRules(ctx context.Context, today civil.Date) (map[string][3]string, error) {
	out := map[string][3]string{}
	err := db.Read(ctx, func(tx *Tx) error {
		var p params
		q := `SELECT d.id, ` + statusSQL("d", today, &p) + `, ` + bucketSQL("d", today, &p) + `,
			CASE WHEN ` + pastDueSQL("d", today, &p) + ` THEN 'past_due' ELSE '' END FROM documents d`
		rows, err := tx.query(ctx, q, p.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var r [3]string
			if err := rows.Scan(&id, &r[0], &r[1], &r[2]); err != nil {
				return err
			}
			out[id] = r
		}
		return rows.Err()
	})
	return out, err
}

// OverLimitIDs returns the customers the store's SQL finds over their
// credit limit.
func (db *DB) OverLimitIDs(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	err := db.Read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT c.id FROM customers c WHERE `+overLimitSQL("c"))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out[id] = true
		}
		return rows.Err()
	})
	return out, err
}

// BoundsFrozen are the bounds migration 10 wrote into the schema.
var BoundsFrozen = [2]int64{migratedMaxMinor, migratedMaxTotal}

// RawWrite runs a statement in a write transaction, so that its error is
// classified as the store's own writes are.
func (db *DB) RawWrite(ctx context.Context, q string, args ...any) error {
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, q, args...)
		return err
	})
}

// SlowRead runs a read that takes many seconds unless it is stopped.
func (db *DB) SlowRead(ctx context.Context) error {
	return db.Read(ctx, func(tx *Tx) error {
		var n int64
		return tx.queryRow(ctx, `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000000000)
			SELECT COUNT(*) FROM c`).Scan(&n)
	})
}

// RawStrings runs a query of one text column.
func (db *DB) RawStrings(ctx context.Context, q string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
