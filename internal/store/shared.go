package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// Group commit. On SQLite every write goes through one connection, and a
// commit (with its fsync) costs about as much as the rest of a small change:
// concurrent changes wait for each other's commits. WriteShared lets the
// changes that arrive together share one transaction and one commit, each
// inside a savepoint of its own, so a change that fails rolls back only its
// own work and nobody else hears of it. Nothing is acknowledged before the
// shared commit: durability is the same as one transaction per change.

// maxShared bounds the changes of one shared transaction, so a burst still
// commits (and answers) in small steps.
const maxShared = 32

type sharedWrite struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error
}

// groupCommit is the one goroutine that runs the shared transactions of a
// SQLite database, started with the first WriteShared.
type groupCommit struct {
	once sync.Once
	in   chan *sharedWrite
	stop chan struct{}
	wg   sync.WaitGroup
}

// WriteShared runs fn in a write transaction, as Write does, except that on
// SQLite the transaction may be shared with other WriteShared calls made at
// the same time (on PostgreSQL, where writers run in parallel and commits
// already merge, it is Write). fn runs inside a savepoint: its error rolls
// back its own statements only and is returned to this caller alone. fn
// must not call Write or WriteShared; a panic in fn is an error, and
// fails the whole shared transaction. A change that has started runs to its
// end even if ctx is cancelled meanwhile (its caller may retry it under its
// idempotency key); one still queued when ctx ends does not run.
func (db *DB) WriteShared(ctx context.Context, fn func(*Tx) error) error {
	if db.group == nil {
		return db.Write(ctx, func(tx *Tx) error {
			err, _ := runChange(fn, tx)
			return err
		})
	}
	g := db.group
	g.once.Do(func() {
		g.wg.Add(1)
		go db.commitGroups()
	})
	w := &sharedWrite{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case g.in <- w:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.stop:
		return fmt.Errorf("store: %w", sql.ErrConnDone)
	}
	return <-w.done
}

func (db *DB) commitGroups() {
	g := db.group
	defer g.wg.Done()
	for {
		var batch []*sharedWrite
		select {
		case w := <-g.in:
			batch = append(batch, w)
		case <-g.stop:
			return
		}
	fill:
		for len(batch) < maxShared {
			select {
			case w := <-g.in:
				batch = append(batch, w)
			default:
				break fill
			}
		}
		db.runShared(batch)
	}
}

// runShared runs one shared transaction, trying the whole batch again
// when the database asks for it (another process holding the file).
func (db *DB) runShared(batch []*sharedWrite) {
	var errs []error
	var err error
	for i := 0; i < 8; i++ {
		errs, err = db.sharedOnce(batch)
		if err == nil || !db.dialect.retryable(err) {
			break
		}
		time.Sleep(time.Duration(i+1) * 5 * time.Millisecond)
	}
	for i, w := range batch {
		if err != nil {
			w.done <- db.unavailable(outOfBounds(err))
			continue
		}
		w.done <- db.unavailable(outOfBounds(errs[i]))
	}
}

// sharedOnce runs batch in one transaction: each change in a savepoint,
// released when it succeeds and rolled back to when it fails. errs are the
// changes' own errors; err fails them all (nothing was committed).
func (db *DB) sharedOnce(batch []*sharedWrite) (errs []error, err error) {
	ctx := context.Background()
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	defer conn.Close()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	tx := &Tx{tx: sqlTx, conn: conn, d: db.dialect, cache: db.writeStmts, detached: true}
	errs = make([]error, len(batch))
	for i, w := range batch {
		if err := w.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := sqlTx.ExecContext(ctx, `SAVEPOINT shared`); err != nil {
			return nil, fmt.Errorf("store: savepoint: %w", err)
		}
		var panicked bool
		if errs[i], panicked = runChange(w.fn, tx); errs[i] != nil {
			if panicked || db.dialect.retryable(errs[i]) {
				// A panic leaves the transaction in no known state: the
				// whole batch rolls back and fails.
				return nil, errs[i]
			}
			if _, err := sqlTx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT shared`); err != nil {
				return nil, fmt.Errorf("store: rollback to savepoint: %w", err)
			}
		}
		if _, err := sqlTx.ExecContext(ctx, `RELEASE SAVEPOINT shared`); err != nil {
			return nil, fmt.Errorf("store: release savepoint: %w", err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return nil, fmt.Errorf("store: commit: %w", err)
	}
	return errs, nil
}

// runChange runs fn, turning a panic into an error.
func runChange(fn func(*Tx) error, tx *Tx) (err error, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			err, panicked = fmt.Errorf("store: a change panicked: %v", r), true
		}
	}()
	return fn(tx), false
}

// closeGroup stops the group commit goroutine after the batch it runs.
func (g *groupCommit) close() {
	if g == nil {
		return
	}
	close(g.stop)
	g.wg.Wait()
}
