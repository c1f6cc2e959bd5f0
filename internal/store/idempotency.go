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
	IdemDone                      // done before: replay Outcome and Response
	IdemMismatch                  // used before with another request
)

// IdemResult is the outcome of a claim.
type IdemResult struct {
	State    IdemState
	Outcome  string // what the use case stored: "created" or "ok"
	Response string
}

// ClaimKey claims an idempotency key for a request (by its hash) in the
// transaction of the request's work: the key row is inserted there, so the
// work and the claim commit or roll back together, and a claim can never
// outlive its work or be taken over. A concurrent request with the same key
// waits on the row (PostgreSQL's unique index; SQLite's single writer)
// until the first commits, and then finds it done; if the first rolls
// back, the second claims it. Call it first in the transaction.
func (t *Tx) ClaimKey(ctx context.Context, actor, key, hash string, now time.Time) (IdemResult, error) {
	res, err := t.exec(ctx, `INSERT INTO idempotency_keys (actor, idem_key, request_hash, state, created_at, updated_at)
		VALUES ($1, $2, $3, 'running', $4, $4) ON CONFLICT (actor, idem_key) DO NOTHING`, actor, key, hash, Stamp(now))
	if err != nil {
		return IdemResult{}, fmt.Errorf("store: claim key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return IdemResult{State: IdemNew}, err
	}
	var gotHash, state, outcome, response string
	err = t.queryRow(ctx, `SELECT request_hash, state, outcome, response FROM idempotency_keys
		WHERE actor = $1 AND idem_key = $2`, actor, key).Scan(&gotHash, &state, &outcome, &response)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Purged between the two statements: too old to replay.
		return IdemResult{}, fmt.Errorf("store: claim key: the key vanished while claimed")
	case err != nil:
		return IdemResult{}, fmt.Errorf("store: claim key: %w", err)
	case gotHash != hash:
		return IdemResult{State: IdemMismatch}, nil
	case state != "done":
		// Only this transaction can hold a running claim it sees.
		return IdemResult{}, fmt.Errorf("store: claim key: found a running claim committed by another transaction")
	}
	return IdemResult{State: IdemDone, Outcome: outcome, Response: response}, nil
}

// FinishKey stores the answer of a key claimed in this transaction, so the
// work and its replayable answer commit together. It fails unless the
// claim is this transaction's.
func (t *Tx) FinishKey(ctx context.Context, actor, key, outcome, response string, now time.Time) error {
	res, err := t.exec(ctx, `UPDATE idempotency_keys SET state = 'done', outcome = $3, response = $4, updated_at = $5
		WHERE actor = $1 AND idem_key = $2 AND state = 'running'`, actor, key, outcome, response, Stamp(now))
	if err != nil {
		return fmt.Errorf("store: finish key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("store: finish key %q: no running claim in this transaction (%d rows, %v)", key, n, err)
	}
	return nil
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
