package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// openSQLite opens a migrated SQLite database at path (dbtest cannot serve
// this package's own tests).
func openSQLite(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// The cache is SQLite's only (pgx caches statements itself), so this test
// runs on SQLite alone.
func TestStmtCache(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t, filepath.Join(t.TempDir(), "c.db"))
	const q = `SELECT count(*) FROM customers WHERE id > $1`
	count := func(tx *Tx) (n int) {
		if err := tx.queryRow(ctx, q, "").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The write pool has one connection and this transaction holds it: the
	// statement must be prepared in the background once it is free, not
	// wait for it here (which would never end).
	done := make(chan error, 1)
	go func() {
		done <- db.Write(ctx, func(tx *Tx) error {
			if n := count(tx); n != 0 {
				return fmt.Errorf("count %d", n)
			}
			_, err := tx.exec(ctx, `INSERT INTO agents (code, created_at) VALUES ($1, $2)`, "A1", "2026-11-30T00:00:00Z")
			return err
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a write transaction using an uncached statement did not finish: the cache waits for the connection it holds")
	}
	deadline := time.Now().Add(10 * time.Second)
	for db.writeStmts.get(q) == nil {
		if time.Now().After(deadline) {
			t.Fatal("the statement was never prepared")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The prepared statement answers like the plain query, also after the
	// data changed, in a read and a write transaction.
	err := db.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO customers (id, name, search_key, tax_id, email, phone, language, agent, segment, zone, route,
			credit_limit_minor, currency, created_at, updated_at) VALUES ('C1','n','n','','','','es','A1','','','',NULL,'EUR','x','x')`)
		if err != nil {
			return err
		}
		if n := count(tx); n != 1 {
			t.Errorf("write tx: count %d, want 1", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ { // the first read prepares, the later ones use it
		_ = db.Read(ctx, func(tx *Tx) error {
			if n := count(tx); n != 1 {
				t.Errorf("read %d: count %d, want 1", i, n)
			}
			return nil
		})
		time.Sleep(20 * time.Millisecond)
	}
	// Texts past the bound run unprepared and are not kept.
	for i := 0; i < stmtCacheMax+50; i++ {
		db.readStmts.get(fmt.Sprintf("SELECT %d", i))
	}
	db.readStmts.mu.Lock()
	kept := len(db.readStmts.m)
	db.readStmts.mu.Unlock()
	if kept > stmtCacheMax {
		t.Errorf("cache holds %d statements, bound %d", kept, stmtCacheMax)
	}
}

// TestCheckpointer: the WAL is copied into the database file in the
// background, with no commit crossing SQLite's own (large) threshold.
func TestCheckpointer(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	db := openSQLite(t, path)
	size := func() int64 {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	before := size()
	err := db.Write(ctx, func(tx *Tx) error {
		for i := range 2000 {
			if _, err := tx.exec(ctx, `INSERT INTO agents (code, created_at) VALUES ($1, $2)`, fmt.Sprintf("AGENT-%06d", i), "2026-11-30T00:00:00Z"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * checkpointEvery)
	for size() <= before {
		if time.Now().After(deadline) {
			t.Fatalf("the database file stayed at %d bytes: nothing was checkpointed", before)
		}
		time.Sleep(checkpointEvery / 5)
	}
	// Once the database is idle, a WAL past its bound is cut back.
	walSize := func() int64 {
		st, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	if walSize() == 0 {
		t.Fatal("no WAL to cut")
	}
	db.ckpt.truncateAt.Store(1)
	for walSize() > 0 {
		if time.Now().After(deadline.Add(10 * checkpointEvery)) {
			t.Fatalf("the WAL of an idle database stayed at %d bytes", walSize())
		}
		time.Sleep(checkpointEvery / 5)
	}
}

// TestCheckpointerNeverHoldsUpWrites: while a long read holds the WAL, the
// checkpointer's attempts to cut it back give up at once instead of
// holding the write lock until the read ends.
func TestCheckpointerNeverHoldsUpWrites(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t, filepath.Join(t.TempDir(), "c.db"))
	db.ckpt.truncateAt.Store(1) // any WAL is worth cutting
	insert := func(code string) error {
		return db.Write(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `INSERT INTO agents (code, created_at) VALUES ($1, $2)`, code, "2026-11-30T00:00:00Z")
			return err
		})
	}
	if err := insert("A0"); err != nil {
		t.Fatal(err)
	}
	reading := make(chan struct{})
	readDone := make(chan error, 1)
	go func() {
		readDone <- db.Read(ctx, func(tx *Tx) error {
			var n int
			if err := tx.queryRow(ctx, `SELECT count(*) FROM agents`).Scan(&n); err != nil {
				return err
			}
			close(reading)
			time.Sleep(20 * checkpointEvery) // a long report
			return nil
		})
	}()
	<-reading
	time.Sleep(4 * checkpointEvery) // the database is idle: the checkpointer tries to cut the WAL
	for i := range 5 {
		start := time.Now()
		if err := insert(fmt.Sprintf("B%d", i)); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 5*checkpointEvery {
			t.Fatalf("a one-row write took %s behind a long read", took)
		}
		time.Sleep(2 * checkpointEvery)
	}
	if err := <-readDone; err != nil {
		t.Fatal(err)
	}
}
