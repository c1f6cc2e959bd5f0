package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// holdedExport has the shape of Holded's invoice export (Ventas >
// Facturas > Exportar): Spanish headers, day-first dates, comma decimals,
// the contact's name in "Contacto" (which the holded preset reads as the
// customer), the NIF beside it; row 4 has a due date that does not exist.
const holdedExport = `Fecha;Vencimiento;Num;Contacto;NIF;Subtotal;IVA;Total;Cobrado;Pendiente;Estado;Moneda
03/11/2026;03/12/2026;F260112;C-1;B46000001;1.000,00;210,00;1.210,00;0,00;1.210,00;Pendiente;EUR
10/11/2026;10/12/2026;F260113;C-2;B46000002;80,00;16,80;96,80;0,00;96,80;Pendiente;EUR
12/11/2026;31/11/2026;F260114;C-2;B46000002;50,00;10,50;60,50;0,00;60,50;Pendiente;EUR
14/11/2026;14/12/2026;F260115;C-1;B46000001;50,00;10,50;60,50;0,00;60,50;Borrador;EUR
`

// upload posts the import page's form with a file.
func (b *browser) upload(csrf string, fields map[string]string, file, content string) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fields["csrf"] = csrf
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if file != "" {
		fw, _ := mw.CreateFormFile("file", file)
		_, _ = io.WriteString(fw, content)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", b.base+"/imports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "en")
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

// TestImportPage: the administration uploads an export, sees the preset
// guessed, the columns with their values, and the dry run with the row
// that would be rejected; nothing is written. Who may not import may not
// open it.
func TestImportPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		b := newBrowser(t, base)
		b.signIn("alba", "correct horse battery")
		status, body, _ := b.get("/imports", "en")
		if status != 200 || !strings.Contains(body, "Import a file") || !strings.Contains(body, `href="/imports"`) {
			t.Fatalf("import page: %d\n%s", status, body)
		}
		csrf := csrfRE.FindStringSubmatch(body)[1]
		status, body = b.upload(csrf, map[string]string{"kind": "documents", "preset": "auto"}, "facturas.csv", holdedExport)
		for _, want := range []string{"holded", "guessed from the headers", "header on row 1", "decimal comma", "DD/MM/YYYY",
			"<td>NIF</td>", "B46000001", "<code>customer_id</code>", `id="count-new">2<`, `id="count-rejected">1<`,
			"<td class=\"num\">4</td><td>due_date</td><td>31/11/2026</td>", "rows skipped (skip_when)", "&#34;constants&#34;"} {
			if !strings.Contains(body, want) {
				t.Errorf("dry run page lacks %q", want)
			}
		}
		if status != 200 {
			t.Fatalf("upload: %d\n%s", status, body)
		}
		// Nothing was written.
		if _, sheet, _ := b.get("/customers/C-1", "en"); strings.Contains(sheet, "F260112") {
			t.Error("a dry run wrote a document")
		}
		// In Spanish, the reason is Spanish.
		req, _ := http.NewRequest("GET", base+"/language?lang=es&next=/imports", nil)
		res, _ := b.c.Do(req)
		res.Body.Close()
		_, body = b.upload(csrf, map[string]string{"kind": "documents", "preset": "holded"}, "facturas.csv", holdedExport)
		if !strings.Contains(body, "Simulación") || !strings.Contains(body, "Motivo") || !strings.Contains(body, "fecha") {
			t.Errorf("Spanish dry run:\n%s", body)
		}
		// A mapping that lacks what the file needs shows the problem; a bad one is refused.
		_, body = b.upload(csrf, map[string]string{"kind": "documents", "preset": "", "mapping": `{"columns": {"Num": "document_id"}}`}, "facturas.csv", holdedExport)
		if !strings.Contains(body, `id="problem"`) || strings.Contains(body, `id="report"`) {
			t.Errorf("missing columns not shown:\n%s", body)
		}
		if status, body = b.upload(csrf, map[string]string{"kind": "documents", "mapping": `{"columns": {"Num": "nonsense"}}`}, "facturas.csv", holdedExport); status != http.StatusBadRequest {
			t.Errorf("bad mapping: %d\n%s", status, body)
		}
		if status, _ = b.upload(csrf, map[string]string{"kind": "nonsense"}, "facturas.csv", holdedExport); status != http.StatusBadRequest {
			t.Errorf("bad kind: %d", status)
		}
		if status, _ = b.upload(csrf, map[string]string{"kind": "documents"}, "", ""); status != http.StatusBadRequest {
			t.Errorf("no file: %d", status)
		}
		if status, _ = b.upload("wrong", map[string]string{"kind": "documents"}, "facturas.csv", holdedExport); status != http.StatusForbidden {
			t.Errorf("no CSRF: %d", status)
		}
		if status, _ = b.upload(csrf, map[string]string{"kind": "documents"}, "big.csv", strings.Repeat("x", 17<<20+10)); status != http.StatusRequestEntityTooLarge {
			t.Errorf("too large: %d", status)
		}
		// Roles without the import action may not check a file.
		for _, user := range []string{"ana", "sergio", "marta"} {
			o := newBrowser(t, base)
			o.signIn(user, "correct horse battery")
			_, home, _ := o.get("/", "en")
			if strings.Contains(home, `href="/imports"`) {
				t.Errorf("%s's menu links to the import page", user)
			}
			if status, _ := o.upload(csrfRE.FindStringSubmatch(home)[1], map[string]string{"kind": "documents"}, "facturas.csv", holdedExport); status != http.StatusForbidden {
				t.Errorf("%s uploading: %d", user, status)
			}
		}
	})
}
