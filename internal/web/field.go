package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"sort"
	"strings"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/i18n"
	"cobro/internal/jsonin"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

// The field app: the agent's pages that keep working without network. A
// service worker (/sw.js) keeps the app itself; the device keeps a copy of
// the agent's customers and open debts (GET /field/data) and the
// collections recorded offline, each under an id the device makes, with a
// receipt number from a block the server reserved for the device
// (POST /field/devices...), so the receipt handed over is final. When the
// network returns the device sends them (POST /field/sync): the id is the
// idempotency key, so however many times a sync is repeated, from however
// many tabs, each collection is recorded once.

func init() {
	routes = append(routes,
		route{"GET /field", false, (*Server).fieldPage},
		route{"GET /field/data", false, (*Server).fieldData},
		route{"POST /field/devices", false, (*Server).fieldDevice},
		route{"POST /field/devices/{id}/blocks", false, (*Server).fieldBlock},
		route{"POST /field/sync", false, (*Server).fieldSync},
		route{"GET /sw.js", true, (*Server).serviceWorker},
	)
}

// fieldBlock is how many numbers a device reserves at a time: enough for
// more than a week of visits without signal.
const fieldBlock = 200

// fieldSyncMax bounds the collections of one sync request.
const fieldSyncMax = 500

// fieldData is what the page itself carries: the words the app shows,
// and who is signed in (the device keeps each user's work apart).
type fieldPageData struct {
	Words string // JSON: the catalogue's field.* texts and what the app formats
}

func (s *Server) fieldPage(w http.ResponseWriter, r *http.Request) {
	actor := sessionOf(r).Actor
	if err := actor.Check(auth.RecordCollection); err != nil || actor.Role != auth.Agent || actor.Agent == "" {
		s.fail(w, r, auth.ErrForbidden)
		return
	}
	lang := s.lang(r, sessionOf(r))
	words := map[string]string{}
	for _, k := range i18n.Keys(lang) {
		if strings.HasPrefix(k, "field.") {
			words[k], _ = i18n.Template(lang, k) // the app fills {placeholders} itself
		}
	}
	// A receipt states its total in words in the customer's language,
	// whichever the agent reads.
	for _, l := range []i18n.Lang{i18n.English, i18n.Spanish} {
		words["receipt.in_words."+string(l)], _ = i18n.Template(l, "receipt.in_words")
	}
	for _, in := range collectInstruments {
		words["instrument."+string(in)] = i18n.T(lang, "instrument."+string(in))
	}
	b, err := json.Marshal(words)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, "field", http.StatusOK, s.newPage(r, "field.title", fieldPageData{Words: string(b)}))
}

// InField reports whether the page's user works with the field app (an
// agent): the menu offers it and the page registers its service worker.
func (p page) InField() bool { return p.Role == auth.Agent && p.User != nil && p.User.Agent != "" }

// Raw is the catalogue's text for key with its {placeholders} unfilled,
// for scripts that fill them.
func (p page) Raw(key string) string {
	s, _ := i18n.Template(p.Lang, key)
	return s
}

// fieldJSON answers a field request in JSON; the device caches nothing
// from these answers but what it stores itself.
func fieldJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fieldError answers a failed field request: the rule in the user's
// words, its code, and whether trying again later may succeed.
func (s *Server) fieldError(w http.ResponseWriter, r *http.Request, err error) {
	f := app.Classify(err, s.lang(r, sessionOf(r)))
	status, ok := pageErrors[f.Kind]
	if !ok || errors.Is(err, app.ErrUnavailable) {
		if !errors.Is(err, app.ErrUnavailable) {
			s.log.Error("field request failed", "path", auth.LogPath(r.URL.Path), "err", err)
		}
		fieldJSON(w, http.StatusServiceUnavailable, map[string]any{"code": "unavailable", "retry": true})
		return
	}
	fieldJSON(w, status.status, map[string]any{"code": f.Code, "field": f.Field, "message": f.Message})
}

