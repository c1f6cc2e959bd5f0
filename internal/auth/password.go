package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id's cost parameters. Tests use cheap ones; the
// defaults follow RFC 9106's second recommended option (64 MiB, 3 passes).
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultHashParams is what a server uses unless configured otherwise.
var DefaultHashParams = HashParams{Memory: 64 * 1024, Time: 3, Threads: 2}

// Hasher hashes and verifies passwords with argon2id, running at most a
// fixed number of hashes at once so a burst of sign-ins cannot exhaust
// memory (each hash takes Memory KiB while it runs).
type Hasher struct {
	params HashParams
	slots  chan struct{}
}

// NewHasher returns a Hasher running at most concurrent hashes at once.
func NewHasher(p HashParams, concurrent int) *Hasher {
	if concurrent < 1 {
		concurrent = 1
	}
	return &Hasher{params: p, slots: make(chan struct{}, concurrent)}
}

// ErrBadPassword is returned when a password does not match its hash.
var ErrBadPassword = errors.New("wrong password")

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the PHC string of password: $argon2id$v=19$m=..,t=..,p=..$salt$hash.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// parsePHC reads a PHC string made by Hash.
func parsePHC(phc string) (p HashParams, salt, key []byte, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("auth: not an argon2id hash")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("auth: hash parameters: %w", err)
	}
	// A stored hash is ours, but a damaged one must not panic argon2 (no
	// threads) or take the machine's memory.
	if p.Threads < 1 || p.Time < 1 || p.Time > 100 || p.Memory < 8*uint32(p.Threads) || p.Memory > 1<<20 {
		return p, nil, nil, fmt.Errorf("auth: hash parameters out of range: %s", parts[3])
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, fmt.Errorf("auth: hash salt: %w", err)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return p, nil, nil, fmt.Errorf("auth: hash: %w", err)
	}
	if len(key) < 16 || len(key) > 64 || len(salt) < 8 {
		return p, nil, nil, errors.New("auth: hash or salt of a wrong length")
	}
	return p, salt, key, nil
}

// Verify checks password against a PHC string made by Hash (with whatever
// parameters it was made with).
func (h *Hasher) Verify(ctx context.Context, phc, password string) error {
	p, salt, want, err := parsePHC(phc)
	if err != nil {
		return err
	}
	if err := h.acquire(ctx); err != nil {
		return err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrBadPassword
	}
	return nil
}

// VerifyNone spends what a Verify of a hash made with the configured
// parameters spends, for a user who does not exist, so the time of an
// answer does not tell which user names exist. It always fails.
func (h *Hasher) VerifyNone(ctx context.Context, password string) error {
	if err := h.acquire(ctx); err != nil {
		return err
	}
	defer h.release()
	p := h.params
	_ = argon2.IDKey([]byte(password), []byte("cobro-no-such-user"), p.Time, p.Memory, p.Threads, 32)
	return ErrBadPassword
}
