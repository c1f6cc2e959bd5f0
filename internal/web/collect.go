package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

// The record-collection page: the agent on the visit picks the debts being
// paid (oldest first, open amounts prefilled), or none for an advance,
// names the instrument, checks a summary and confirms. The page posts a
// plain form carrying an idempotency key made when the form was shown, so a
// double tap or a resent form records once.

func init() {
	routes = append(routes,
		route{"GET /customers/{id}/collect", false, (*Server).collectForm},
		route{"POST /customers/{id}/collect", false, (*Server).collectPost},
	)
}

// collectInstruments are the instruments the form offers, in its order.
var collectInstruments = []ledger.Instrument{ledger.Cash, ledger.Cheque, ledger.PromissoryNote, ledger.Transfer,
	ledger.Card, ledger.Bizum, ledger.Other}

// collectLine is one open debt on the form.
type collectLine struct {
	Doc     app.DocumentView
	Checked bool
	Amount  string // as typed, or the open amount prefilled
}

type collectData struct {
	Customer    app.CustomerView
	Lines       []collectLine
	More        bool // more open debts than the form lists
	Key         string
	Total       string // as typed; blank: the sum of the debts picked
	Instrument  ledger.Instrument
	Number      string
	Bank        string
	DueDate     string
	Label       string
	Instruments []ledger.Instrument
	Error       string // a rule the request breaks, in the user's words
	ErrorField  string
	// Confirm: the request is valid and shown for confirmation.
	Confirm   bool
	Summary   collectSummary
	Collected *app.CollectionView
}

// collectSummary is what the confirmation step shows.
type collectSummary struct {
	Total       money.Amount
	Allocated   money.Amount
	Advance     money.Amount // what no debt takes: an advance payment
	Allocations []collectSummaryLine
}

type collectSummaryLine struct {
	Number string
	Amount money.Amount
}

// collectDocuments bounds the debts the form lists (the oldest).
const collectDocuments = 200

func (s *Server) collectData(r *http.Request, id string) (collectData, error) {
	actor, ctx := sessionOf(r).Actor, r.Context()
	if err := actor.Check(auth.RecordCollection); err != nil {
		return collectData{}, err
	}
	c, err := s.app.Customer(ctx, actor, id)
	if err != nil {
		return collectData{}, err
	}
	docs, err := s.app.CustomerDocuments(ctx, actor, id, true, "", collectDocuments)
	if err != nil {
		return collectData{}, err
	}
	d := collectData{Customer: c, More: docs.NextCursor != "", Instrument: ledger.Cash, Instruments: collectInstruments}
	open := []app.DocumentView{}
	for _, doc := range docs.Items {
		if doc.Kind.Owed() && doc.OpenAmount.Minor > 0 {
			open = append(open, doc)
		}
	}
	// Oldest first: the debt due first is the one paid first.
	slices.SortStableFunc(open, func(a, b app.DocumentView) int {
		if c := a.DueDate.DaysSince(b.DueDate); c != 0 {
			return c
		}
		return strings.Compare(a.Number, b.Number)
	})
	lang := s.lang(r, sessionOf(r))
	for _, doc := range open {
		d.Lines = append(d.Lines, collectLine{Doc: doc, Amount: formAmount(lang, doc.OpenAmount)})
	}
	return d, nil
}

func (s *Server) collectForm(w http.ResponseWriter, r *http.Request) {
	d, err := s.collectData(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Key = uuid.NewString()
	s.render(w, r, "collect", http.StatusOK, s.newPage(r, "collect.title", d))
}

// collectPost checks the form (step "check": shows the summary to
// confirm) or records it (step "record").
func (s *Server) collectPost(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	d, err := s.collectData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r, sessionOf(r))
	f := r.PostForm
	d.Key = f.Get("key")
	if _, err := uuid.Parse(d.Key); err != nil {
		d.Key = uuid.NewString() // a form without a key (an old tab) gets one: it has recorded nothing yet
	}
	d.Total, d.Number, d.Bank, d.DueDate, d.Label = f.Get("total"), f.Get("number"), f.Get("bank"), f.Get("due_date"), f.Get("label")
	d.Instrument = ledger.Instrument(f.Get("instrument"))
	for i := range d.Lines {
		ln := &d.Lines[i]
		ln.Checked = slices.Contains(f["pay"], ln.Doc.ID)
		if v, ok := f["amount."+ln.Doc.ID]; ok && len(v) > 0 {
			ln.Amount = v[0]
		}
	}
	if f.Get("step") == "edit" { // back from the confirmation, as typed
		s.render(w, r, "collect", http.StatusOK, s.newPage(r, "collect.title", d))
		return
	}
	req, sum, perr := d.request(lang)
	if perr == nil {
		if f.Get("step") == "record" {
			view, _, err := s.app.RecordCollection(r.Context(), sessionOf(r).Actor, app.Idem{Key: d.Key, Hash: d.hash(req)}, req)
			if err == nil {
				// The receipt, to hand over or share on the visit.
				http.Redirect(w, r, "/collections/"+url.PathEscape(view.ID)+"/receipt", http.StatusSeeOther)
				return
			}
			perr = err
		} else {
			perr = s.app.CheckCollection(r.Context(), sessionOf(r).Actor, req)
			if perr == nil {
				d.Confirm, d.Summary = true, sum
			}
		}
	}
	status := http.StatusOK
	var fe *formError
	if errors.As(perr, &fe) {
		d.Error, d.ErrorField, status = formErrorText(lang, fe), fe.field, http.StatusUnprocessableEntity
	} else if perr != nil {
		f := app.Classify(perr, lang)
		if f.Kind != app.KindInvalid && f.Kind != app.KindConflict && f.Kind != app.KindMalformed {
			s.fail(w, r, perr)
			return
		}
		d.Error, d.ErrorField, status = f.Message, f.Field, http.StatusUnprocessableEntity
	}
	s.render(w, r, "collect", status, s.newPage(r, "collect.title", d))
}

