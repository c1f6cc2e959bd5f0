package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/i18n"
)

// Credit control on the customer's sheet: "will an order pass?" (a what-if
// that writes nothing, GET with the amount in the query), the same asked
// properly (POST: reserved, or a request for approval), the latest checks
// with their state, updated live when a supervisor answers (server-sent
// events read from the database, so any app server serves them), and the
// "do not sell" flag, set and lifted by the administration.

func init() {
	routes = append(routes,
		route{"POST /customers/{id}/credit-check", false, (*Server).creditCheck},
		route{"GET /customers/{id}/credit-live", false, (*Server).creditLive},
		route{"POST /customers/{id}/flag", false, (*Server).creditFlag},
	)
}

// sheetChecks is how many of a customer's latest checks the sheet shows.
const sheetChecks = 10

// creditSheet is the sheet's credit box.
type creditSheet struct {
	Flag     app.FlagView
	Amount   string // as typed
	OrderRef string
	Answer   *app.CheckAnswer // the what-if's answer
	Error    string           // the what-if's mistake, in words
	Checks   []checkLine
	Key      string // idempotency key of the form that asks properly
	CanCheck bool
	CanFlag  bool
}

// checkLine is one check as the sheet shows it, formatted here in the
// user's language: the page and the live feed show the same text.
type checkLine struct {
	ID         string `json:"id"`
	OrderRef   string `json:"order_ref"`
	Amount     string `json:"amount"`
	When       string `json:"when"`
	By         string `json:"by"`
	State      string `json:"state"`
	StateLabel string `json:"state_label"`
	// Answer says who answered a request for approval, when and why.
	Answer string `json:"answer"`
	// Reasons are the decision's reasons in words.
	Reasons []string `json:"reasons"`
}

func lineOf(lang i18n.Lang, loc *time.Location, c app.CreditCheckView) checkLine {
	l := checkLine{ID: c.ID, OrderRef: c.OrderRef, Amount: i18n.Money(lang, c.Amount), When: i18n.DateTime(lang, c.CreatedAt, loc),
		By: actorName(c.RequestedBy), State: c.State, StateLabel: i18n.T(lang, "credit.state."+c.State), Reasons: []string{}}
	if c.Approval == "approved" && c.State == "reserved" {
		l.State, l.StateLabel = "approved", i18n.T(lang, "creditweb.approved") // what the agent waited for
	}
	if c.DecidedAt != nil {
		l.Answer = i18n.T(lang, "creditweb.answered_"+c.Approval, "by", actorName(c.DecidedBy), "minutes", answerMinutes(c),
			"when", i18n.DateTime(lang, *c.DecidedAt, loc))
		if c.Comment != "" {
			l.Answer += ": " + c.Comment
		}
	}
	for _, r := range c.Reasons {
		l.Reasons = append(l.Reasons, r.Message)
	}
	return l
}

// actorName is who did something as a person reads it: a user's name
// without the audit log's "user:".
func actorName(s string) string { return strings.TrimPrefix(s, "user:") }

// answerMinutes is how many whole minutes a request waited for its answer.
func answerMinutes(c app.CreditCheckView) int {
	if c.DecidedAt == nil {
		return 0
	}
	return int(c.DecidedAt.Sub(c.CreatedAt) / time.Minute)
}

// creditSheetOf fills the sheet's credit box; the what-if runs when the
// query names an amount.
func (s *Server) creditSheetOf(r *http.Request, c app.CustomerView, lang i18n.Lang, loc *time.Location) (*creditSheet, error) {
	actor, ctx := sessionOf(r).Actor, r.Context()
	d := &creditSheet{Key: uuid.NewString(), CanCheck: actor.Can(auth.CheckCredit), CanFlag: actor.Can(auth.ManageCredit)}
	var err error
	if d.Flag, err = s.app.Flag(ctx, actor, c.ID); err != nil {
		return nil, err
	}
	checks, err := s.app.CustomerChecks(ctx, actor, lang, c.ID, sheetChecks)
	if err != nil {
		return nil, err
	}
	for _, ch := range checks {
		d.Checks = append(d.Checks, lineOf(lang, loc, ch))
	}
	q := r.URL.Query()
	d.Amount, d.OrderRef = q.Get("amount"), q.Get("order_ref")
	if d.Amount == "" || !d.CanCheck {
		return d, nil
	}
	amt, err := parseFormAmount(lang, d.Amount, c.Currency)
	if err != nil {
		d.Error = i18n.T(lang, "creditweb.bad_amount", "value", d.Amount)
		return d, nil
	}
	no := false
	ans, _, err := s.app.CheckCredit(ctx, actor, app.Idem{}, app.CheckRequest{CustomerID: c.ID, Amount: amt, OrderRef: d.OrderRef, Reserve: &no, Lang: lang})
	if err != nil {
		f := app.Classify(err, lang)
		if f.Kind != app.KindInvalid {
			return nil, err
		}
		d.Error = f.Message
		return d, nil
	}
	d.Answer = &ans
	return d, nil
}

