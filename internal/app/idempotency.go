package app

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
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
)

// Outcome is what a change did, in words the faces turn into their own
// (the API into a status code).
type Outcome string

const (
	OutcomeCreated Outcome = "created" // something new was recorded
	OutcomeOK      Outcome = "ok"      // something that existed changed (or already had)
)

// Replay is the stored answer to a request already done under the same key.
type Replay struct {
	Outcome Outcome
	Body    []byte
}

// KeyRetention is how long idempotency keys are kept.
const KeyRetention = 35 * 24 * time.Hour

// keyMaxLen bounds a key's length.
const keyMaxLen = 255
