package cli

import (
	"context"
	"errors"
	"os"
	"strings"

	"cobro/internal/store"
)

// sqliteFile is the file of a sqlite: DSN, or "" for another database.
func sqliteFile(dsn string) string {
	path, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok {
		return ""
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path
}

// noteNew records that the SQLite file of dsn does not exist yet: the
// command about to open it creates it.
func (e *env) noteNew(dsn string) {
	if path := sqliteFile(dsn); path != "" {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			e.created = append(e.created, dsn)
		}
	}
}

// dropCreated removes the SQLite files a failed command created, so that
// a mistyped command leaves no empty cobro.db behind; a file into which
// the command wrote anything before failing (an import that rejected a
// row) is kept. Called once the command has closed the database.
func (e *env) dropCreated(ctx context.Context) {
	for _, dsn := range e.created {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			continue
		}
		holds, err := db.HoldsData(ctx)
		db.Close()
		if err != nil || holds {
			continue
		}
		path := sqliteFile(dsn)
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(path + suffix)
		}
	}
	e.created = nil
}
