package store

import (
	"database/sql"
	"sync"
	"sync/atomic"
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
	conn       *sql.DB
	stop       chan struct{}
	done       sync.WaitGroup
	lastFrames int          // the WAL's size at the last tick, to tell an idle database
	truncateAt atomic.Int64 // truncateFrames; lowered by tests
}

func startCheckpointer(path string) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", path+"?_busy_timeout=10000")
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	c := &checkpointer{conn: conn, stop: make(chan struct{})}
	c.truncateAt.Store(truncateFrames)
	c.done.Go(func() {
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				c.tick()
			}
		}
	})
	return c, nil
}

// truncateFrames is the WAL size (in pages) above which an idle database's
// WAL file is cut back to nothing: a long stream of writes can grow it to
// SQLite's own threshold (80 MiB), and the file would stay that size.
const truncateFrames = 4096

func (c *checkpointer) tick() {
	// PASSIVE: copies what no reader still needs, waits for nobody. An
	// error (the file busy, gone) is for the next tick.
	var busy, frames, copied int
	if err := c.conn.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return
	}
	// Idle: everything copied, nothing written since the last tick. Only
	// then TRUNCATE, which waits for the writer; cutting the file during
	// a stream of writes would make every commit grow it again (9% of a
	// large import's time when SQLite's journal_size_limit did it).
	if busy == 0 && int64(frames) >= c.truncateAt.Load() && copied == frames && frames == c.lastFrames {
		_, _ = c.conn.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	c.lastFrames = frames
}

func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	close(c.stop)
	c.done.Wait()
	return c.conn.Close()
}
