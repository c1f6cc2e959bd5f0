package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"cobro/internal/app"
	"cobro/internal/civil"
	"cobro/internal/export"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

type debtsData struct {
	List    app.DebtList
	Lists   []app.SavedList
	Group   string
	Export  string // the query string of the current filters, for export links
	Buckets []string
}

// debtParams are the URL parameters of a debt list's filters and grouping:
// what a saved list keeps.
var debtParams = []string{"agent", "zone", "route", "segment", "status", "bucket", "instrument", "min", "max",
	"due_from", "due_to", "q", "group"}

func (s *Server) debtQuery(r *http.Request) (app.DebtQuery, error) {
	c, err := s.app.Company(r.Context())
	if err != nil {
		return app.DebtQuery{}, err
	}
	return parseDebtQuery(r.URL.Query(), c.Currency)
}

// parseDebtQuery reads a debt list's URL query. Amounts are in the
// company's currency and decimal form ("1500" or "1500.50"); the app
// checks the rest.
func parseDebtQuery(v url.Values, cur money.Currency) (app.DebtQuery, error) {
	q := app.DebtQuery{Group: v.Get("group"), Cursor: v.Get("cursor")}
	f := &q.Filter
	f.Agent, f.Zone, f.Route, f.Segment = v.Get("agent"), v.Get("zone"), v.Get("route"), v.Get("segment")
	f.Status, f.Bucket, f.Instrument, f.Search = v.Get("status"), v.Get("bucket"), v.Get("instrument"), v.Get("q")
	for _, p := range []struct {
		name string
		dst  **int64
	}{{"min", &f.MinOpen}, {"max", &f.MaxOpen}} {
		if s := strings.TrimSpace(v.Get(p.name)); s != "" {
			a, err := money.Parse(s, cur, money.MarkUnknown)
			if err != nil {
				return q, (&ledger.RuleError{Err: ledger.ErrInvalid, Code: "bad_amount", Field: p.name,
					Message: fmt.Sprintf("%s: %v", p.name, err)}).WithValue(s)
			}
			*p.dst = &a.Minor
		}
	}
	for _, p := range []struct {
		name string
		dst  *civil.Date
	}{{"due_from", &f.DueFrom}, {"due_to", &f.DueTo}} {
		if s := strings.TrimSpace(v.Get(p.name)); s != "" {
			d, err := civil.Parse(s)
			if err != nil {
				return q, (&ledger.RuleError{Err: ledger.ErrInvalid, Code: "bad_date", Field: p.name,
					Message: p.name + " must be YYYY-MM-DD"}).WithValue(s)
			}
			*p.dst = d
		}
	}
	return q, nil
}

func filtersOnly(v url.Values) string {
	out := url.Values{}
	for _, p := range debtParams {
		if x := v.Get(p); x != "" {
			out.Set(p, x)
		}
	}
	return out.Encode()
}

func (s *Server) debts(w http.ResponseWriter, r *http.Request) {
	q, err := s.debtQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sess := sessionOf(r)
	list, err := s.app.Debts(r.Context(), sess.Actor, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lists, err := s.app.Lists(r.Context(), *sess)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "debts", http.StatusOK, s.newPage(r, "web.debts", debtsData{List: list, Lists: lists, Group: q.Group,
		Export: filtersOnly(r.URL.Query()), Buckets: app.DebtBuckets()}))
}

// saveList saves the current filters under a name and reopens them.
func (s *Server) saveList(w http.ResponseWriter, r *http.Request) {
	query, _ := url.ParseQuery(r.PostFormValue("query"))
	c, err := s.app.Company(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q, err := parseDebtQuery(query, c.Currency)
	if err == nil {
		err = s.app.SaveList(r.Context(), *sessionOf(r), r.PostFormValue("name"), q, filtersOnly(query))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/debts?"+filtersOnly(query), http.StatusSeeOther)
}

func (s *Server) deleteList(w http.ResponseWriter, r *http.Request) {
	if err := s.app.DeleteList(r.Context(), *sessionOf(r), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/debts", http.StatusSeeOther)
}

// exportDebts streams the whole list as CSV or XLSX, in the user's language.
func (s *Server) exportDebts(w http.ResponseWriter, r *http.Request) {
	q, err := s.debtQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r, sessionOf(r))
	format := r.PathValue("format")
	var wr export.Writer
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		wr, err = export.NewCSV(w)
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		wr, err = export.NewXLSX(w, i18n.T(lang, "web.debts"))
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="debts.%s"`, format))
	t := func(k string) string { return i18n.T(lang, k) }
	_ = wr.Write([]any{t("web.customer"), t("web.customer_name"), t("web.agent"), t("web.zone"), t("web.route"), t("web.segment"),
		t("web.document"), t("web.kind"), t("web.issued"), t("web.due"), t("web.currency"), t("web.amount"), t("fig.open"),
		t("web.status"), t("web.days_overdue_col"), t("web.instrument")})
	err = s.app.EachDebt(r.Context(), sessionOf(r).Actor, q, func(d app.DebtView) error {
		return wr.Write([]any{d.CustomerID, d.CustomerName, d.Agent, d.Zone, d.Route, d.Segment, d.Number,
			t("kind." + string(d.Kind)), d.IssueDate.String(), d.DueDate.String(), string(d.Amount.Currency),
			export.Number(d.Amount.Decimal()), export.Number(d.OpenAmount.Decimal()), t("status." + string(d.Status)),
			d.DaysOverdue, t("instrument." + string(d.Instrument))})
	})
	if err == nil {
		err = wr.Close()
	}
	if err != nil {
		// Headers are gone: all that is left is to log and cut the body.
		s.log.Error("export failed", "err", err)
	}
}
