// Package api serves cobro's JSON API under /api/v1. Handlers are thin:
// decode, call one use case in package app, encode. Errors map to statuses
// in one table (errors.go); the routes are all in routes.go and match the
// OpenAPI document served beside them.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/i18n"
	"cobro/internal/proxy"
)

// Config sets the API's limits.
type Config struct {
	// MaxBody is the largest request body accepted, in bytes (JSON bodies
	// and bulk uploads alike). Default 32 MiB.
	MaxBody int64
	// Proxies are the reverse proxies whose X-Forwarded-For is believed
	// for the client address written in the audit log.
	Proxies proxy.Trust
}

// Server is the JSON API.
type Server struct {
	app *app.App
	log *slog.Logger
	cfg Config
}

// New returns the API server.
func New(a *app.App, log *slog.Logger, cfg Config) *Server {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 32 << 20
	}
	return &Server{app: a, log: log, cfg: cfg}
}

type ctxKey int

const actorKey ctxKey = 0

func actorOf(r *http.Request) auth.Actor {
	a, _ := r.Context().Value(actorKey).(auth.Actor)
	return a
}

func langOf(r *http.Request) i18n.Lang { return i18n.Negotiate("", r.Header.Get("Accept-Language")) }

// authenticate resolves the bearer token into an actor; without one the
// request is refused with 401.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || strings.TrimSpace(secret) == "" {
			s.fail(w, r, errUnauthorized)
			return
		}
		actor, err := s.app.Authenticate(r.Context(), strings.TrimSpace(secret), s.cfg.Proxies.ClientAddr(r))
		if err != nil {
			s.fail(w, r, errUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey, actor)))
	})
}

// decode reads a single object's JSON body strictly: unknown fields are
// errors (they are usually typos that would silently lose data), and so
// are trailing data and a key given twice (see scanJSON).
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := s.readObject(w, r)
	if err != nil {
		return err
	}
	return decodeJSON(body, v)
}

func decodeJSON(body []byte, v any) error {
	if err := scanJSON(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badJSON(err)
	}
	if dec.More() {
		return &apiError{status: http.StatusBadRequest, code: "bad_json", detail: "trailing data after the JSON value"}
	}
	return nil
}

// readObject reads the body of a single-object route: at most 64 KiB
// (maxSingleBody), or Config.MaxBody if that is smaller.
func (s *Server) readObject(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return s.readLimited(w, r, min(s.cfg.MaxBody, maxSingleBody))
}

// readBody reads the whole body of a bulk route within Config.MaxBody.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return s.readLimited(w, r, s.cfg.MaxBody)
}

func (s *Server) readLimited(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	b, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &apiError{status: http.StatusRequestEntityTooLarge, code: "body_too_large", args: []any{"limit", limit}}
	}
	if err != nil {
		return nil, &apiError{status: http.StatusBadRequest, code: "bad_request", detail: err.Error()}
	}
	return b, nil
}

func badJSON(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return &apiError{status: http.StatusBadRequest, code: "bad_json", field: typeErr.Field,
			detail: fmt.Sprintf("%s must be %s", typeErr.Field, typeErr.Type)}
	case errors.As(err, &syntaxErr):
		return &apiError{status: http.StatusBadRequest, code: "bad_json", detail: fmt.Sprintf("%v (at byte %d)", err, syntaxErr.Offset)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &apiError{status: http.StatusBadRequest, code: "bad_json", field: f, detail: "unknown field " + f}
	}
	return &apiError{status: http.StatusBadRequest, code: "bad_json", detail: err.Error()}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"encoding failed"}}`, http.StatusInternalServerError)
		return
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	_, _ = w.Write([]byte("\n"))
}

// idem reads the Idempotency-Key and hashes the request it names.
func idem(r *http.Request, body []byte) app.Idem {
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	return app.Idem{Key: key, Hash: app.HashRequest([]byte(r.Method), []byte(r.URL.Path), body)}
}

// outcomeStatus is the status of a change's outcome, as first answered.
func outcomeStatus(o app.Outcome) int {
	if o == app.OutcomeCreated {
		return http.StatusCreated
	}
	return http.StatusOK
}

// answer writes a use case's result, or its stored replay.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, v any, replay *app.Replay, err error) {
	switch {
	case err != nil:
		s.fail(w, r, err)
	case replay != nil:
		w.Header().Set("Idempotent-Replayed", "true")
		writeRaw(w, outcomeStatus(replay.Outcome), replay.Body)
	default:
		writeJSON(w, status, v)
	}
}
