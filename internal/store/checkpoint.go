package store

import (
	"database/sql"
	"sync"
	"time"
)

// SQLite only. A commit in WAL mode appends the transaction's pages to the
// WAL; a checkpoint copies them into the database file. Left to SQLite,
// the commit that crosses the WAL's size threshold runs the checkpoint
// itself, while every other writer waits: a tenth of a large import's
// time (and a collection's latency, when it is the unlucky commit). The
// checkpointer does it instead, every checkpointEvery, from a connection
// of its own, on another core; a page written by many commits in between
// is copied once. SQLite's own checkpoint stays as a safety net at a large
// threshold (see the writer's wal_autocheckpoint), should this one fall
// behind. Checkpoints do not touch durability: each commit is on disk in
// the WAL before it is acknowledged (synchronous=FULL).
const checkpointEvery = 100 * time.Millisecond

type checkpointer struct {
	conn *sql.DB
	stop chan struct{}
	done sync.WaitGroup
}

func startCheckpointer(path string) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", path+"?_busy_timeout=10000")
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	c := &checkpointer{conn: conn, stop: make(chan struct{})}
	c.done.Go(func() {
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				// PASSIVE: copies what no reader still needs, waits for
				// nobody. An error (the file busy, gone) is for the next tick.
				_, _ = conn.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
			}
		}
	})
	return c, nil
}

func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	close(c.stop)
	c.done.Wait()
	return c.conn.Close()
}
