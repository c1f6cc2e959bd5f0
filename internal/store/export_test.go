package store

import "context"

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

// BoundsFrozen are the bounds migration 9 wrote into the schema.
var BoundsFrozen = [2]int64{migratedMaxMinor, migratedMaxTotal}

// RawWrite runs a statement in a write transaction, so that its error is
// classified as the store's own writes are.
func (db *DB) RawWrite(ctx context.Context, q string, args ...any) error {
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, q, args...)
		return err
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
