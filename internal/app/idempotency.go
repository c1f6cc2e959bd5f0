package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"cobro/internal/auth"
	"cobro/internal/store"
)

// Idem identifies a request that changes money: the client's
// Idempotency-Key and a hash of what was asked (method, path and body), so
// a retry can be told from a different request reusing the key.
type Idem struct {
	Key  string
	Hash string
}

// HashRequest hashes the parts of a request that make it what it is.
func HashRequest(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		var n [8]byte
		for i, l := 0, len(p); i < 8; i, l = i+1, l>>8 {
			n[i] = byte(l)
		}
		h.Write(n[:])
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Errors of idempotency.
var (
	ErrKeyRequired = errors.New("an Idempotency-Key is required for a request that changes money")
	ErrKeyReused   = errors.New("this Idempotency-Key was used for a different request")
	ErrKeyRunning  = errors.New("a request with this Idempotency-Key is still running")
)

// Replay is the stored answer to a request already done under the same key.
type Replay struct {
	Status int
	Body   []byte
}

// staleClaim is how long a claimed key may stay running before another
// request may take it over: its server must have died (work and answer
// commit together, so nothing of it was recorded). A request that changes
// money takes milliseconds; until then a retry is told 409 "still running".
const staleClaim = 15 * time.Second

// KeyRetention is how long idempotency keys are kept.
const KeyRetention = 35 * 24 * time.Hour

// keyMaxLen bounds a key's length.
const keyMaxLen = 255

// idempotent runs work under idem. work runs inside the write transaction
// and returns the answer, which is stored with status in the same
// transaction. A key seen before returns its replay (or an error when the
// request differs or is still running). On an error from work the claim is
// released, so that a corrected retry can run.
func (a *App) idempotent(ctx context.Context, actor auth.Actor, idem Idem, status int,
	work func(tx *store.Tx) (any, error)) (*Replay, error) {
	if idem.Key == "" {
		return nil, ErrKeyRequired
	}
	if len(idem.Key) > keyMaxLen {
		return nil, ruleInvalid("idempotency_key_too_long", "Idempotency-Key", "the key is longer than 255 characters")
	}
	claim, err := a.db.ClaimKey(ctx, actor.Name, idem.Key, idem.Hash, a.now(), staleClaim)
	if err != nil {
		return nil, err
	}
	switch claim.State {
	case store.IdemMismatch:
		return nil, ErrKeyReused
	case store.IdemRunning:
		return nil, ErrKeyRunning
	case store.IdemDone:
		return &Replay{Status: claim.StatusCode, Body: []byte(claim.Response)}, nil
	}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		out, err := work(tx)
		if err != nil {
			return err
		}
		body, err := json.Marshal(out)
		if err != nil {
			return err
		}
		return tx.FinishKey(ctx, actor.Name, idem.Key, status, string(body), a.now())
	})
	if err != nil {
		// A fresh context: the request's may be what failed.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if rerr := a.db.ReleaseKey(rctx, actor.Name, idem.Key); rerr != nil {
			a.log.Error("release idempotency key", "err", rerr)
		}
		return nil, err
	}
	return nil, nil
}
