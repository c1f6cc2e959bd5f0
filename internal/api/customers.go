package api

import (
	"bytes"
	"net/http"
	"strconv"

	"cobro/internal/app"
	"cobro/internal/erpimport"
	"cobro/internal/money"
)

func queryLimit(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, &apiError{status: http.StatusBadRequest, code: "bad_limit", field: "limit", value: s}
	}
	return n, nil
}

func queryBool(r *http.Request, name string) (bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, &apiError{status: http.StatusBadRequest, code: "bad_query", field: name, value: s}
	}
	return b, nil
}

func (s *Server) customersList(w http.ResponseWriter, r *http.Request) {
	limit, err := queryLimit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	overdue, err := queryBool(r, "overdue")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	page, err := s.app.Customers(r.Context(), actorOf(r), app.CustomerQuery{Agent: q.Get("agent"), Segment: q.Get("segment"),
		Zone: q.Get("zone"), Sort: q.Get("sort"), Status: q.Get("status"),
		Search: q.Get("search"), Overdue: overdue, Cursor: q.Get("cursor"), Limit: limit})
	s.answer(w, r, http.StatusOK, page, nil, err)
}

func (s *Server) customerGet(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.Customer(r.Context(), actorOf(r), r.PathValue("id"))
	s.answer(w, r, http.StatusOK, v, nil, err)
}

func (s *Server) customerDocuments(w http.ResponseWriter, r *http.Request) {
	limit, err := queryLimit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	open, err := queryBool(r, "open")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := s.app.CustomerDocuments(r.Context(), actorOf(r), r.PathValue("id"), open, r.URL.Query().Get("cursor"), limit)
	s.answer(w, r, http.StatusOK, page, nil, err)
}

// bulkOptions reads ?dry_run, ?atomic and ?snapshot of a bulk upsert.
func bulkOptions(r *http.Request) (app.ImportOptions, error) {
	opt := app.ImportOptions{File: "request body", Format: erpimport.FormatJSON, Decimal: money.MarkPoint}
	var err error
	if opt.DryRun, err = queryBool(r, "dry_run"); err != nil {
		return opt, err
	}
	if opt.Atomic, err = queryBool(r, "atomic"); err != nil {
		return opt, err
	}
	switch sn := app.Snapshot(r.URL.Query().Get("snapshot")); sn {
	case app.NoSnapshot, app.SnapshotCustomers, app.SnapshotAll:
		opt.Snapshot = sn
	default:
		return opt, &apiError{status: http.StatusBadRequest, code: "bad_query", field: "snapshot", value: string(sn)}
	}
	return opt, nil
}

// bulk runs an import of a JSON array body. Upserts by ERP id are
// idempotent by nature, so a retried request changes nothing more; the
// answer lists every rejected item by its index and why, and counts the
// rest.
func (s *Server) bulk(w http.ResponseWriter, r *http.Request,
	run func(*app.App, *http.Request, *bytes.Reader, app.ImportOptions) (app.ImportReport, error)) {
	opt, err := bulkOptions(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := s.readBody(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := run(s.app, r, bytes.NewReader(body), opt)
	if err != nil && err != app.ErrAtomicRejected {
		s.fail(w, r, err)
		return
	}
	for _, e := range rep.Errors {
		e.Message = e.Localized(string(langOf(r)))
	}
	status := http.StatusOK
	if rep.Rejected > 0 {
		status = http.StatusMultiStatus
	}
	if err == app.ErrAtomicRejected {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, rep)
}

func (s *Server) customersBulk(w http.ResponseWriter, r *http.Request) {
	s.bulk(w, r, func(a *app.App, r *http.Request, body *bytes.Reader, opt app.ImportOptions) (app.ImportReport, error) {
		return a.ImportCustomers(r.Context(), actorOf(r), body, opt)
	})
}

func (s *Server) documentsBulk(w http.ResponseWriter, r *http.Request) {
	s.bulk(w, r, func(a *app.App, r *http.Request, body *bytes.Reader, opt app.ImportOptions) (app.ImportReport, error) {
		return a.ImportDocuments(r.Context(), actorOf(r), body, opt)
	})
}
