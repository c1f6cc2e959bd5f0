package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"cobro/internal/app"
	"cobro/internal/export"
	"cobro/internal/i18n"
)

func init() {
	routes = append(routes,
		route{"POST /imports/apply", false, (*Server).importApply},
		route{"POST /imports/mappings", false, (*Server).importMappingSave},
		route{"GET /imports/runs/{id}", false, (*Server).importRun},
		route{"GET /imports/runs/{id}/progress", false, (*Server).importProgress},
		route{"GET /imports/runs/{id}/errors.csv", false, (*Server).importErrorsCSV},
		route{"POST /imports/errors.csv", false, (*Server).importCheckErrorsCSV},
	)
}

// runErrorsShown bounds the rejected cells a run's page lists; the CSV
// has them all (up to the report's bound).
const runErrorsShown = 500

// importApply queues the import of the file the page checked, with the
// mapping it was checked with, and shows the run's progress.
func (s *Server) importApply(w http.ResponseWriter, r *http.Request) {
	run, err := s.app.ApplyImport(r.Context(), sessionOf(r).Actor, app.ApplyRequest{UploadID: r.PostFormValue("upload"),
		Kind: r.PostFormValue("kind"), Mapping: []byte(r.PostFormValue("mapping")), Sheet: r.PostFormValue("sheet"),
		NewCustomers: r.PostFormValue("new_customers") == "on"})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/imports/runs/"+url.PathEscape(run), http.StatusSeeOther)
}

// importMappingSave saves the mapping the page checked under a name and
// shows the check again, the name now among the mappings to read with.
func (s *Server) importMappingSave(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	name, kind, mapping := r.PostFormValue("name"), r.PostFormValue("kind"), []byte(r.PostFormValue("mapping"))
	if err := s.app.SaveMapping(r.Context(), sess.Actor, name, kind, mapping); err != nil {
		s.fail(w, r, err)
		return
	}
	notice := i18n.T(s.lang(r, sess), "imports.mapping_saved", "name", name)
	if r.PostFormValue("upload") == "" {
		http.Redirect(w, r, "/imports", http.StatusSeeOther)
		return
	}
	s.showCheck(w, r, app.PreviewRequest{Kind: kind, UploadID: r.PostFormValue("upload"), Mapping: mapping,
		Sheet: r.PostFormValue("sheet"), NewCustomers: r.PostFormValue("new_customers") == "on"}, notice)
}

type runData struct {
	Run    app.ImportRunView
	Errors []importRow
	More   bool // more errors than listed: the CSV has them
}

// importRun is one import's report: its state and progress (followed by
// static/imports.js while it runs), its counts and its rejected cells.
func (s *Server) importRun(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	v, err := s.app.ImportProgress(r.Context(), sess.Actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if v.ID != r.PathValue("id") { // the job went on in a later run
		http.Redirect(w, r, "/imports/runs/"+url.PathEscape(v.ID), http.StatusSeeOther)
		return
	}
	errs, err := s.app.ImportRunErrors(r.Context(), sess.Actor, v.ID, runErrorsShown+1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := string(s.lang(r, sess))
	d := runData{Run: v, More: len(errs) > runErrorsShown}
	for i, e := range errs {
		if i == runErrorsShown {
			break
		}
		d.Errors = append(d.Errors, importRow{Line: e.Line, Column: e.Column, Value: e.Value, Error: e.Reason(lang)})
	}
	s.render(w, r, "importrun", http.StatusOK, s.newPage(r, "imports.run_title", d))
}

// runProgress is what static/imports.js reads while a run goes on.
type runProgress struct {
	ID        string `json:"id"`
	State     string `json:"state"`
	StateText string `json:"state_text"`
	Finished  bool   `json:"finished"`
	Percent   int    `json:"percent"`
	Total     int64  `json:"total"`
	Rows      int64  `json:"rows"`
	Inserted  int64  `json:"inserted"`
	Updated   int64  `json:"updated"`
	Unchanged int64  `json:"unchanged"`
	Rejected  int64  `json:"rejected"`
	Skipped   int64  `json:"skipped"`
}

// importProgress is a run's progress as JSON (the run its job went on in,
// when the first was interrupted: the script follows the id).
func (s *Server) importProgress(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	v, err := s.app.ImportProgress(r.Context(), sess.Actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := runProgress{ID: v.ID, State: v.State, StateText: i18n.T(s.lang(r, sess), "imports.state."+v.State), Finished: v.Finished(),
		Percent: v.Percent(), Total: v.Total, Rows: v.Rows, Inserted: v.Inserted, Updated: v.Updated, Unchanged: v.Unchanged,
		Rejected: v.Rejected, Skipped: v.Skipped}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(p)
}

// importErrorsCSV is a run's rejected cells as CSV, the reasons in the
// user's language, formulas neutralised (the values are the file's).
// importCheckErrorsCSV checks the kept file again with the page's mapping
// (a dry run: nothing is written) and downloads its rejected rows as CSV,
// to fix them in the file before applying.
func (s *Server) importCheckErrorsCSV(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	req := app.PreviewRequest{Kind: r.PostFormValue("kind"), Sheet: r.PostFormValue("sheet"), Mapping: []byte(r.PostFormValue("mapping")),
		NewCustomers: r.PostFormValue("new_customers") == "on", UploadID: r.PostFormValue("upload")}
	p, err := s.app.PreviewImport(r.Context(), sess.Actor, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows []importErrorRow
	if p.Report != nil {
		for _, e := range p.Report.Errors {
			rows = append(rows, importErrorRow{e.Line, e.Column, e.Value, e.Code, e.Reason})
		}
	}
	writeImportErrors(w, s.lang(r, sess), "errors-"+p.File+".csv", rows)
}

// importErrorRow is a rejected cell as the errors CSV lists it.
type importErrorRow struct {
	Line                int
	Column, Value, Code string
	Reason              func(lang string) string
}

// writeImportErrors writes rejected cells as a CSV file in lang: row,
// column, value, code and the reason in words.
func writeImportErrors(w http.ResponseWriter, lang i18n.Lang, file string, rows []importErrorRow) {
	t := func(k string) string { return i18n.T(lang, k) }
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+safeFilename(file)+`"`)
	cw, err := export.NewCSV(w)
	if err != nil {
		return
	}
	_ = cw.Write([]any{t("imports.row"), t("imports.column"), t("imports.value"), t("imports.code"), t("imports.reason")})
	for _, e := range rows {
		_ = cw.Write([]any{strconv.Itoa(e.Line), e.Column, e.Value, e.Code, e.Reason(string(lang))})
	}
	_ = cw.Close()
}

func (s *Server) importErrorsCSV(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	v, err := s.app.ImportProgress(r.Context(), sess.Actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	errs, err := s.app.ImportRunErrors(r.Context(), sess.Actor, v.ID, app.MaxReportedErrors)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]importErrorRow, 0, len(errs))
	for _, e := range errs {
		rows = append(rows, importErrorRow{e.Line, e.Column, e.Value, e.Code, e.Reason})
	}
	writeImportErrors(w, s.lang(r, sess), "errors-"+v.File+".csv", rows)
}
