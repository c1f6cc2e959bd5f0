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

type importRow struct {
	Line                 int
	Column, Value, Error string
}

type importsData struct {
	Kinds   []string
	Presets []erpimport.Preset
	Req     app.PreviewRequest
	Preview *app.ImportPreview
	Problem string // the file as mapped cannot be read: why, in the page's language
	Errors  []importRow
	Columns []string // the kind's canonical columns
}

func (s *Server) importsData(req app.PreviewRequest) importsData {
	all, _, _, _ := erpimport.Columns(req.Kind)
	return importsData{Kinds: erpimport.Kinds, Presets: erpimport.Presets(), Req: req, Columns: all}
}

// importForm is the import page: choose a file, what it holds and how to
// read it, to see the columns cobro finds and a dry run. Only who may
// import opens it.
func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	if err := sessionOf(r).Actor.Check(auth.Import); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "imports", http.StatusOK, s.newPage(r, "imports.title", s.importsData(app.PreviewRequest{Kind: "documents", Preset: "auto"})))
}

// importCheck reads the uploaded file and shows what cobro finds in it
// and what an import would do; nothing is written or kept.
func (s *Server) importCheck(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	lang := s.lang(r, sess)
	req := app.PreviewRequest{Kind: r.PostFormValue("kind"), Preset: r.PostFormValue("preset"), Sheet: r.PostFormValue("sheet"),
		Mapping: []byte(r.PostFormValue("mapping")), NewCustomers: r.PostFormValue("new_customers") == "on"}
	if f, h, err := r.FormFile("file"); err == nil {
		req.File = h.Filename
		req.Data, err = io.ReadAll(io.LimitReader(f, app.MaxPreviewBytes+1))
		f.Close()
		if err != nil {
			s.serverError(w, r, err)
			return
		}
	} else if !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart) {
		s.fail(w, r, err)
		return
	}
	p, err := s.app.PreviewImport(r.Context(), sess.Actor, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	req.Data = nil
	if len(req.Mapping) == 0 {
		req.Mapping = p.Mapping
	}
	d := s.importsData(req)
	d.Preview = &p
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
