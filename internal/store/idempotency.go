package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// IdemState is what a claim on an idempotency key found.
type IdemState int

const (
	IdemNew      IdemState = iota // the key is ours: do the work
	IdemRunning                   // another request with the key is still running
	IdemDone                      // done before: replay Response
	IdemMismatch                  // used before with another request
)

// IdemResult is the outcome of a claim.
type IdemResult struct {
	State      IdemState
	StatusCode int
	Response   string
}

// ClaimKey claims an idempotency key for a request (by its hash) in its own
// short transaction, so that a second request with the same key sees it
// running. A claim left running by a crashed server for longer than stale
// is taken over: its work never committed (the work and FinishKey share one
// transaction).
func (db *DB) ClaimKey(ctx context.Context, actor, key, hash string, now time.Time, stale time.Duration) (IdemResult, error) {
	var res IdemResult
	err := db.Write(ctx, func(t *Tx) error {
		var gotHash, state, response, updated string
		var code int
		err := t.queryRow(ctx, `SELECT request_hash, state, status_code, response, updated_at FROM idempotency_keys
			WHERE actor = $1 AND idem_key = $2`, actor, key).Scan(&gotHash, &state, &code, &response, &updated)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = t.exec(ctx, `INSERT INTO idempotency_keys (actor, idem_key, request_hash, state, created_at, updated_at)
				VALUES ($1, $2, $3, 'running', $4, $4)`, actor, key, hash, Stamp(now))
			if err != nil {
				return fmt.Errorf("store: claim key: %w", err)
			}
			res = IdemResult{State: IdemNew}
			return nil
		case err != nil:
			return fmt.Errorf("store: claim key: %w", err)
		}
		if gotHash != hash {
			res = IdemResult{State: IdemMismatch}
			return nil
		}
		if state == "done" {
			res = IdemResult{State: IdemDone, StatusCode: code, Response: response}
			return nil
		}
		if at, _ := ParseStamp(updated); now.Sub(at) < stale {
			res = IdemResult{State: IdemRunning}
			return nil
		}
		_, err = t.exec(ctx, `UPDATE idempotency_keys SET updated_at = $3 WHERE actor = $1 AND idem_key = $2`, actor, key, Stamp(now))
		res = IdemResult{State: IdemNew}
		return err
	})
	if err != nil && db.dialect.uniqueViolation(err) {
		// Two first claims raced; the other won and is running.
		return IdemResult{State: IdemRunning}, nil
	}
	return res, err
}

// FinishKey stores the response of a claimed key, in the transaction that
// did the work, so the work and its replayable answer commit together.
func (t *Tx) FinishKey(ctx context.Context, actor, key string, status int, response string, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE idempotency_keys SET state = 'done', status_code = $3, response = $4, updated_at = $5
		WHERE actor = $1 AND idem_key = $2`, actor, key, status, response, Stamp(now))
	if err != nil {
		return fmt.Errorf("store: finish key: %w", err)
	}
	return nil
}

// FinishKey stores a response outside a work transaction (a request that
// failed its checks, whose answer is replayed as it was).
func (db *DB) FinishKey(ctx context.Context, actor, key string, status int, response string, now time.Time) error {
	return db.Write(ctx, func(t *Tx) error { return t.FinishKey(ctx, actor, key, status, response, now) })
}

// ReleaseKey forgets a running claim whose request failed for a reason a
// retry may not meet (the database was unavailable), so the retry can run.
func (db *DB) ReleaseKey(ctx context.Context, actor, key string) error {
	return db.Write(ctx, func(t *Tx) error {
		_, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE actor = $1 AND idem_key = $2 AND state = 'running'`, actor, key)
		return err
	})
}

// PurgeKeys forgets keys older than before. Keys are kept at least 30 days.
func (db *DB) PurgeKeys(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.Write(ctx, func(t *Tx) error {
		res, err := t.exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1 AND state = 'done'`, Stamp(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
