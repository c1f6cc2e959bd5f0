package app

import "context"

// SetAfterClaim makes the change envelope call f right after it claims an
// idempotency key, inside the transaction: a test holds a request there.
func SetAfterClaim(a *App, f func(context.Context)) { a.afterClaim = f }
