package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// ReadTimeout bounds every read transaction of a request (see Bounded):
// no page or API request holds the database longer. On PostgreSQL it is also the transaction's
// statement_timeout, so the server stops the statement itself; on SQLite
// the context's deadline interrupts the statement (sqlite3_interrupt).
// Readers never block the writer on either database (WAL on SQLite,
// MVCC on PostgreSQL); the bound keeps a slow one from taking a core or a
// connection for long.
const ReadTimeout = 5 * time.Second

// ErrTimeout is a read that took longer than ReadTimeout: the faces answer
// 503 with code "query_timeout", and the request may be narrowed or tried
// again.
var ErrTimeout = errors.New("the database took too long to answer; narrow the request or try again")

type boundKey struct{}

// Bounded marks ctx as a request's: the reads made with it are bounded by
// ReadTimeout. The HTTP server marks every request; batch work (cobro
// check, imports, exports page by page) reads unbounded.
func Bounded(ctx context.Context) context.Context { return context.WithValue(ctx, boundKey{}, true) }

func bounded(ctx context.Context) bool { b, _ := ctx.Value(boundKey{}).(bool); return b }

// readTimeout applies ReadTimeout to a read transaction tx on ctx.
func (db *DB) readTimeout(ctx context.Context, tx *sql.Tx) error {
	if db.dialect.name() != "postgres" || !bounded(ctx) {
		return nil
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d", ReadTimeout.Milliseconds()))
	return err
}

// timedOut maps a read that ran past its deadline to ErrTimeout.
func timedOut(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &pe) && pe.Code == "57014") {
		return fmt.Errorf("store: %w (%w)", ErrTimeout, err)
	}
	return err
}

// Optimize gathers the planners' statistics: ANALYZE on PostgreSQL;
// on SQLite a bounded ANALYZE (analysis_limit: a sample of each index,
// milliseconds on a million documents) and PRAGMA optimize. A plan chosen
// on an empty table is wrong on a full one: call it after imports (the app
// does) and periodically (the jobs runner).
func (db *DB) Optimize(ctx context.Context) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: optimize: %w", err)
	}
	defer conn.Close()
	stmts := []string{"ANALYZE"}
	if db.dialect.name() == "sqlite" {
		stmts = []string{"PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA optimize"}
	}
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: optimize: %s: %w", q, err)
		}
	}
	return nil
}
