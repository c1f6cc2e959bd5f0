package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/pdf"
)

// Settlement pages: the agent settles the day (drafts, submits); the
// administration counts what was handed in and verifies; a supervisor
// approves a count over the tolerance; PDF and CSV of each.

func init() {
	routes = append(routes,
		route{"GET /settlements", false, (*Server).settlementList},
		route{"POST /settlements", false, (*Server).settlementDraft},
		route{"GET /settlements/{id}", false, (*Server).settlementPage},
		route{"POST /settlements/{id}/{action}", false, (*Server).settlementAct},
		route{"GET /settlements/{id}/settlement.pdf", false, (*Server).settlementPDF},
		route{"GET /settlements/{id}/settlement.csv", false, (*Server).settlementCSV},
	)
}

type settlementListData struct {
	Items    []app.SettlementView
	IsAgent  bool
	CanDraft bool
	Key      string
	Today    string
}

func (s *Server) settlementList(w http.ResponseWriter, r *http.Request) {
	actor := sessionOf(r).Actor
	q := r.URL.Query()
	items, err := s.app.Settlements(r.Context(), actor, q.Get("agent"), ledger.SettlementState(q.Get("state")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today, err := s.app.Today(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "settlements", http.StatusOK, s.newPage(r, "settle.title", settlementListData{Items: items,
		IsAgent: actor.Role == auth.Agent, CanDraft: actor.Can(auth.SubmitSettlement), Key: uuid.NewString(), Today: today.String()}))
}

func (s *Server) settlementDraft(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	req := app.SettlementRequest{Agent: strings.TrimSpace(f.Get("agent"))}
	var err error
	if req.From, err = civil.Parse(f.Get("from")); err != nil {
		s.fail(w, r, &ledger.RuleError{Err: ledger.ErrInvalid, Code: "bad_date", Field: "from", Message: "from is a date", Value: f.Get("from")})
		return
	}
	if req.To, err = civil.Parse(f.Get("to")); err != nil {
		s.fail(w, r, &ledger.RuleError{Err: ledger.ErrInvalid, Code: "bad_date", Field: "to", Message: "to is a date", Value: f.Get("to")})
		return
	}
	v, replay, err := s.app.DraftSettlement(r.Context(), sessionOf(r).Actor, app.Idem{Key: formKey(f.Get("key")),
		Hash: app.HashRequest([]byte("page-settlement"), []byte(req.Agent+"|"+req.From.String()+"|"+req.To.String()))}, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := v.ID
	if replay != nil { // a resent form: the settlement it drafted
		id = replayID(replay.Body)
	}
	http.Redirect(w, r, "/settlements/"+url.PathEscape(id), http.StatusSeeOther)
}

// formKey is a form's idempotency key, or a new one for a form without.
func formKey(k string) string {
	if _, err := uuid.Parse(k); err != nil {
		return uuid.NewString()
	}
	return k
}

type settlementData struct {
	S                                app.SettlementView
	Key                              string
	CanSubmit, CanVerify, CanApprove bool
	Error                            string
	Counted                          map[ledger.Instrument]string
	Reasons                          map[ledger.Instrument]string
}

func (s *Server) settlementPage(w http.ResponseWriter, r *http.Request) {
	s.showSettlement(w, r, http.StatusOK, "", nil)
}

func (s *Server) showSettlement(w http.ResponseWriter, r *http.Request, status int, msg string, form url.Values) {
	actor := sessionOf(r).Actor
	v, err := s.app.Settlement(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r, sessionOf(r))
	d := settlementData{S: v, Key: uuid.NewString(), CanSubmit: actor.Can(auth.SubmitSettlement), CanVerify: actor.Can(auth.VerifySettlement),
		CanApprove: actor.Can(auth.ApproveSettlement), Error: msg, Counted: map[ledger.Instrument]string{}, Reasons: map[ledger.Instrument]string{}}
	for _, t := range v.Totals {
		d.Counted[t.Instrument] = formAmount(lang, t.Amount)
		if form != nil {
			d.Counted[t.Instrument] = form.Get("counted." + string(t.Instrument))
			d.Reasons[t.Instrument] = form.Get("reason." + string(t.Instrument))
		}
	}
	s.render(w, r, "settlement", status, s.newPage(r, "settle.title", d))
}

// settlementAct runs one step of the workflow from the page's forms.
func (s *Server) settlementAct(w http.ResponseWriter, r *http.Request) {
	actor, id, f := sessionOf(r).Actor, r.PathValue("id"), r.PostForm
	lang := s.lang(r, sessionOf(r))
	ctx := r.Context()
	idem := app.Idem{Key: formKey(f.Get("key")), Hash: app.HashRequest([]byte("page-settlement-"+r.PathValue("action")), []byte(id), []byte(f.Encode()))}
	var err error
	switch r.PathValue("action") {
	case "submit":
		_, _, err = s.app.SubmitSettlement(ctx, actor, idem, id)
	case "discard":
		if err = s.app.DiscardSettlement(ctx, actor, id); err == nil {
			http.Redirect(w, r, "/settlements", http.StatusSeeOther)
			return
		}
	case "verify":
		v, rerr := s.app.Settlement(ctx, actor, id)
		if rerr != nil {
			s.fail(w, r, rerr)
			return
		}
		req := app.VerifyRequest{Reasons: map[ledger.Instrument]string{}}
		for _, t := range v.Totals {
			a, perr := parseFormAmount(lang, f.Get("counted."+string(t.Instrument)), v.Total.Currency)
			if perr != nil {
				s.showSettlement(w, r, http.StatusUnprocessableEntity, i18n.T(lang, "collect.bad_total", "value", f.Get("counted."+string(t.Instrument))), f)
				return
			}
			req.Counted = append(req.Counted, app.CountedInstrument{Instrument: t.Instrument, Amount: a})
			req.Reasons[t.Instrument] = f.Get("reason." + string(t.Instrument))
		}
		if _, _, err = s.app.VerifySettlement(ctx, actor, idem, id, req); err != nil {
			if fl := app.Classify(err, lang); fl.Kind == app.KindInvalid || fl.Kind == app.KindConflict {
				s.showSettlement(w, r, http.StatusUnprocessableEntity, fl.Message, f)
				return
			}
		}
	case "approve":
		_, _, err = s.app.ApproveSettlement(ctx, actor, idem, id, f.Get("note"))
	case "reject":
		_, _, err = s.app.RejectSettlement(ctx, actor, idem, id, f.Get("reason"))
	case "export":
		_, _, err = s.app.ExportSettlement(ctx, actor, idem, id)
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		if fl := app.Classify(err, lang); fl.Kind == app.KindInvalid || fl.Kind == app.KindConflict {
			s.showSettlement(w, r, http.StatusUnprocessableEntity, fl.Message, nil)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settlements/"+url.PathEscape(id), http.StatusSeeOther)
}

func (s *Server) settlementPDF(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.Settlement(r.Context(), sessionOf(r).Actor, r.PathValue("id"))
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
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		lang = l
	}
	loc, _ := s.app.Location(r.Context())
	var buf bytes.Buffer
	if err := pdf.WriteSettlement(&buf, settlementDoc(lang, company, loc, v)); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+safeFilename("settlement-"+v.Agent+"-"+v.From.String()+".pdf")+`"`)
	_, _ = buf.WriteTo(w)
}

// settlementDoc is a settlement as its PDF prints it.
func settlementDoc(lang i18n.Lang, company ledger.Company, loc *time.Location, v app.SettlementView) pdf.Settlement {
	doc := pdf.Settlement{Lang: lang, Company: company, Loc: loc, Agent: v.Agent, From: v.From, To: v.To, State: string(v.State),
		Total: v.Total, Difference: v.Difference, CountedBy: v.CountedBy, ApprovedBy: v.ApprovedBy}
	for _, t := range v.Totals {
		doc.Totals = append(doc.Totals, pdf.SettlementTotal{Instrument: t.Instrument, Count: t.Count, Amount: t.Amount})
	}
	for _, c := range v.Collections {
		doc.Lines = append(doc.Lines, pdf.SettlementLine{Receipt: c.ReceiptNumber, CollectedAt: c.CollectedAt, Customer: c.CustomerID,
			Instrument: c.Instrument, Amount: c.Amount, Correction: c.Correction})
	}
	for _, d := range v.Counted {
		doc.Counted = append(doc.Counted, pdf.SettlementCount{Instrument: d.Instrument, Expected: d.Expected, Counted: d.Counted,
			Difference: d.Difference, Reason: d.Reason})
	}
	return doc
}

func (s *Server) settlementCSV(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.Settlement(r.Context(), sessionOf(r).Actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := s.lang(r, sessionOf(r))
	loc, _ := s.app.Location(r.Context())
	if loc == nil {
		loc = time.UTC
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	t := func(k string) string { return i18n.T(lang, k) }
	_ = cw.Write([]string{t("settle.csv_settlement"), t("web.agent"), t("receipt.title"), t("web.date"), t("web.customer"),
		t("web.instrument"), t("collect.number"), t("web.amount"), t("web.currency"), t("settle.correction")})
	for _, c := range v.Collections {
		corr := ""
		if c.Correction {
			corr = t("settle.correction")
		}
		_ = cw.Write([]string{v.ID, v.Agent, c.ReceiptNumber, c.CollectedAt.In(loc).Format("2006-01-02 15:04"), c.CustomerID,
			string(c.Instrument.Kind), c.Instrument.Number, c.Amount.Decimal(), string(c.Amount.Currency), corr})
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+safeFilename("settlement-"+v.Agent+"-"+v.From.String()+".csv")+`"`)
	_, _ = buf.WriteTo(w)
}

// replayID is the id in a replayed answer.
func replayID(body []byte) string {
	var v struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(body, &v)
	return v.ID
}