// fieldSnapshot is the device's copy of the agent's book, and the
// session's CSRF token (a page the service worker kept may carry an old
// one).
type fieldSnapshot struct {
	app.FieldData
	CSRF     string `json:"csrf"`
	Company  string `json:"company"`
	Language string `json:"language"`
}

func (s *Server) fieldData(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	d, err := s.app.FieldSnapshot(r.Context(), sess.Actor)
	if err != nil {
		s.fieldError(w, r, err)
		return
	}
	out := fieldSnapshot{FieldData: d, CSRF: sess.CSRFToken, Language: string(s.lang(r, sess))}
	if c, err := s.app.Company(r.Context()); err == nil {
		out.Company = c.Name
	}
	fieldJSON(w, http.StatusOK, out)
}

// readFieldJSON decodes a field request's body strictly: a key given
// twice or an amount beyond the ledger's bounds is refused before
// decoding, as the API refuses it.
func readFieldJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return &ledger.RuleError{Err: ledger.ErrInvalid, Code: "bad_json", Message: "the request is too large or cut short"}
	}
	if err := jsonin.Scan(body); err != nil {
		var je *jsonin.Error
		if errors.As(err, &je) && je.Code == jsonin.CodeAmountTooLarge {
			e := &ledger.RuleError{Err: ledger.ErrInvalid, Code: "amount_too_large", Field: je.Field, Message: "amount too large"}
			e.Args = []any{"max", je.Max}
			return e
		}
		return &ledger.RuleError{Err: ledger.ErrInvalid, Code: "bad_json", Field: fieldOf(err), Message: err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &ledger.RuleError{Err: ledger.ErrInvalid, Code: "bad_json", Message: err.Error()}
	}
	return nil
}

func fieldOf(err error) string {
	var je *jsonin.Error
	if errors.As(err, &je) {
		return je.Field
	}
	return ""
}

// fieldDeviceAnswer is a device and a block of numbers reserved for it.
type fieldDeviceAnswer struct {
	Device app.DeviceView       `json:"device"`
	Block  app.ReceiptBlockView `json:"block"`
}

// fieldDevice registers the browser the agent uses as a device and
// reserves its first block of receipt numbers.
func (s *Server) fieldDevice(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if err := readFieldJSON(r, &req); err != nil {
		s.fieldError(w, r, err)
		return
	}
	actor := sessionOf(r).Actor
	dev, err := s.app.RegisterDevice(r.Context(), actor, app.DeviceRequest{Name: req.Name})
	if err != nil {
		s.fieldError(w, r, err)
		return
	}
	b, err := s.app.ReserveReceipts(r.Context(), actor, dev.ID, fieldBlock)
	if err != nil {
		s.fieldError(w, r, err)
		return
	}
	fieldJSON(w, http.StatusCreated, fieldDeviceAnswer{Device: dev, Block: b})
}

// fieldBlock reserves another block of numbers for a device running low.
func (s *Server) fieldBlock(w http.ResponseWriter, r *http.Request) {
	b, err := s.app.ReserveReceipts(r.Context(), sessionOf(r).Actor, r.PathValue("id"), fieldBlock)
	if err != nil {
		s.fieldError(w, r, err)
		return
	}
	fieldJSON(w, http.StatusCreated, b)
}

// fieldItem is one collection a device recorded offline.
type fieldItem struct {
	// ID is the device's own id for the collection: its idempotency key.
	ID            string                  `json:"id"`
	CustomerID    string                  `json:"customer_id"`
	Amount        money.Amount            `json:"amount"`
	Instrument    ledger.InstrumentDetail `json:"instrument"`
	Allocations   []app.AllocationRequest `json:"allocations"`
	CollectedAt   *time.Time              `json:"collected_at"`
	DeviceID      string                  `json:"device_id"`
	ReceiptNumber string                  `json:"receipt_number"`
}

