package web

import (
	"net/http"
	"strings"

	"github.com/google/uuid"

	"cobro/internal/app"
	"cobro/internal/auth"
)

// The instruments page: the cheques and promissory notes collected, queued
// by where they are (with the agent, handed in, deposited; then cleared or
// returned) and by maturity, with the actions that move them on.

func init() {
	routes = append(routes, route{"GET /instruments", false, (*Server).instrumentList})
}

type instrumentRow struct {
	app.InstrumentRowView
	Key string // the idempotency key of the row's forms
}

type instrumentsData struct {
	Board  app.InstrumentBoard
	Rows   []instrumentRow
	CanAct bool
}

func (s *Server) instrumentList(w http.ResponseWriter, r *http.Request) {
	actor := sessionOf(r).Actor
	b, err := s.app.Instruments(r.Context(), actor, r.URL.Query().Get("state"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := instrumentsData{Board: b, CanAct: actor.Can(auth.SettleInstrument)}
	for _, it := range b.Items {
		d.Rows = append(d.Rows, instrumentRow{InstrumentRowView: it, Key: uuid.NewString()})
	}
	s.render(w, r, "instruments", http.StatusOK, s.newPage(r, "instruments.title", d))
}

// backTo is where an action sends the user back: the instruments page it
// came from, else the collection's receipt.
func backTo(r *http.Request, receipt string) string {
	if b := r.PostForm.Get("back"); strings.HasPrefix(b, "/instruments") && !strings.HasPrefix(b, "//") {
		return b
	}
	return receipt
}
