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
