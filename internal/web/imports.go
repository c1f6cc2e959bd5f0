package web

import (
	"errors"
	"io"
	"net/http"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/erpimport"
	"cobro/internal/i18n"
)

func init() {
	routes = append(routes,
		route{"GET /imports", false, (*Server).importForm},
		route{"POST /imports", false, (*Server).importCheck},
	)
}

// maxPostBody bounds any form posted to the pages: the largest is a file
// on the import page.
const maxPostBody = app.MaxPreviewBytes + 1<<20

// historyRows is how many imports the page lists.
const historyRows = 20

type importRow struct {
	Line                 int
	Column, Value, Error string
}

type importsData struct {
	Kinds   []string
	Presets []erpimport.Preset
	Saved   []app.SavedMapping
	Req     app.PreviewRequest
	Preview *app.ImportPreview
	Problem string // the file as mapped cannot be read: why, in the page's language
	Errors  []importRow
	Columns []string // the kind's canonical columns
	Fields  []mappingField
	History []app.ImportRunView
	Notice  string
}

func (s *Server) importsData(r *http.Request, req app.PreviewRequest) importsData {
	actor := sessionOf(r).Actor
	all, _, _, _ := erpimport.Columns(req.Kind)
	d := importsData{Kinds: erpimport.Kinds, Presets: erpimport.Presets(), Req: req, Columns: all}
	// Lists that fail to load leave the page usable: the check is what matters.
	d.Saved, _ = s.app.SavedMappings(r.Context(), actor)
	d.History, _ = s.app.ImportHistory(r.Context(), actor, historyRows)
	return d
}

// importForm is the import page: choose a file, what it holds and how to
// read it, to see the columns cobro finds and a dry run; the latest
// imports below. Only who may import opens it.
func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	if err := sessionOf(r).Actor.Check(auth.Import); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "imports", http.StatusOK, s.newPage(r, "imports.title", s.importsData(r, app.PreviewRequest{Kind: "documents", Preset: "auto"})))
}

// importCheck reads the uploaded file (or the one kept by the last check)
// and shows what cobro finds in it and what an import would do.
func (s *Server) importCheck(w http.ResponseWriter, r *http.Request) {
	req := app.PreviewRequest{Kind: r.PostFormValue("kind"), Preset: r.PostFormValue("preset"), Sheet: r.PostFormValue("sheet"),
		Mapping: []byte(r.PostFormValue("mapping")), NewCustomers: r.PostFormValue("new_customers") == "on",
		UploadID: r.PostFormValue("upload")}
	if f, h, err := r.FormFile("file"); err == nil {
		req.File = h.Filename
		req.Data, err = io.ReadAll(io.LimitReader(f, app.MaxPreviewBytes+1))
		f.Close()
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if len(req.Data) > 0 {
			req.UploadID = "" // a new file
		}
	} else if !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart) {
		s.fail(w, r, err)
		return
	}
	req.Mapping = mergeFields(req.Mapping, r.PostForm)
	s.showCheck(w, r, req, "")
}

// showCheck checks a file and renders the page with what was found.
func (s *Server) showCheck(w http.ResponseWriter, r *http.Request, req app.PreviewRequest, notice string) {
	sess := sessionOf(r)
	lang := s.lang(r, sess)
	p, err := s.app.PreviewImport(r.Context(), sess.Actor, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	req.Data, req.UploadID, req.File = nil, p.UploadID, p.File
	if len(req.Mapping) == 0 {
		req.Mapping = p.Mapping
	}
	d := s.importsData(r, req)
	d.Preview, d.Notice = &p, notice
	d.Fields = fieldsOf(d.Columns, p.Columns, p.Mapping)
	if p.Problem != nil {
		d.Problem = p.Problem.Localized(string(lang))
	}
	if p.Report != nil {
		for _, e := range p.Report.Errors {
			d.Errors = append(d.Errors, importRow{Line: e.Line, Column: e.Column, Value: e.Value, Error: e.Reason(string(lang))})
		}
	}
	s.render(w, r, "imports", http.StatusOK, s.newPage(r, "imports.title", d))
}

// kindLabel is the name of what a file holds, in the page's language.
func (p page) KindLabel(kind string) string { return i18n.T(p.Lang, "imports.kind."+kind) }
