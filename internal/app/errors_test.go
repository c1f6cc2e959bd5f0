package app

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"cobro/internal/auth"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
)

// TestClassify is the one table from errors to what the faces show.
func TestClassify(t *testing.T) {
	rule := func(sentinel error, code, field, value string) error {
		return fmt.Errorf("record: %w", (&ledger.RuleError{Err: sentinel, Code: code, Field: field, Message: "english words"}).WithValue(value))
	}
	for _, c := range []struct {
		err  error
		lang i18n.Lang
		want Failure
	}{
		{rule(ledger.ErrOverAllocated, "allocation_exceeds_open", "allocations[0].amount", "200001"), i18n.English,
			Failure{KindConflict, "allocation_exceeds_open", "allocations[0].amount", "200001", "english words"}},
		{rule(ledger.ErrState, "collection_closed", "", ""), i18n.English, Failure{KindConflict, "collection_closed", "", "", "english words"}},
		{rule(ledger.ErrCurrency, "currency_mismatch", "amount.currency", "USD"), i18n.English,
			Failure{KindInvalid, "currency_mismatch", "amount.currency", "USD", "english words"}},
		{rule(ledger.ErrInvalid, "required", "reason", ""), i18n.Spanish, Failure{KindInvalid, "required", "reason", "", "reason es obligatorio."}},
		{rule(ledger.ErrInvalid, "no_such_code", "x", "v"), i18n.Spanish, Failure{KindInvalid, "no_such_code", "x", "v", "english words"}},
		{ruleInvalid("bad_status", "status", "status must be ...").WithValue("owing"), i18n.English,
			Failure{KindInvalid, "bad_status", "status", "owing", "status must be ..."}},
		{fmt.Errorf("x: %w", ErrKeyRequired), i18n.English, Failure{Kind: KindMalformed, Code: "idempotency_key_required"}},
		{ErrKeyReused, i18n.English, Failure{Kind: KindInvalid, Code: "idempotency_key_reused"}},
		{ErrNoCompany, i18n.English, Failure{Kind: KindConflict, Code: "company_not_set_up"}},
		{ErrAtomicRejected, i18n.English, Failure{Kind: KindInvalid, Code: "atomic_rejected"}},
		{fmt.Errorf("customer %q: %w", "C-9", ErrNotFound), i18n.English, Failure{Kind: KindNotFound, Code: "not_found", Message: `customer "C-9": not found`}},
		{fmt.Errorf("customer %q: %w", "C-9", ErrNotFound), i18n.Spanish, Failure{Kind: KindNotFound, Code: "not_found"}},
		{auth.ErrForbidden, i18n.English, Failure{Kind: KindForbidden, Code: "forbidden"}},
		{errors.New("disk on fire"), i18n.English, Failure{Kind: KindInternal, Code: "internal"}},
	} {
		got := Classify(c.err, c.lang)
		want := c.want
		if want.Message == "" {
			want.Message = i18n.T(c.lang, "error."+want.Code)
		}
		if got != want {
			t.Errorf("Classify(%v, %s) = %+v, want %+v", c.err, c.lang, got, want)
		}
		if got.Kind == KindInternal && strings.Contains(got.Message, "fire") {
			t.Errorf("an internal error's cause must not show: %q", got.Message)
		}
	}
}
