package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps one prepared statement per query text for a pool. On
// SQLite, parsing and planning a query costs about as much as running it
// (a fifth of a page's CPU before this cache); PostgreSQL's driver (pgx)
// already caches prepared statements per connection, so there the cache is
// off.
//
// A statement missing from the cache is prepared in the background, never
// by the caller: the caller may hold a connection of the same pool (SQLite
// writes have one), and preparing on the pool would then wait for a
// connection that only the caller can give back. Until it is ready the
// query runs unprepared, as it did before.
type stmtCache struct {
	pool *sql.DB
	mu   sync.Mutex
	m    map[string]*sql.Stmt // nil value: being prepared
	busy sync.WaitGroup       // background preparations, waited for by close
}

// stmtCacheMax bounds the statements kept: queries built with a variable
// number of placeholders (IN lists of ids) make texts without end, and the
// ones past the bound simply run unprepared.
const stmtCacheMax = 512

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}}
}

// get returns the prepared statement of q, or nil when there is none yet.
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	if c.m == nil { // closed
		c.mu.Unlock()
		return nil
	}
	s, ok := c.m[q]
	if !ok && len(c.m) < stmtCacheMax {
		c.m[q] = nil
		c.busy.Go(func() { c.prepare(q) })
	}
	c.mu.Unlock()
	return s
}

func (c *stmtCache) prepare(q string) {
	s, err := c.pool.PrepareContext(context.Background(), q)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		// A query that does not prepare fails for its caller too, with
		// the error in context; leave it unprepared for good.
		return
	}
	if c.m == nil { // closed meanwhile
		s.Close()
		return
	}
	c.m[q] = s
}

// close closes every statement, after the preparations under way; get
// then returns nil.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	for _, s := range c.m {
		if s != nil {
			s.Close()
		}
	}
	c.m = nil
	c.mu.Unlock()
	c.busy.Wait()
}