// hash identifies the request under its key, as the API's does: the same
// key with another request is refused instead of replayed.
func (d collectData) hash(req app.CollectionRequest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%d|%s|%s|%s|%s|%s|%s", req.CustomerID, req.Amount.Minor, req.Amount.Currency, req.Instrument.Kind,
		req.Instrument.Number, req.Instrument.Bank, req.Instrument.DueDate, req.Instrument.Label)
	for _, a := range req.Allocations {
		fmt.Fprintf(&b, "|%s=%d", a.DocumentID, a.Amount.Minor)
	}
	return app.HashRequest([]byte("page-collection"), []byte(b.String()))
}

// formError is a mistake in the form itself, named by its field.
type formError struct {
	field, key string
	args       []any
}

func (e *formError) Error() string { return e.key }

// request reads the form into the request RecordCollection takes, with
// the confirmation's summary.
func (d collectData) request(lang i18n.Lang) (app.CollectionRequest, collectSummary, error) {
	cur := d.Customer.Currency
	req := app.CollectionRequest{CustomerID: d.Customer.ID, Instrument: ledger.InstrumentDetail{Kind: d.Instrument,
		Number: d.Number, Bank: d.Bank, Label: d.Label}}
	var sum collectSummary
	var allocated int64
	for _, ln := range d.Lines {
		if !ln.Checked {
			continue
		}
		a, err := parseFormAmount(lang, ln.Amount, cur)
		if err != nil {
			return req, sum, &formError{field: "amount." + ln.Doc.ID, key: "collect.bad_amount_on", args: []any{"value", ln.Amount, "document", ln.Doc.Number}}
		}
		if a.Minor <= 0 {
			return req, sum, &formError{field: "amount." + ln.Doc.ID, key: "collect.not_positive_on", args: []any{"document", ln.Doc.Number}}
		}
		var ok bool
		if allocated, ok = money.AddMinor(allocated, a.Minor); !ok {
			return req, sum, &formError{field: "total", key: "collect.too_large"}
		}
		req.Allocations = append(req.Allocations, app.AllocationRequest{DocumentID: ln.Doc.ID, Amount: a})
		sum.Allocations = append(sum.Allocations, collectSummaryLine{Number: ln.Doc.Number, Amount: a})
	}
	total := money.New(allocated, cur)
	if strings.TrimSpace(d.Total) != "" {
		t, err := parseFormAmount(lang, d.Total, cur)
		if err != nil {
			return req, sum, &formError{field: "total", key: "collect.bad_total", args: []any{"value", d.Total}}
		}
		total = t
	}
	if total.Minor <= 0 {
		return req, sum, &formError{field: "total", key: "collect.nothing"}
	}
	if strings.TrimSpace(d.DueDate) != "" {
		day, err := civil.Parse(strings.TrimSpace(d.DueDate))
		if err != nil {
			return req, sum, &formError{field: "due_date", key: "collect.bad_date", args: []any{"value", d.DueDate}}
		}
		req.Instrument.DueDate = day
	}
	req.Amount = total
	sum.Total, sum.Allocated = total, money.New(allocated, cur)
	sum.Advance = money.New(total.Minor-allocated, cur)
	return req, sum, nil
}

// formAmount writes a for an amount box in lang: no thousands separator,
// the language's decimal mark, so that it reads back exactly.
func formAmount(lang i18n.Lang, a money.Amount) string {
	s := a.Decimal()
	if lang == i18n.Spanish {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// parseFormAmount reads an amount typed in a box, exactly: a value that
// says its decimal mark ("12.50", "1.234,56") is read so; one that could be
// either ("1.234") is read in the language's convention.
func parseFormAmount(lang i18n.Lang, s string, cur money.Currency) (money.Amount, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.ReplaceAll(s, "€", "")), string(cur)))
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return money.Amount{}, errors.New("empty")
	}
	mark := money.MarkPoint
	if lang == i18n.Spanish {
		mark = money.MarkComma
	}
	switch money.Sniff(s) {
	case money.PointEvidence:
		mark = money.MarkPoint
	case money.CommaEvidence:
		mark = money.MarkComma
	}
	return money.Parse(s, cur, mark)
}

// formErrorText is a form mistake in the user's words.
func formErrorText(lang i18n.Lang, e *formError) string {
	return i18n.T(lang, e.key, e.args...)
}

// collectedView is the collection just recorded, for the sheet's line
// that says so (nil when there is none the user may see).
func collectedView(s *Server, r *http.Request) *app.CollectionView {
	id := r.URL.Query().Get("collected")
	if id == "" {
		return nil
	}
	v, err := s.app.Collection(r.Context(), sessionOf(r).Actor, id)
	if err != nil {
		return nil
	}
	return &v
}
