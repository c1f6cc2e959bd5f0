package app

import (
	"errors"
	"fmt"
	"reflect"
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
			Failure{Kind: KindConflict, Code: "allocation_exceeds_open", Field: "allocations[0].amount", Value: "200001", Message: "english words"}},
		{rule(ledger.ErrState, "collection_closed", "", ""), i18n.English, Failure{Kind: KindConflict, Code: "collection_closed", Field: "", Value: "", Message: "english words"}},
		{rule(ledger.ErrCurrency, "currency_mismatch", "amount.currency", "USD"), i18n.English,
			Failure{Kind: KindInvalid, Code: "currency_mismatch", Field: "amount.currency", Value: "USD", Message: "english words"}},
		{rule(ledger.ErrInvalid, "required", "reason", ""), i18n.Spanish, Failure{Kind: KindInvalid, Code: "required", Field: "reason", Value: "", Message: "reason es obligatorio."}},
		{rule(ledger.ErrInvalid, "no_such_code", "x", "v"), i18n.Spanish, Failure{Kind: KindInvalid, Code: "no_such_code", Field: "x", Value: "v", Message: "english words"}},
		{ruleInvalid("bad_status", "status", "status must be ...").WithValue("owing"), i18n.English,
			Failure{Kind: KindInvalid, Code: "bad_status", Field: "status", Value: "owing", Message: "status must be ..."}},
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
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Classify(%v, %s) = %+v, want %+v", c.err, c.lang, got, want)
		}
		if got.Kind == KindInternal && strings.Contains(got.Message, "fire") {
			t.Errorf("an internal error's cause must not show: %q", got.Message)
		}
	}
}
