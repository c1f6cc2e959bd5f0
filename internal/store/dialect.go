package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is what differs between SQLite and PostgreSQL in opening,
// locking, retrying and naming errors. The statements are shared; the few
// fast paths that are not branch on name() where they are (see the
// package comment).
type dialect interface {
	name() string
	open(dsn string) (read, write *sql.DB, err error)
	goose() goose.Dialect
	// retryable reports whether a failed transaction may simply run again.
	retryable(err error) bool
	// uniqueViolation reports whether err is a UNIQUE constraint failure.
	uniqueViolation(err error) bool
	// outOfRange reports whether err is an integer out of its column's
	// range (PostgreSQL; SQLite turns such a result into a float).
	outOfRange(err error) bool
	// unavailable reports whether err is a failure of the storage, not
	// of the statement: a full disk, a read-only database, an I/O error,
	// a lost connection (see ErrUnavailable).
	unavailable(err error) bool
	// forUpdate locks the selected rows until the transaction ends.
	// SQLite has one writer at a time, so it needs no row locks.
	forUpdate() string
	// holdDay is the statement that holds the company's day for the
	// transaction: shared by every change that computes figures for it,
	// exclusive for the calendar refresh and the company's settings. On
	// PostgreSQL a transaction-scoped advisory lock: many changes sharing
	// a row lock (FOR SHARE) on the company row would make the server
	// create a multixact for it at every change. SQLite's single writer
	// needs none ("").
	holdDay(exclusive bool) string
	// skipLocked locks the selected rows, passing over rows another
	// transaction holds (claiming jobs: each runner takes different ones).
	// SQLite's single writer needs no lock to skip.
	skipLocked() string
	redact(dsn string) string
}

func dialectFor(dsn string) (dialect, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		return sqliteDialect{}, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgresDialect{}, nil
	}
	return nil, fmt.Errorf("store: unknown database %q: use sqlite:PATH or a postgres:// URL", dsn)
}

type sqliteDialect struct{}

func (sqliteDialect) name() string         { return "sqlite" }
func (sqliteDialect) goose() goose.Dialect { return goose.DialectSQLite3 }
func (sqliteDialect) forUpdate() string    { return "" }
func (sqliteDialect) holdDay(bool) string  { return "" }
func (sqliteDialect) skipLocked() string   { return "" }
func (sqliteDialect) redact(dsn string) string {
	return dsn
}

// sqlitePath is the file of a sqlite: DSN.
func sqlitePath(dsn string) string {
	path := strings.TrimPrefix(dsn, "sqlite:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path
}

// open opens the file twice: a single write connection in WAL mode with
// synchronous=FULL (a collection acknowledged is on disk, even across a
// power loss) and BEGIN IMMEDIATE, and a pool of read-only connections that
// read alongside the writer thanks to WAL.
func (sqliteDialect) open(dsn string) (*sql.DB, *sql.DB, error) {
	path := sqlitePath(dsn)
	if path == "" {
		return nil, nil, errors.New("empty path")
	}
	base := path + "?_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=1&_synchronous=FULL"
	// The writer keeps 64 MiB of pages (SQLite's default is 2 MiB): with a
	// million documents their indexes no longer fit in 2 MiB, and an
	// import ran 1.4x faster with it (83 s to 59 s; the plain load too).
	// Checkpoints are the checkpointer's (checkpoint.go); SQLite's own, at
	// 20,000 pages (80 MiB of WAL), only if it falls behind, as it does
	// under a long stream of writes (the WAL can only start over between
	// two commits).
	write, err := sql.Open("sqlite", base+"&_txlock=immediate&_pragma=cache_size(-65536)&_pragma=wal_autocheckpoint(20000)")
	if err != nil {
		return nil, nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	// The writer creates the file and switches it to WAL before any reader
	// opens it.
	if err := write.Ping(); err != nil {
		write.Close()
		return nil, nil, err
	}
	read, err := sql.Open("sqlite", base+"&_query_only=1")
	if err != nil {
		write.Close()
		return nil, nil, err
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	return read, write, nil
}

func (sqliteDialect) retryable(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	return false
}

func (sqliteDialect) uniqueViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

func (sqliteDialect) outOfRange(error) bool { return false }

// unavailable: the disk is full, the file (or its mount) is read-only,
// an I/O error, the file cannot be opened.
func (sqliteDialect) unavailable(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
			return true
		}
	}
	return false
}

type postgresDialect struct{}

func (postgresDialect) name() string         { return "postgres" }
func (postgresDialect) goose() goose.Dialect { return goose.DialectPostgres }
func (postgresDialect) forUpdate() string    { return " FOR UPDATE" }

// dayLock is the advisory lock key of the company's day ("cobroday").
const dayLock = 0x636f62726f646179

func (postgresDialect) holdDay(exclusive bool) string {
	if exclusive {
		return fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", dayLock)
	}
	return fmt.Sprintf("SELECT pg_advisory_xact_lock_shared(%d)", dayLock)
}
func (postgresDialect) skipLocked() string { return " FOR UPDATE SKIP LOCKED" }

func (postgresDialect) redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://(unparseable)"
	}
	return u.Redacted()
}

// open uses one pool for reads and writes. synchronous_commit stays on
// (the server's default is enforced per session), so a commit returns only
// once the WAL is flushed.
func (postgresDialect) open(dsn string) (*sql.DB, *sql.DB, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, nil, err
	}
	q := u.Query()
	q.Set("synchronous_commit", "on")
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(16)
	return db, db, nil
}

func (postgresDialect) retryable(err error) bool {
	var pe *pgconn.PgError
	// serialization_failure, deadlock_detected
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// unavailable: SQLSTATE class 08 (connection exception), 53 (insufficient
// resources: disk full, out of memory, too many connections), 25006
// (read-only transaction: default_transaction_read_only, a hot standby),
// 57P01–57P03 (the server shutting down or starting), 58030 (I/O error);
// and a connection that could not be made or broke.
func (postgresDialect) unavailable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"):
			return true
		}
		switch pe.Code {
		case "25006", "57P01", "57P02", "57P03", "58030":
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.Is(err, driver.ErrBadConn) || (errors.As(err, &ne) && !ne.Timeout())
}

func (postgresDialect) uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func (postgresDialect) outOfRange(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "22003" // numeric_value_out_of_range
}

// copyNew streams n new rows into table with PostgreSQL's COPY on the
// transaction's own connection: the fastest way in (whole pages at a
// time), but it cannot skip a row that exists. The caller COPYs only rows
// it found missing; should another writer insert one of them meanwhile,
// the COPY is undone (a savepoint) and copyNew reports false, leaving the
// transaction as it was, for the caller to insert them the slower way.
func (t *Tx) copyNew(ctx context.Context, table string, cols []string, n int, row func(i int) []any) (bool, error) {
	if n == 0 {
		return true, nil
	}
	if t.conn == nil {
		return false, errors.New("store: COPY outside a write transaction")
	}
	if _, err := t.tx.ExecContext(ctx, `SAVEPOINT copy_new`); err != nil {
		return false, err
	}
	err := t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: COPY needs a pgx connection, not %T", dc)
		}
		i := 0
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			i++
			return row(i - 1), nil
		}))
		return err
	})
	if err != nil {
		if !t.d.uniqueViolation(err) {
			return false, fmt.Errorf("store: copy into %s: %w", table, err)
		}
		if _, err := t.tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT copy_new`); err != nil {
			return false, err
		}
		return false, nil
	}
	_, err = t.tx.ExecContext(ctx, `RELEASE SAVEPOINT copy_new`)
	return err == nil, err
}
