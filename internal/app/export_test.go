package app

import (
	"context"

	"cobro/internal/ledger"
	"cobro/internal/store"
)

// SetAfterClaim makes the change envelope call f right after it claims an
// idempotency key, inside the transaction: a test holds a request there.
func SetAfterClaim(a *App, f func(context.Context)) { a.afterClaim = f }

// ApplyEffects applies fx as the change envelope does, in one transaction
// of its own, by actor: a test of what the envelope writes.
func ApplyEffects(ctx context.Context, a *App, actor string, fx ledger.Effects) error {
	return a.db.Write(ctx, func(tx *store.Tx) error { return a.apply(ctx, tx, origin{actor: actor}, fx) })
}