// creditCheck asks properly: the order is reserved, or waits for a
// supervisor's approval, or is refused; the sheet shows it among the
// latest checks.
func (s *Server) creditCheck(w http.ResponseWriter, r *http.Request) {
	actor, id, f := sessionOf(r).Actor, r.PathValue("id"), r.PostForm
	lang := s.lang(r, sessionOf(r))
	c, err := s.app.Customer(r.Context(), actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := "/customers/" + url.PathEscape(id)
	amt, err := parseFormAmount(lang, f.Get("amount"), c.Currency)
	if err != nil {
		http.Redirect(w, r, back+"?"+url.Values{"amount": {f.Get("amount")}, "order_ref": {f.Get("order_ref")}}.Encode()+"#credit", http.StatusSeeOther)
		return
	}
	key := formKey(f.Get("key"))
	ref := strings.TrimSpace(f.Get("order_ref"))
	if ref == "" {
		// An order with no reference of its own is named by its form.
		ref = "web-" + key[len(key)-8:]
	}
	idem := app.Idem{Key: key, Hash: app.HashRequest([]byte("page-credit-check"), []byte(id), []byte(ref), []byte(amt.Decimal()))}
	if _, _, err := s.app.CheckCredit(r.Context(), actor, idem, app.CheckRequest{CustomerID: id, Amount: amt, OrderRef: ref, Lang: lang}); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, back+"#credit", http.StatusSeeOther)
}

// creditLive streams the customer's latest checks as server-sent events,
// each time one of them changes (an approval, a rejection, an expiry).
func (s *Server) creditLive(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	actor, lang, id := sess.Actor, s.lang(r, sess), r.PathValue("id")
	loc, _ := s.app.Location(r.Context())
	// The first read answers as a page would: not found is a 404.
	checks, err := s.app.CustomerChecks(r.Context(), actor, lang, id, sheetChecks)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fl := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 3000\n\n")
	_ = fl.Flush()
	last := ""
	end := time.After(liveFor)
	tick := time.NewTicker(livePoll)
	defer tick.Stop()
	for {
		c, err := s.app.Customer(r.Context(), actor, id)
		if err != nil {
			return
		}
		ev := liveCredit{Checks: make([]checkLine, len(checks)), Risk: i18n.Money(lang, c.Risk), OverLimit: c.OverLimit}
		for i, ch := range checks {
			ev.Checks[i] = lineOf(lang, loc, ch)
		}
		if c.Reserved.Minor != 0 {
			ev.Reserved = i18n.T(lang, "creditweb.risk_reserved", "amount", i18n.Money(lang, c.Reserved))
		}
		if c.AvailableCredit != nil {
			ev.Available = i18n.Money(lang, *c.AvailableCredit)
		}
		if sig := ev.signature(); sig != last {
			b, _ := json.Marshal(ev)
			fmt.Fprintf(w, "event: checks\ndata: %s\n\n", b)
			_ = fl.Flush()
			last = sig
		}
		select {
		case <-r.Context().Done():
			return
		case <-end:
			return
		case <-tick.C:
		}
		if checks, err = s.app.CustomerChecks(r.Context(), actor, lang, id, sheetChecks); err != nil {
			return
		}
	}
}

// liveCredit is what the sheet's live feed sends: the latest checks and
// the figures they move, formatted.
type liveCredit struct {
	Checks    []checkLine `json:"checks"`
	Risk      string      `json:"risk"`
	Reserved  string      `json:"reserved"` // "" when nothing is reserved
	Available string      `json:"available"`
	OverLimit bool        `json:"over_limit"`
}

// signature changes whenever a check is added or changes state, or the
// figures move.
func (ev liveCredit) signature() string {
	var b strings.Builder
	for _, l := range ev.Checks {
		b.WriteString(l.ID)
		b.WriteByte(':')
		b.WriteString(l.State)
		b.WriteByte(' ')
	}
	b.WriteString(ev.Risk + "|" + ev.Available)
	return b.String()
}

// creditFlag sets (flagged=1) or lifts a customer's "do not sell" flag
// with a reason.
func (s *Server) creditFlag(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.app.SetFlag(r.Context(), sessionOf(r).Actor, id, r.PostForm.Get("flagged") == "1", r.PostForm.Get("reason")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/customers/"+url.PathEscape(id)+"#credit", http.StatusSeeOther)
}
