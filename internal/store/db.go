// Package store holds all of cobro's SQL. It runs on SQLite (embedded,
// pure Go) and PostgreSQL with one set of portable statements. What
// differs in opening, locking, retrying and naming errors is the dialect
// (dialect.go); where a fast path differs — bulk inserts (COPY and unnest
// on PostgreSQL, prepared per-row statements on SQLite), long id lists,
// statement caching, read-only snapshots — the code branches on
// t.d.name() beside the statement it speeds up, so that a search for
// "d.name()" finds every one. Writes go through DB.Write, which runs a
// function in a transaction and retries it when the database asks.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers "sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a row asked for by id does not exist.
var ErrNotFound = errors.New("not found")

// DB is a cobro database. It keeps no state of its own beyond connection
// pools, so several servers can share one PostgreSQL.
type DB struct {
	dialect dialect
	read    *sql.DB // reads; on SQLite a pool of read-only connections
	write   *sql.DB // writes; on SQLite one connection, so writers queue in Go, not on SQLITE_BUSY
	dsn     string
	// Prepared statements of each pool, on SQLite only (see stmtCache).
	readStmts, writeStmts *stmtCache
	ckpt                  *checkpointer // SQLite only
	group                 *groupCommit  // SQLite only: WriteShared's transactions
}

// Open connects to dsn: "sqlite:PATH" or a "postgres://" URL. It does not
// migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	d, err := dialectFor(dsn)
	if err != nil {
		return nil, err
	}
	db := &DB{dialect: d, dsn: dsn}
	read, write, err := d.open(dsn)
	if err != nil {
		return nil, db.unavailable(fmt.Errorf("store: open %s: %w", d.redact(dsn), err))
	}
	db.read, db.write = read, write
	if err := read.PingContext(ctx); err != nil {
		db.Close()
		return nil, db.unavailable(fmt.Errorf("store: connect to %s: %w", d.redact(dsn), err))
	}
	if d.name() == "sqlite" {
		db.readStmts, db.writeStmts = newStmtCache(read), newStmtCache(write)
		db.group = &groupCommit{in: make(chan *sharedWrite), stop: make(chan struct{})}
		if db.ckpt, err = startCheckpointer(sqlitePath(dsn)); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: open %s: %w", d.redact(dsn), err)
		}
	}
	return db, nil
}

// Close closes the pools.
func (db *DB) Close() error {
	db.group.close()
	db.readStmts.close()
	db.writeStmts.close()
	err := errors.Join(db.ckpt.close(), db.read.Close())
	if db.write != db.read {
		err = errors.Join(err, db.write.Close())
	}
	return err
}

// Kind is "sqlite" or "postgres".
func (db *DB) Kind() string { return db.dialect.name() }

// Redacted is the DSN without its password, for logs.
func (db *DB) Redacted() string { return db.dialect.redact(db.dsn) }

// Migrate brings the schema up to date, one transaction per migration.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.migrations()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// migrations are the SQL files, and the Go migrations that compute what
// SQL cannot (folded search terms) or that differ between the databases
// (the bounds of every figure, bounds.go).
func (db *DB) migrations() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	search := goose.NewGoMigration(6, &goose.GoFunc{RunTx: migrateSearch(db.dialect.name() == "postgres")},
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `DROP TABLE customer_terms`)
			return err
		}})
	pg := db.dialect.name() == "postgres"
	bounds := goose.NewGoMigration(10, &goose.GoFunc{RunTx: migrateBounds(pg)}, &goose.GoFunc{RunTx: unmigrateBounds(pg)})
	p, err := goose.NewProvider(db.dialect.goose(), db.write, sub, goose.WithGoMigrations(search, bounds))
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// Tx is a write transaction. Its methods are the only way cobro changes
// data; DB.Write hands one out.
type Tx struct {
	tx    *sql.Tx
	conn  *sql.Conn // the write transaction's connection, for the driver's bulk paths (COPY)
	d     dialect
	stmts map[string]*sql.Stmt // prepared in this transaction; closed with it
	cache *stmtCache           // the pool's prepared statements, if any
	// detached: a shared transaction (WriteShared), whose statements run
	// to their end whatever becomes of the context of the change that
	// makes them: on SQLite an interrupted write rolls back the whole
	// transaction, everyone's changes with it.
	detached bool
	// locked are the customers whose rows this transaction has locked
	// (PostgreSQL), so the change envelope locks only the others.
	locked map[string]bool
}