// fieldResult is what became of one collection of a sync: recorded (now
// or by an earlier sync), rejected (a rule refuses it: the device keeps it
// and shows why), or retry (the server could not take it now).
type fieldResult struct {
	ID            string        `json:"id"`
	State         string        `json:"state"`
	CollectionID  string        `json:"collection_id,omitempty"`
	ReceiptNumber string        `json:"receipt_number,omitempty"`
	Unallocated   *money.Amount `json:"unallocated,omitempty"`
	Code          string        `json:"code,omitempty"`
	Message       string        `json:"message,omitempty"`
}

// fieldSync records the collections a device captured offline, each once.
func (s *Server) fieldSync(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Collections []json.RawMessage `json:"collections"`
	}
	if err := readFieldJSON(r, &req); err != nil {
		s.fieldError(w, r, err)
		return
	}
	if len(req.Collections) > fieldSyncMax {
		s.fieldError(w, r, &ledger.RuleError{Err: ledger.ErrInvalid, Code: "too_many", Field: "collections",
			Message: "send at most 500 collections at a time"})
		return
	}
	sess := sessionOf(r)
	lang := s.lang(r, sess)
	out := struct {
		Results []fieldResult `json:"results"`
	}{Results: []fieldResult{}}
	stop := false
	for _, raw := range req.Collections {
		var it fieldItem
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&it); err != nil || strings.TrimSpace(it.ID) == "" {
			out.Results = append(out.Results, fieldResult{ID: it.ID, State: "rejected", Code: "bad_json",
				Message: i18n.T(lang, "field.bad_item")})
			continue
		}
		if stop {
			out.Results = append(out.Results, fieldResult{ID: it.ID, State: "retry"})
			continue
		}
		out.Results = append(out.Results, s.syncOne(r, sess.Actor, lang, it, raw))
		stop = out.Results[len(out.Results)-1].State == "retry"
	}
	fieldJSON(w, http.StatusOK, out)
}

func (s *Server) syncOne(r *http.Request, actor auth.Actor, lang i18n.Lang, it fieldItem, raw []byte) fieldResult {
	req := app.CollectionRequest{CustomerID: it.CustomerID, Amount: it.Amount, Instrument: it.Instrument,
		Allocations: it.Allocations, CollectedAt: it.CollectedAt, DeviceID: it.DeviceID, ReceiptNumber: it.ReceiptNumber,
		Offline: true}
	sum := sha256.Sum256(raw)
	view, replay, err := s.app.RecordCollection(r.Context(), actor, app.Idem{Key: it.ID,
		Hash: app.HashRequest([]byte("field-collection"), []byte(hex.EncodeToString(sum[:])))}, req)
	if err != nil {
		f := app.Classify(err, lang)
		if _, known := pageErrors[f.Kind]; !known || f.Kind == app.KindUnavailable {
			if !errors.Is(err, app.ErrUnavailable) {
				s.log.Error("field sync failed", "err", err)
			}
			return fieldResult{ID: it.ID, State: "retry"}
		}
		return fieldResult{ID: it.ID, State: "rejected", Code: f.Code, Message: f.Message}
	}
	if replay != nil {
		if jerr := json.Unmarshal(replay.Body, &view); jerr != nil {
			return fieldResult{ID: it.ID, State: "recorded"}
		}
	}
	res := fieldResult{ID: it.ID, State: "recorded", CollectionID: view.ID, ReceiptNumber: view.ReceiptNumber}
	if view.Unallocated.Minor > 0 {
		u := view.Unallocated
		res.Unallocated = &u
	}
	return res
}

// serviceWorker is the script that keeps the field app for offline use.
// Its version is the hash of the static files, so a new release replaces
// what devices keep (and the browser sees a changed script).
func (s *Server) serviceWorker(w http.ResponseWriter, r *http.Request) {
	b, err := fs.ReadFile(staticFS, "static/sw.js")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(bytes.Replace(b, []byte("@VERSION@"), []byte(staticVersion()), 1))
}

// staticVersion hashes the embedded static files.
func staticVersion() string {
	h := sha256.New()
	var names []string
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(staticFS, n)
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
