package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// holdedByName has the shape of Holded's invoice export with the
// contact's name in "Contacto" (what the holded preset reads as the
// customer) and the company's own account code in "Cuenta": the mapping
// needs a fix (customer_id from Cuenta). Row 4's due date does not exist.
const holdedByName = `Fecha;Vencimiento;Num;Contacto;Cuenta;Subtotal;IVA;Total;Cobrado;Pendiente;Estado;Moneda
03/11/2026;03/12/2026;F260112;Ferretería Núñez;C-1;1.000,00;210,00;1.210,00;0,00;1.210,00;Pendiente;EUR
10/11/2026;10/12/2026;F260113;Smith & Sons Ltd;C-2;80,00;16,80;96,80;0,00;96,80;Pendiente;EUR
12/11/2026;31/11/2026;F260114;Smith & Sons Ltd;C-2;50,00;10,50;60,50;0,00;60,50;Pendiente;EUR
`

// TestBrowserImportPage: the administration uploads an export in a real
// browser, sees every row rejected for an unknown customer, fixes the
// mapping's customer column, and sees the dry run with the one bad row;
// at phone and desktop widths, with no horizontal overflow.
func TestBrowserImportPage(t *testing.T) {
	chrome := newChrome(t)
	file := filepath.Join(t.TempDir(), "facturas-holded.csv")
	must(t, os.WriteFile(file, []byte(holdedByName), 0o644))
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := budget(t, chrome)
		base := setup(t, db)
		for _, width := range []int64{390, 1280} {
			must(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)))
			signInWith(t, ctx, base, "/imports", "alba")
			must(t, chromedp.Do(ctx,
				chromedp.SetUploadFiles(`input[name=file]`, []string{file}),
				chromedp.Click(`form.import-form button`),
			))
			waitFor(t, ctx, `#report`)
			if s := text(t, ctx, "#found"); !strings.Contains(s, "holded") || !strings.Contains(s, "Cuenta") {
				t.Fatalf("what cobro finds: %q", s)
			}
			if s := text(t, ctx, "#count-rejected"); s != "3" {
				t.Fatalf("before the fix, rejected %q, want 3 (unknown customers)", s)
			}
			mapping, err := chromedp.Run(ctx, chromedp.Value(`textarea[name=mapping]`))
			must(t, err)
			fixed := strings.Replace(mapping, `"Contacto": "customer_id"`, `"Contacto": "customer_name", "Cuenta": "customer_id"`, 1)
			if fixed == mapping {
				t.Fatalf("the mapping does not read Contacto as the customer:\n%s", mapping)
			}
			// The old report goes, so that the wait below is for the new page's.
			_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('report').remove(), true`))
			must(t, err)
			must(t, chromedp.Do(ctx,
				chromedp.SetValue(`textarea[name=mapping]`, fixed),
				chromedp.SetUploadFiles(`input[name=file]`, []string{file}),
				chromedp.Click(`form.import-form button`),
				chromedp.WaitVisible(`#errors`),
			))
			if s := text(t, ctx, "#count-rejected"); s != "1" {
				t.Fatalf("after the fix, rejected %q, want 1", s)
			}
			if s := text(t, ctx, "#count-new"); s != "2" {
				t.Fatalf("after the fix, new %q, want 2", s)
			}
			if s := text(t, ctx, "#errors"); !strings.Contains(s, "31/11/2026") || !strings.Contains(s, "due_date") {
				t.Fatalf("error rows: %q", s)
			}
			overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
			must(t, err)
			if overflow {
				t.Errorf("the import page overflows at %d px", width)
			}
			shot(t, ctx, "import-page-"+map[int64]string{390: "phone", 1280: "desktop"}[width]+"-"+db.Kind()+".png")
			must(t, chromedp.Do(ctx, chromedp.Click(`header button.link`), chromedp.WaitVisible(`input[name=name]`)))
		}
	})
}
