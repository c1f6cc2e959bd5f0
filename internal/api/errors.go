package api

import (
	"errors"
	"net/http"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/i18n"
)

// apiError is an error already decided at the HTTP edge.
type apiError struct {
	status int
	code   string
	field  string
	value  string // the bad value, as sent
	detail string
	args   []any
}

func (e *apiError) Error() string { return e.code + ": " + e.detail }

var errUnauthorized = &apiError{status: http.StatusUnauthorized, code: "unauthorized"}

// statuses turns the app's one classification of errors into HTTP: bad
// input is 422, a request missing what it needs 400, a conflict with the
// ledger's current state 409.
var statuses = map[app.Kind]int{
	app.KindInvalid:     http.StatusUnprocessableEntity,
	app.KindMalformed:   http.StatusBadRequest,
	app.KindConflict:    http.StatusConflict,
	app.KindNotFound:    http.StatusNotFound,
	app.KindForbidden:   http.StatusForbidden,
	app.KindInternal:    http.StatusInternalServerError,
	app.KindUnavailable: http.StatusServiceUnavailable,
}

// retryAfter is how long a client waits before retrying when the storage
// is unavailable, in seconds.
const retryAfter = "30"

// errorBody is the JSON of every error: {"error": {"code", "message", "field", "value"}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Value   string `json:"value,omitempty"` // the bad value, as sent
	// Details are the facts the message states, for programs: money in
	// minor units ({"amount": 35812, "currency": "EUR"}), ids as given.
	Details map[string]any `json:"details,omitempty"`
}

// fail writes err as a JSON error in the client's language. Anything not
// in the table is a 500 whose detail goes to the log, never to the client.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	lang := langOf(r)
	status, d := s.classify(err, lang)
	switch status {
	case http.StatusInternalServerError, http.StatusServiceUnavailable:
		s.log.Error("request failed", "method", r.Method, "path", auth.LogPath(r.URL.Path), "err", err)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfter)
	}
	if status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", "GET, POST")
	}
	writeJSON(w, status, errorBody{Error: d})
}

func (s *Server) classify(err error, lang i18n.Lang) (int, errorDetail) {
	var ae *apiError
	if errors.As(err, &ae) {
		args := append([]any{"field", ae.field, "detail", ae.detail, "value", ae.value}, i18n.Args(lang, ae.args...)...)
		return ae.status, errorDetail{Code: ae.code, Message: i18n.T(lang, "error."+ae.code, args...), Field: ae.field, Value: ae.value,
			Details: app.Details(ae.args)}
	}
	f := app.Classify(err, lang)
	return statuses[f.Kind], errorDetail{Code: f.Code, Message: f.Message, Field: f.Field, Value: f.Value, Details: f.Details}
}
