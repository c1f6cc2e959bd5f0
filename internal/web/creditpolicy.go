package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/credit"
	"cobro/internal/i18n"
	"cobro/internal/money"
)

// The credit policy page, for the administration: the company's policy
// and the segments' overrides (each replaces the company's whole for its
// segment), field by field, beside what a fresh database has.

func init() {
	routes = append(routes,
		route{"GET /credit-policy", false, (*Server).creditPolicy},
		route{"POST /credit-policy", false, (*Server).creditPolicySave},
	)
}

// policyForm is one policy as its form shows it: percentages and amounts
// as typed in the user's language.
type policyForm struct {
	Prefix, Segment                          string
	Unpaid, Overdue, Limit, Rating           string
	OverdueDays, Materiality, MaterialityPct string
	Tolerance, TolerancePct                  string
	CountDisputed, PaidNowPasses             bool
}

type creditPolicyData struct {
	Company         policyForm
	Segments        []policyForm
	New             policyForm
	ReservationDays int
	Currency        money.Currency
	Actions         []string
	Saved           bool
}

// pct writes basis points as a percentage ("1.5" for 150).
func pct(lang i18n.Lang, bp int64) string { return formAmount(lang, money.New(bp, "EUR")) }

func formOf(lang i18n.Lang, prefix, seg string, v app.PolicyView, cur money.Currency) policyForm {
	return policyForm{Prefix: prefix, Segment: seg, Unpaid: string(v.UnpaidAction), Overdue: string(v.OverdueAction), Limit: string(v.LimitAction),
		Rating:      string(v.RatingAction),
		OverdueDays: strconv.Itoa(v.OverdueDays), Materiality: formAmount(lang, money.New(v.Materiality.Minor, cur)), MaterialityPct: pct(lang, v.MaterialityBP),
		Tolerance: formAmount(lang, money.New(v.Tolerance.Minor, cur)), TolerancePct: pct(lang, v.ToleranceBP),
		CountDisputed: v.CountDisputed, PaidNowPasses: v.PaidNowPasses}
}

func (s *Server) creditPolicy(w http.ResponseWriter, r *http.Request) {
	actor := sessionOf(r).Actor
	if err := actor.Check(auth.ManageCredit); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.app.CreditPolicy(r.Context(), actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	company, err := s.app.Company(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r, sessionOf(r))
	cur := company.Currency
	d := creditPolicyData{Company: formOf(lang, "company.", "", v.Company, cur), ReservationDays: v.ReservationDays, Currency: cur,
		Actions: []string{string(credit.None), string(credit.Approval), string(credit.Block)}, Saved: r.URL.Query().Get("saved") == "1"}
	segs := make([]string, 0, len(v.Segments))
	for seg := range v.Segments {
		segs = append(segs, seg)
	}
	sort.Strings(segs)
	for i, seg := range segs {
		d.Segments = append(d.Segments, formOf(lang, fmt.Sprintf("seg%d.", i), seg, v.Segments[seg], cur))
	}
	d.New = formOf(lang, "new.", "", v.Company, cur)
	s.render(w, r, "creditpolicy", http.StatusOK, s.newPage(r, "creditweb.policy_title", d))
}

// policyFrom reads one policy's fields; a field that is not a number is
// refused naming it.
func policyFrom(lang i18n.Lang, f url.Values, prefix string, cur money.Currency) (app.PolicyView, error) {
	v := app.PolicyView{UnpaidAction: credit.Action(f.Get(prefix + "unpaid")), OverdueAction: credit.Action(f.Get(prefix + "overdue")),
		LimitAction: credit.Action(f.Get(prefix + "limit")), CountDisputed: f.Get(prefix+"count_disputed") == "1",
		PaidNowPasses: f.Get(prefix+"paid_now_passes") == "1", RatingAction: credit.Action(f.Get(prefix + "rating"))}
	bad := func(field string) error {
		return &formValueError{field: field, value: f.Get(prefix + field)}
	}
	var err error
	if v.OverdueDays, err = strconv.Atoi(strings.TrimSpace(f.Get(prefix + "overdue_days"))); err != nil {
		return v, bad("overdue_days")
	}
	amount := func(field string, cur money.Currency) (money.Amount, error) {
		s := strings.TrimSpace(f.Get(prefix + field))
		if s == "" {
			return money.New(0, cur), nil
		}
		a, err := parseFormAmount(lang, s, cur)
		if err != nil || a.Minor < 0 {
			return a, bad(field)
		}
		return a, nil
	}
	var a money.Amount
	if a, err = amount("materiality_pct", "EUR"); err != nil {
		return v, err
	}
	v.MaterialityBP = a.Minor
	if a, err = amount("tolerance_pct", "EUR"); err != nil {
		return v, err
	}
	v.ToleranceBP = a.Minor
	if v.Materiality, err = amount("materiality", cur); err != nil {
		return v, err
	}
	if v.Tolerance, err = amount("tolerance", cur); err != nil {
		return v, err
	}
	return v, nil
}

// formValueError is a form field that could not be read.
type formValueError struct{ field, value string }

func (e *formValueError) Error() string { return e.field + ": " + e.value }

func (s *Server) creditPolicySave(w http.ResponseWriter, r *http.Request) {
	actor, f := sessionOf(r).Actor, r.PostForm
	if err := actor.Check(auth.ManageCredit); err != nil {
		s.fail(w, r, err)
		return
	}
	company, err := s.app.Company(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang, cur := s.lang(r, sessionOf(r)), company.Currency
	v := app.CreditPolicyView{Segments: map[string]app.PolicyView{}}
	v.ReservationDays, _ = strconv.Atoi(strings.TrimSpace(f.Get("reservation_days")))
	badForm := func(err error) {
		fe, ok := err.(*formValueError)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, "error", http.StatusBadRequest, s.newPage(r, "web.bad_request",
			errorData{Message: i18n.T(lang, "creditweb.bad_field", "field", i18n.T(lang, "creditweb.field."+fe.field)), Value: fe.value}))
	}
	if v.Company, err = policyFrom(lang, f, "company.", cur); err != nil {
		badForm(err)
		return
	}
	for i := 0; f.Has(fmt.Sprintf("seg%d.name", i)); i++ {
		prefix := fmt.Sprintf("seg%d.", i)
		if f.Get(prefix+"remove") == "1" {
			continue
		}
		if v.Segments[f.Get(prefix+"name")], err = policyFrom(lang, f, prefix, cur); err != nil {
			badForm(err)
			return
		}
	}
	if seg := strings.TrimSpace(f.Get("new.name")); seg != "" {
		if v.Segments[seg], err = policyFrom(lang, f, "new.", cur); err != nil {
			badForm(err)
			return
		}
	}
	if _, err := s.app.SaveCreditPolicy(r.Context(), actor, v); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/credit-policy?saved=1", http.StatusSeeOther)
}
