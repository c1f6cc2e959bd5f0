package web_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"cobro/internal/dbtest"
	"cobro/internal/jobs"
	"cobro/internal/store"
)

var (
	uploadRE  = regexp.MustCompile(`name="upload" value="([^"]+)"`)
	appliedRE = regexp.MustCompile(`(?s)id="apply-form".*?name="mapping" value="([^"]*)"`)
	textRE    = regexp.MustCompile(`(?s)<textarea name="mapping"[^>]*>(.*?)</textarea>`)
)

// postPage posts a form and returns the status, the answer and its headers.
func (b *browser) postPage(path, lang string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", lang)
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body), res.Header
}

// TestImportApplyPage: the file checked on the page is kept; a field of
// the field-by-field form changes the mapping; the mapping is saved under
// a name and read a later upload; "Apply" queues the import, the job
// applies it, and the run's page, its progress and its errors as CSV (in
// the user's language) say what was applied and what was rejected; the
// history lists it. Who may not import may not apply.
func TestImportApplyPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		a := lastApp
		b := newBrowser(t, base)
		b.signIn("alba", "correct horse battery")
		_, body, _ := b.get("/imports", "en")
		csrf := csrfRE.FindStringSubmatch(body)[1]
		_, body = b.upload(csrf, map[string]string{"kind": "documents", "preset": "holded"}, "facturas.csv", holdedExport)
		up := uploadRE.FindStringSubmatch(body)
		mapping := appliedRE.FindStringSubmatch(body)
		if up == nil || mapping == nil || !strings.Contains(body, `name="col.customer_id"`) || !strings.Contains(body, `id="history"`) {
			t.Fatalf("the checked page has no kept file, applied mapping or fields:\n%s", body)
		}
		checked := html.UnescapeString(mapping[1])
		// The field form: customer_id from NIF instead of Contacto, checked
		// again from the kept file (no file sent).
		_, body = b.upload(csrf, map[string]string{"kind": "documents", "upload": up[1], "mapping": checked,
			"col.customer_id": "NIF", "was.col.customer_id": "Contacto"}, "", "")
		if tm := textRE.FindStringSubmatch(body); tm == nil || !strings.Contains(html.UnescapeString(tm[1]), `"NIF": "customer_id"`) ||
			strings.Contains(html.UnescapeString(tm[1]), `"Contacto": "customer_id"`) || !strings.Contains(body, `id="count-rejected">3<`) {
			t.Fatalf("the field did not change the mapping:\n%s", body)
		}
		// The dry run's rejected rows download as CSV, in the user's language.
		fixedMapping := html.UnescapeString(textRE.FindStringSubmatch(body)[1])
		status, csvBody, hdr := b.postPage("/imports/errors.csv", "es", url.Values{"csrf": {csrf}, "upload": {up[1]}, "kind": {"documents"},
			"mapping": {fixedMapping}})
		if lines := strings.Split(strings.TrimSpace(csvBody), "\n"); status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") ||
			len(lines) != 4 || !strings.Contains(lines[0], "Fila") {
			t.Fatalf("dry-run errors CSV: %d %v\n%s", status, hdr, csvBody)
		}
		// The mapping as first checked, saved under a name, reads a later upload.
		status, body, _ = b.postPage("/imports/mappings", "en", url.Values{"csrf": {csrf}, "name": {"Holded (ours)"}, "kind": {"documents"},
			"mapping": {checked}, "upload": {up[1]}})
		if status != 200 || !strings.Contains(body, `id="notice"`) || !strings.Contains(body, `value="saved:Holded (ours)"`) {
			t.Fatalf("save mapping: %d\n%s", status, body)
		}
		_, body = b.upload(csrf, map[string]string{"kind": "documents", "preset": "saved:Holded (ours)"}, "again.csv", holdedExport)
		if !strings.Contains(body, `id="count-new">2<`) {
			t.Fatalf("the saved mapping does not read the file:\n%s", body)
		}
		// Apply: queued, then applied by the job.
		status, _, h := b.postPage("/imports/apply", "en", url.Values{"csrf": {csrf}, "upload": {up[1]}, "kind": {"documents"}, "mapping": {checked}})
		loc := h.Get("Location")
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/imports/runs/") {
			t.Fatalf("apply: %d %s", status, loc)
		}
		_, body, _ = b.get(loc, "en")
		if !strings.Contains(body, "queued") || !strings.Contains(body, `src="/static/imports.js"`) || !strings.Contains(body, "<progress") {
			t.Fatalf("the queued run's page:\n%s", body)
		}
		r := jobs.New(db, jobs.Config{Now: a.Now})
		jobs.Imports(r, a)
		if _, err := r.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		_, body, _ = b.get(loc+"/progress", "es")
		var p struct {
			State                string
			StateText            string `json:"state_text"`
			Finished             bool
			Percent              int
			Rows, Total, Skipped int64
			Inserted, Rejected   int64
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil || !p.Finished || p.Percent != 100 || p.Rows != 3 || p.Total != 3 ||
			p.Inserted != 2 || p.Rejected != 1 || p.StateText != "terminada" {
			t.Fatalf("progress %s: %+v %v", body, p, err)
		}
		_, body, _ = b.get(loc, "en")
		for _, want := range []string{`id="count-new">2<`, `id="count-rejected">1<`, "2 applied, 1 rejected", "31/11/2026",
			`href="` + loc + `/errors.csv"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the run's page lacks %q", want)
			}
		}
		if strings.Contains(body, "imports.js") {
			t.Error("a finished run's page still polls")
		}
		if _, sheet, _ := b.get("/customers/C-1", "en"); !strings.Contains(sheet, "F260112") {
			t.Error("the applied import did not write F260112")
		}
		status, csv, hh := b.get(loc+"/errors.csv", "es")
		if status != 200 || !strings.HasPrefix(hh.Get("Content-Type"), "text/csv") || !strings.Contains(csv, "Fila,Columna,Valor,Código,Motivo") ||
			!strings.Contains(csv, "4,due_date,31/11/2026,bad_date,") || !strings.Contains(csv, "fecha") {
			t.Errorf("errors CSV %d:\n%s", status, csv)
		}
		_, body, _ = b.get("/imports", "en")
		if !strings.Contains(body, `href="`+loc+`"`) || !strings.Contains(body, "this page") || !strings.Contains(body, "done") {
			t.Errorf("the history lacks the run:\n%s", body)
		}
		// A POST without the token, and roles without the import action, are refused.
		if status, _, _ := b.postPage("/imports/apply", "en", url.Values{"upload": {up[1]}, "kind": {"documents"}}); status != http.StatusForbidden {
			t.Errorf("apply without CSRF: %d", status)
		}
		if status, _, _ := b.postPage("/imports/apply", "en", url.Values{"csrf": {csrf}, "upload": {"gone"}, "kind": {"documents"}}); status != http.StatusBadRequest {
			t.Errorf("apply of a file not kept: %d", status)
		}
		for _, user := range []string{"ana", "sergio", "marta"} {
			o := newBrowser(t, base)
			o.signIn(user, "correct horse battery")
			_, home, _ := o.get("/", "en")
			tok := csrfRE.FindStringSubmatch(home)[1]
			for _, path := range []string{"/imports/apply", "/imports/mappings", "/imports/errors.csv"} {
				if status, _, _ := o.postPage(path, "en", url.Values{"csrf": {tok}, "upload": {up[1]}, "kind": {"documents"}, "name": {"x"},
					"mapping": {"{}"}}); status != http.StatusForbidden {
					t.Errorf("%s posting %s: %d", user, path, status)
				}
			}
			if status, _, _ := o.get(loc, "en"); status != http.StatusForbidden {
				t.Errorf("%s reading a run: %d", user, status)
			}
		}
	})
}
