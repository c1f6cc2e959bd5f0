package web

import (
	"bytes"
	"net/http"
	"strconv"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/i18n"
	"cobro/internal/pdf"
)

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	d, err := s.app.Dashboard(r.Context(), sessionOf(r).Actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, "web.dashboard", d)
	if actor := sessionOf(r).Actor; actor.Can(auth.ApproveCredit) {
		st, err := s.app.ApprovalStats(r.Context(), actor, 50)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.ApprovalStats = &st
	}
	s.render(w, r, "dashboard", http.StatusOK, p)
}

type customerListData struct {
	Page  app.Page[app.CustomerView]
	Query app.CustomerQuery
}

// defaultCustomerSort is the customer list page's order when none is
// asked for: the first choice of its sort box, most overdue first.
const defaultCustomerSort = "overdue"

func (s *Server) customerList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	cq := app.CustomerQuery{Agent: q.Get("agent"), Segment: q.Get("segment"), Zone: q.Get("zone"), Status: q.Get("status"),
		Search: q.Get("q"), Sort: q.Get("sort"), Cursor: q.Get("cursor"), Limit: limit}
	if cq.Sort == "" {
		cq.Sort = defaultCustomerSort // what the sort box shows first
	}
	page, err := s.app.Customers(r.Context(), sessionOf(r).Actor, cq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "customers", http.StatusOK, s.newPage(r, "web.customers", customerListData{Page: page, Query: cq}))
}

type customerSheetData struct {
	Customer app.CustomerView
	// Documents are those with something open; AwaitingERP those
	// collected in full in cobro and still open in the ERP, listed apart.
	Documents   []app.DocumentView
	AwaitingERP []app.DocumentView
	More        bool
	Collections []app.CollectionView
	ShareLinks  []app.ShareLinkView
	Collected   *app.CollectionView // just recorded (?collected=ID)
	Credit      *creditSheet        // credit.go
	Promises    *promisesSheet      // promises.go
	Rating      app.RatingView
}

// sheetDocuments bounds the open documents shown on a customer's sheet.
const sheetDocuments = 300

func (s *Server) customerSheet(w http.ResponseWriter, r *http.Request) {
	actor, id := sessionOf(r).Actor, r.PathValue("id")
	ctx := r.Context()
	c, err := s.app.Customer(ctx, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	docs, err := s.app.CustomerDocuments(ctx, actor, id, true, "", sheetDocuments)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cols, err := s.app.LatestCollectionsOf(ctx, actor, id, 20)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	links, err := s.app.ShareLinks(ctx, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := customerSheetData{Customer: c, More: docs.NextCursor != "", Collections: cols, Documents: []app.DocumentView{}, ShareLinks: links,
		Collected: collectedView(s, r)}
	if d.Rating, err = s.app.CustomerRating(ctx, actor, s.lang(r, sessionOf(r)), id); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, doc := range docs.Items {
		if doc.AwaitingERP {
			d.AwaitingERP = append(d.AwaitingERP, doc)
		} else {
			d.Documents = append(d.Documents, doc)
		}
	}
	p := s.newPage(r, "", d)
	if d.Credit, err = s.creditSheetOf(r, c, p.Lang, p.Loc); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Promises, err = s.promisesSheetOf(r, c.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, "customer", http.StatusOK, p)
}

// statement sends the customer's statement of pending invoices as a PDF.
func (s *Server) statement(w http.ResponseWriter, r *http.Request) {
	st, err := s.app.Statement(r.Context(), sessionOf(r).Actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeStatement(w, r, st)
}

// writeStatement sends a statement as a PDF, in ?lang= when given.
func (s *Server) writeStatement(w http.ResponseWriter, r *http.Request, st pdf.Statement) {
	if l := r.URL.Query().Get("lang"); l != "" {
		if lang, ok := i18n.Parse(l); ok {
			st.Lang = lang
		}
	}
	var buf bytes.Buffer
	if err := pdf.WriteStatement(&buf, st); err != nil {
		s.serverError(w, r, err)
		return
	}
	name := "statement-" + st.Customer.ID + "-" + st.AsOf.String() + ".pdf"
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+safeFilename(name)+`"`)
	_, _ = buf.WriteTo(w)
}

// safeFilename keeps a download name to characters every browser accepts.
func safeFilename(s string) string {
	out := []rune(s)
	for i, r := range out {
		if !(r == '-' || r == '.' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')) {
			out[i] = '_'
		}
	}
	return string(out)
}

type shareData struct {
	Customer app.CustomerView
	URL      string
	Days     int
}

// share makes a link to the customer's statement that works without
// signing in, to send to the customer during the visit.
func (s *Server) share(w http.ResponseWriter, r *http.Request) {
	actor, id := sessionOf(r).Actor, r.PathValue("id")
	c, err := s.app.Customer(r.Context(), actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	secret, err := s.app.ShareStatement(r.Context(), actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "share", http.StatusOK, s.newPage(r, "web.share_title", shareData{Customer: c, URL: s.baseURL(r) + auth.SharePrefix + secret,
		Days: int(app.ShareTTL.Hours() / 24)}))
}

// baseURL is where links sent outside point: the configured public URL,
// else this request's scheme and host.
func (s *Server) baseURL(r *http.Request) string {
	if s.publicURL != "" {
		return s.publicURL
	}
	scheme := "http"
	if r.TLS != nil || s.secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// shared opens a shared statement: no sign-in, the link is the key.
func (s *Server) shared(w http.ResponseWriter, r *http.Request) {
	st, err := s.app.SharedStatement(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.writeStatement(w, r, st)
}

// debtLine is one open debt on the detailed report, with what cobro has
// collected against it.
type debtLine struct {
	app.DocumentView
	Payments []payment
}

type payment struct {
	Collection app.CollectionView
	Amount     app.AllocationView
}

type reportData struct {
	Customer app.CustomerView
	Lines    []debtLine
	AsOf     string
}

// report is the detailed report of each debt of a customer: every open
// document with its dates, status, days overdue, instrument and the
// collections applied to it; printable.
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	actor, id := sessionOf(r).Actor, r.PathValue("id")
	ctx := r.Context()
	c, err := s.app.Customer(ctx, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	docs, err := s.app.CustomerDocuments(ctx, actor, id, true, "", 500)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cols, err := s.app.Collections(ctx, actor, app.CollectionQuery{CustomerID: id, Limit: 500})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byDoc := map[string][]payment{}
	for _, col := range cols.Items {
		for _, al := range col.Allocations {
			byDoc[al.DocumentID] = append(byDoc[al.DocumentID], payment{Collection: col, Amount: al})
		}
	}
	d := reportData{Customer: c, AsOf: c.FiguresAsOf.String()}
	for _, doc := range docs.Items {
		d.Lines = append(d.Lines, debtLine{DocumentView: doc, Payments: byDoc[doc.ID]})
	}
	s.render(w, r, "report", http.StatusOK, s.newPage(r, "web.report_title", d))
}