// prepared returns q prepared once for the transaction: the pool's
// statement when it has one (preparing on SQLite costs about what running
// a small write does), else one prepared for this transaction.
func (t *Tx) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	ctx = t.ctxOf(ctx)
	if s := t.cached(ctx, q); s != nil {
		return s, nil
	}
	s, err := t.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: prepare: %w", err)
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = s
	return s, nil
}

// Write runs fn in a write transaction and commits it; a returned error
// rolls it back. When the database reports a serialisation failure or a
// deadlock, fn runs again from the start (so fn must not keep state
// outside the transaction between runs).
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	const attempts = 8
	var err error
	for i := 0; i < attempts; i++ {
		err = db.writeOnce(ctx, fn)
		if err == nil || !db.dialect.retryable(err) || ctx.Err() != nil {
			return db.unavailable(outOfBounds(err))
		}
		time.Sleep(time.Duration(i+1) * 5 * time.Millisecond)
	}
	return db.unavailable(err)
}

func (db *DB) writeOnce(ctx context.Context, fn func(*Tx) error) (err error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer conn.Close()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			// Roll back before the panic goes on: closing the connection
			// with its transaction open would wait for ever.
			_ = sqlTx.Rollback()
			panic(r)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err = fn(&Tx{tx: sqlTx, conn: conn, d: db.dialect, cache: db.writeStmts}); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Read runs fn in a read-only transaction: one consistent snapshot; for a
// request's context (Bounded), for at most ReadTimeout (then ErrTimeout).
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	if bounded(ctx) {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ReadTimeout)
		defer cancel()
	}
	sqlTx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: db.dialect.name() == "postgres"})
	if err != nil {
		return db.unavailable(fmt.Errorf("store: begin read: %w", timedOut(ctx, err)))
	}
	defer sqlTx.Rollback() //nolint:errcheck // read-only
	if err := db.readTimeout(ctx, sqlTx); err != nil {
		return db.unavailable(fmt.Errorf("store: begin read: %w", err))
	}
	return db.unavailable(timedOut(ctx, fn(&Tx{tx: sqlTx, d: db.dialect, cache: db.readStmts})))
}

// cached returns the transaction's handle on the pool's prepared statement
// of q (made once per transaction: a handle per call would pile up until
// the commit), or nil when the pool has none yet.
//
// One prepared statement serves every run of its query in the
// transaction, so the rows of a query must be closed before the same
// query runs again (as with Tx.prepared); the store never nests them.
func (t *Tx) cached(ctx context.Context, q string) *sql.Stmt {
	if s, ok := t.stmts[q]; ok {
		return s
	}
	s := t.cache.get(q)
	if s == nil {
		return nil
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = t.tx.StmtContext(ctx, s)
	return t.stmts[q]
}

// ctxOf is the context a statement of t runs with.
func (t *Tx) ctxOf(ctx context.Context) context.Context {
	if t.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = t.ctxOf(ctx)
	if s := t.cached(ctx, q); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx = t.ctxOf(ctx)
	if s := t.cached(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = t.ctxOf(ctx)
	if s := t.cached(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

// readRow is a single-row read outside a transaction (sessions, tokens:
// every request makes one).
func (db *DB) readRow(ctx context.Context, q string, args ...any) *sql.Row {
	if s := db.readStmts.get(q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, q, args...)
}

// placeholders returns "$start,$start+1,..." n times.
func placeholders(start, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", start+i)
	}
	return b.String()
}

// inList returns the placeholders of a long IN list whose parameters are
// the statement's only ones, numbered from 1. SQLite parses "$N" as a
// named parameter and looks each one up among the others (quadratic in a
// list of hundreds), so it gets its numbered form "?N".
func (t *Tx) inList(n int) string {
	if t.d.name() != "sqlite" {
		return placeholders(1, n)
	}
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "?%d", i)
	}
	return b.String()
}

// Stamp formats an instant the way every table stores it: UTC with
// microseconds, fixed width, so it sorts as text.
func Stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// ParseStamp reads a Stamp.
func ParseStamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse("2006-01-02T15:04:05.000000Z", s)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// RowLocks reports whether the database locks rows (PostgreSQL), rather
// than admitting one writer at a time (SQLite).
func (t *Tx) RowLocks() bool { return t.d.forUpdate() != "" }
