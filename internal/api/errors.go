package api

import (
	"errors"
	"net/http"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/erpimport"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// apiError is an error already decided at the HTTP edge.
type apiError struct {
	status int
	code   string
	field  string
	detail string
	args   []any
}

func (e *apiError) Error() string { return e.code + ": " + e.detail }

var errUnauthorized = &apiError{status: http.StatusUnauthorized, code: "unauthorized"}

// sentinels is the one table from the errors of the layers below to an
// HTTP status and a stable code.
var sentinels = []struct {
	err    error
	status int
	code   string
}{
	{app.ErrKeyRequired, http.StatusBadRequest, "idempotency_key_required"},
	{app.ErrKeyReused, http.StatusUnprocessableEntity, "idempotency_key_reused"},
	{app.ErrKeyRunning, http.StatusConflict, "idempotency_key_in_use"},
	{app.ErrNoCompany, http.StatusConflict, "company_not_set_up"},
	{app.ErrAtomicRejected, http.StatusUnprocessableEntity, "atomic_rejected"},
	{store.ErrNotFound, http.StatusNotFound, "not_found"},
	{store.ErrOutOfBounds, http.StatusUnprocessableEntity, "figure_out_of_range"},
	{auth.ErrForbidden, http.StatusForbidden, "forbidden"},
}

// ruleStatus maps a domain rule's kind to a status: bad input is 422, a
// conflict with the ledger's current state is 409.
var ruleStatus = []struct {
	err    error
	status int
}{
	{ledger.ErrOverAllocated, http.StatusConflict},
	{ledger.ErrState, http.StatusConflict},
	{ledger.ErrCurrency, http.StatusUnprocessableEntity},
	{ledger.ErrInvalid, http.StatusUnprocessableEntity},
}

// errorBody is the JSON of every error: {"error": {"code", "message", "field"}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Details are the facts the message states, for programs: money in
	// minor units ({"amount": 35812, "currency": "EUR"}), ids as given.
	Details map[string]any `json:"details,omitempty"`
}

// fail writes err as a JSON error in the client's language. Anything not
// in the table is a 500 whose detail goes to the log, never to the client.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	lang := langOf(r)
	status, d := s.classify(err, lang)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "method", r.Method, "path", auth.LogPath(r.URL.Path), "err", err)
	}
	if status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", "GET, POST")
	}
	writeJSON(w, status, errorBody{Error: d})
}

func (s *Server) classify(err error, lang i18n.Lang) (int, errorDetail) {
	var ae *apiError
	if errors.As(err, &ae) {
		args := append([]any{"field", ae.field, "detail", ae.detail}, i18n.Args(lang, ae.args...)...)
		return ae.status, errorDetail{Code: ae.code, Message: i18n.T(lang, "error."+ae.code, args...), Field: ae.field,
			Details: details(ae.args)}
	}
	var re *ledger.RuleError
	if errors.As(err, &re) {
		status := http.StatusUnprocessableEntity
		for _, rs := range ruleStatus {
			if errors.Is(re.Err, rs.err) {
				status = rs.status
				break
			}
		}
		return status, errorDetail{Code: re.Code, Message: localized(lang, re.Code, re.Message, re.Field, re.Args...),
			Field: re.Field, Details: details(re.Args)}
	}
	var fe *erpimport.FileError
	if errors.As(err, &fe) {
		return http.StatusUnprocessableEntity, errorDetail{Code: fe.Code, Message: fe.Localized(string(lang))}
	}
	for _, sn := range sentinels {
		if errors.Is(err, sn.err) {
			msg := i18n.T(lang, "error."+sn.code)
			if sn.code == "not_found" {
				msg = localized(lang, sn.code, err.Error(), "")
			}
			return sn.status, errorDetail{Code: sn.code, Message: msg}
		}
	}
	return http.StatusInternalServerError, errorDetail{Code: "internal", Message: i18n.T(lang, "error.internal")}
}

// localized is the message for code in lang; in English the domain's own
// message is more precise (it names the document and amounts), so it wins.
// args fill the translation's placeholders, amounts formatted for lang.
func localized(lang i18n.Lang, code, english, field string, args ...any) string {
	if lang == i18n.English {
		return english
	}
	if msg, ok := i18n.Rule(lang, code, field, args...); ok {
		return msg
	}
	return english
}

// details are a rule error's name, value pairs as a JSON object.
func details(args []any) map[string]any {
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
