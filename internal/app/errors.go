package app

import (
	"fmt"

	"cobro/internal/ledger"
)

func ruleInvalid(code, field, format string, args ...any) *ledger.RuleError {
	return &ledger.RuleError{Err: ledger.ErrInvalid, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}
