package app

import (
	"errors"
	"fmt"

	"cobro/internal/auth"
	"cobro/internal/erpimport"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

func ruleInvalid(code, field, format string, args ...any) *ledger.RuleError {
	return &ledger.RuleError{Err: ledger.ErrInvalid, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Kind is what sort of failure an error is. It is the one classification
// both faces use: each turns a kind into its own answer (the API a status
// code, the pages a page), so the app never speaks HTTP.
type Kind int

const (
	// KindInternal is anything unexpected: logged, never shown.
	KindInternal Kind = iota
	// KindInvalid is input that breaks a rule: fix it and send it again.
	KindInvalid
	// KindMalformed is a request without what every request of its kind
	// needs (an Idempotency-Key on a change of money).
	KindMalformed
	// KindConflict is a request the ledger's current state refuses (an
	// allocation over what is open, a collection already voided, a twin
	// request still running, no company profile yet).
	KindConflict
	// KindNotFound is something that does not exist, or that the actor
	// may not know exists.
	KindNotFound
	// KindForbidden is an action the actor's role may not take.
	KindForbidden
	// KindUnavailable is storage that refuses work for a reason of its own
	// (a full disk, a read-only database, a lost connection): retry later.
	KindUnavailable
)

func (k Kind) String() string {
	return [...]string{"internal", "invalid", "malformed", "conflict", "not_found", "forbidden", "unavailable"}[k]
}

// Failure is an error as the faces show it.
type Failure struct {
	Kind    Kind
	Code    string // stable, e.g. "allocation_exceeds_open"; the catalogs' "error."+Code
	Field   string // the field it concerns, e.g. "allocations[1].amount"; "" for none
	Value   string // the bad value as the user sent it; "" for none
	Message string // for people, in the language asked for
	// Details are the facts the message states, for programs: money in
	// minor units, ids as given (a rule's Args); nil for none.
	Details map[string]any
}

// sentinels are the errors of the layers below with a kind and a code.
var sentinels = []struct {
	err  error
	kind Kind
	code string
}{
	{ErrKeyRequired, KindMalformed, "idempotency_key_required"},
	{ErrKeyReused, KindInvalid, "idempotency_key_reused"},
	{ErrNoCompany, KindConflict, "company_not_set_up"},
	{ErrAtomicRejected, KindInvalid, "atomic_rejected"},
	{ErrNotFound, KindNotFound, "not_found"},
	{store.ErrOutOfBounds, KindInvalid, "figure_out_of_range"},
	{auth.ErrForbidden, KindForbidden, "forbidden"},
	{ErrUnavailable, KindUnavailable, "storage_unavailable"},
	{ErrTimeout, KindUnavailable, "query_timeout"},
}

// ErrUnavailable is the storage refusing work for a reason of its own (a
// full disk, a read-only database, a lost connection), not the request's.
var ErrUnavailable = store.ErrUnavailable

// ruleKinds are the kinds of the domain's rules: bad input, or a conflict
// with the ledger's current state.
var ruleKinds = []struct {
	err  error
	kind Kind
}{
	{ledger.ErrOverAllocated, KindConflict},
	{ledger.ErrState, KindConflict},
	{ledger.ErrCurrency, KindInvalid},
	{ledger.ErrInvalid, KindInvalid},
}

// Classify says what err is, with its message in lang. A domain rule keeps
// its code, field and value; an error of no known kind is KindInternal,
// whose message says nothing of its cause.
func Classify(err error, lang i18n.Lang) Failure {
	var re *ledger.RuleError
	if errors.As(err, &re) {
		f := Failure{Kind: KindInvalid, Code: re.Code, Field: re.Field, Value: re.Value, Details: Details(re.Args)}
		for _, rk := range ruleKinds {
			if errors.Is(re.Err, rk.err) {
				f.Kind = rk.kind
				break
			}
		}
		f.Message = localized(lang, re.Code, re.Message, re.Field, re.Value, re.Args...)
		return f
	}
	var fe *erpimport.FileError
	if errors.As(err, &fe) {
		return Failure{Kind: KindInvalid, Code: fe.Code, Message: fe.Localized(string(lang))}
	}
	for _, sn := range sentinels {
		if errors.Is(err, sn.err) {
			msg := i18n.T(lang, "error."+sn.code)
			if sn.kind == KindNotFound {
				msg = localized(lang, sn.code, err.Error(), "", "")
			}
			return Failure{Kind: sn.kind, Code: sn.code, Message: msg}
		}
	}
	return Failure{Kind: KindInternal, Code: "internal", Message: i18n.T(lang, "error.internal")}
}

// localized is the message for code in lang; in English the app's own
// message is more precise (it names the document and amounts), so it wins.
// args (a rule's name, value pairs) fill the translation's placeholders,
// amounts formatted for lang.
func localized(lang i18n.Lang, code, english, field, value string, args ...any) string {
	if lang == i18n.English {
		return english
	}
	if len(args) == 0 {
		if !i18n.Has(lang, "error."+code) {
			return english
		}
		return i18n.T(lang, "error."+code, "field", field, "value", value)
	}
	if msg, ok := i18n.Rule(lang, code, field, append(args, "value", value)...); ok {
		return msg
	}
	return english
}

// Details are name, value pairs (a rule error's Args) as an object.
func Details(args []any) map[string]any {
	if len(args) < 2 {
		return nil
	}
	m := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok {
			m[k] = args[i+1]
		}
	}
	return m
}
