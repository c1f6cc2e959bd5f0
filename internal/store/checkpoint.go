package store

import (
	"database/sql"
	"os"
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
	wal        string       // the WAL file's path
	lastFrames int          // the WAL's frames at the last tick, to tell an idle database
	truncateAt atomic.Int64 // truncateBytes; lowered by tests
}

func startCheckpointer(path string) (*checkpointer, error) {
	// No busy timeout: a checkpoint that would have to wait for a reader
	// or the writer gives up at once, and tries again at the next tick. A
	// TRUNCATE that waited would hold the write lock meanwhile, and every
	// write would wait behind a long read.
	conn, err := sql.Open("sqlite", path+"?_busy_timeout=0")
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	c := &checkpointer{conn: conn, stop: make(chan struct{}), wal: path + "-wal"}
	c.truncateAt.Store(truncateBytes)
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

// truncateBytes is the WAL file's size above which an idle database's WAL
// is cut back to nothing: a long stream of writes can grow it to SQLite's
// own threshold (80 MiB), and the file would stay that size (SQLite
// reuses it from the start without shrinking it).
const truncateBytes = 16 << 20

func (c *checkpointer) tick() {
	// PASSIVE: copies what no reader still needs, waits for nobody. An
	// error (the file busy, gone) is for the next tick.
	var busy, frames, copied int
	if err := c.conn.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return
	}
	// Idle: everything copied, nothing written since the last tick. Only
	// then TRUNCATE: cutting the file during a stream of writes would make
	// every commit grow it again (9% of a large import's time when
	// SQLite's journal_size_limit did it). It gives up rather than wait.
	idle := busy == 0 && copied == frames && frames == c.lastFrames
	c.lastFrames = frames
	if !idle {
		return
	}
	if st, err := os.Stat(c.wal); err == nil && st.Size() > c.truncateAt.Load() {
		_, _ = c.conn.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	}
}

func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	close(c.stop)
	c.done.Wait()
	return c.conn.Close()
}
