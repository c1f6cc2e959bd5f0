package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"cobro/internal/app"
	"cobro/internal/civil"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/pdf"
)

// The collections page: every collection the user may see, newest first,
// filtered, with a total that foots; new ones appear live (server-sent
// events fed from the database, so any app server shares them). The
// receipt page carries the actions on one collection (void, clear, return).

func init() {
	routes = append(routes,
		route{"GET /collections", false, (*Server).collectionList},
		route{"GET /collections/live", false, (*Server).collectionLive},
		route{"POST /collections/{id}/{action}", false, (*Server).collectionAct},
	)
}

// livePoll is how often the live feed looks for new collections, and
// liveFor how long one stream lasts (the browser reconnects by itself).
var livePoll, liveFor = 2 * time.Second, 25 * time.Second

type collectionListData struct {
	List    app.CollectionList
	Query   url.Values
	Filters url.Values // the filters as the live feed takes them
}

func collectionSearch(q url.Values) app.CollectionSearch {
	s := app.CollectionSearch{Agent: q.Get("agent"), Instrument: q.Get("instrument"), State: q.Get("state")}
	s.From, _ = civil.Parse(q.Get("from"))
	s.To, _ = civil.Parse(q.Get("to"))
	return s
}

func (s *Server) collectionList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	list, err := s.app.SearchCollections(r.Context(), sessionOf(r).Actor, collectionSearch(q))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := url.Values{}
	for _, k := range []string{"agent", "instrument", "state", "from", "to"} {
		if v := q.Get(k); v != "" {
			f.Set(k, v)
		}
	}
	f.Set("total", strconv.FormatInt(list.Total.Minor, 10))
	f.Set("after_at", list.LatestAt)
	f.Set("after_id", list.LatestID)
	s.render(w, r, "collections", http.StatusOK, s.newPage(r, "collections.title", collectionListData{List: list, Query: q, Filters: f}))
}

// liveRow is a new collection as the page's script adds it: formatted here,
// in the user's language.
type liveRow struct {
	ID, When, Customer, CustomerID, Instrument, Receipt, Amount, State, StateLabel string
	// Total is the page's total with this one, formatted.
	Total string
}

// collectionLive streams new collections as server-sent events.
func (s *Server) collectionLive(w http.ResponseWriter, r *http.Request) {
	fl := http.NewResponseController(w)
	actor, lang := sessionOf(r).Actor, s.lang(r, sessionOf(r))
	q := r.URL.Query()
	search := collectionSearch(q)
	search.AfterAt, search.AfterID = q.Get("after_at"), q.Get("after_id")
	if id := r.Header.Get("Last-Event-ID"); id != "" { // a reconnection goes on from the last one received
		var last struct {
			At, ID string
			Total  int64
		}
		if json.Unmarshal([]byte(id), &last) == nil && last.At != "" {
			search.AfterAt, search.AfterID = last.At, last.ID
			q.Set("total", strconv.FormatInt(last.Total, 10))
		}
	}
	if search.AfterAt == "" {
		http.Error(w, "after_at is required", http.StatusBadRequest)
		return
	}
	loc, _ := s.app.Location(r.Context())
	company, err := s.app.Company(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	total, _ := strconv.ParseInt(q.Get("total"), 10, 64)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 3000\n\n")
	_ = fl.Flush()
	end := time.After(liveFor)
	tick := time.NewTicker(livePoll)
	defer tick.Stop()
	for {
		list, err := s.app.SearchCollections(r.Context(), actor, search)
		if err != nil {
			return
		}
		for _, c := range list.Items {
			if c.State != "voided" && c.Amount.Currency == company.Currency {
				if sum, ok := money.AddMinor(total, c.Amount.Minor); ok {
					total = sum
				}
			}
			row := liveRow{Total: i18n.Money(lang, money.New(total, company.Currency)), ID: c.ID, When: i18n.DateTime(lang, c.CollectedAt, loc), Customer: c.CustomerName, CustomerID: c.CustomerID,
				Instrument: pdf.ReceiptInstrument(lang, c.Instrument), Receipt: c.ReceiptNumber, Amount: i18n.Money(lang, c.Amount),
				State: string(c.State), StateLabel: i18n.T(lang, "cstate."+string(c.State))}
			b, _ := json.Marshal(row)
			last, _ := json.Marshal(struct {
				At, ID string
				Total  int64
			}{app.Stamp(c.RecordedAt), c.ID, total})
			fmt.Fprintf(w, "id: %s\nevent: collection\ndata: %s\n\n", last, b)
			search.AfterAt, search.AfterID = app.Stamp(c.RecordedAt), c.ID
		}
		_ = fl.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-end:
			return
		case <-tick.C:
		}
	}
}

// collectionAct voids, clears or returns a collection from its receipt page.
func (s *Server) collectionAct(w http.ResponseWriter, r *http.Request) {
	actor, id, f := sessionOf(r).Actor, r.PathValue("id"), r.PostForm
	idem := app.Idem{Key: formKey(f.Get("key")), Hash: app.HashRequest([]byte("page-collection-"+r.PathValue("action")), []byte(id), []byte(f.Get("reason")))}
	var err error
	switch r.PathValue("action") {
	case "void":
		_, _, err = s.app.VoidCollection(r.Context(), actor, idem, id, f.Get("reason"))
	case "clear":
		_, _, err = s.app.ClearCollection(r.Context(), actor, idem, id)
	case "return":
		_, _, err = s.app.ReturnCollection(r.Context(), actor, idem, id, f.Get("reason"))
	case "handin":
		_, _, err = s.app.MoveInstrument(r.Context(), actor, idem, id, ledger.HandedIn)
	case "deposit":
		_, _, err = s.app.MoveInstrument(r.Context(), actor, idem, id, ledger.Deposited)
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, backTo(r, "/collections/"+url.PathEscape(id)+"/receipt"), http.StatusSeeOther)
}
