package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cobro/internal/dbtest"
	"cobro/internal/jobs"
	"cobro/internal/store"
)

// TestBrowserImportApply: the administration uploads an export in a real
// browser, fixes the mapping's customer column in the field-by-field
// form, sees the dry run with the one bad row, applies it, watches the
// run's progress end with what was applied and rejected, and finds it in
// the history; at phone and desktop widths, with no overflow. A job
// runner applies the import, as in cobro serve.
func TestBrowserImportApply(t *testing.T) {
	chrome := newChrome(t)
	file := filepath.Join(t.TempDir(), "facturas-holded.csv")
	must(t, os.WriteFile(file, []byte(holdedByName), 0o644))
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := budget(t, chrome)
		base := setup(t, db)
		a := lastApp
		r := jobs.New(db, jobs.Config{Now: a.Now, Poll: 100 * time.Millisecond})
		jobs.Imports(r, a)
		rctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- r.Run(rctx) }()
		t.Cleanup(func() { stop(); <-done })
		for i, width := range []int64{390, 1280} {
			name := map[int64]string{390: "phone", 1280: "desktop"}[width] + "-" + db.Kind()
			must(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)))
			signInWith(t, ctx, base, "/imports", "alba")
			must(t, chromedp.Do(ctx,
				chromedp.SetUploadFiles(`input[name=file]`, []string{file}),
				chromedp.Click(`#check-form > button`),
				chromedp.WaitVisible(`#report`),
			))
			if s := text(t, ctx, "#count-rejected"); s != "3" {
				t.Fatalf("before the fix, rejected %q, want 3 (unknown customers)", s)
			}
			// The fix: customer_id read from Cuenta, in the field-by-field form.
			_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('report').remove(), true`))
			must(t, err)
			must(t, chromedp.Do(ctx,
				chromedp.SetValue(`select[name="col.customer_id"]`, "Cuenta"),
				chromedp.Click(`#check-form > button`),
				chromedp.WaitVisible(`#report`),
			))
			if s := text(t, ctx, "#count-rejected"); s != "1" {
				t.Fatalf("after the fix, rejected %q, want 1", s)
			}
			if s := text(t, ctx, "#count-new"); s != map[int]string{0: "2", 1: "0"}[i] {
				t.Fatalf("after the fix, new %q", s)
			}
			fits(t, ctx, "import check at "+name)
			shot(t, ctx, "import-apply-check-"+name+".png")
			must(t, chromedp.Do(ctx, chromedp.Click(`#apply-form button`), chromedp.WaitVisible(`#run-outcome`)))
			if s := text(t, ctx, "#count-rejected"); s != "1" {
				t.Errorf("the run rejected %q, want 1", s)
			}
			if s := text(t, ctx, "#count-new"); s != map[int]string{0: "2", 1: "0"}[i] {
				t.Errorf("the run's new %q", s)
			}
			if s := text(t, ctx, "#errors"); !strings.Contains(s, "31/11/2026") {
				t.Errorf("the run's rejected rows: %q", s)
			}
			v, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.getElementById('run-progress').value`))
			must(t, err)
			if v != 100 {
				t.Errorf("the progress bar ends at %d", v)
			}
			fits(t, ctx, "import run at "+name)
			shot(t, ctx, "import-apply-run-"+name+".png")
			must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/imports"), chromedp.WaitVisible(`#history`)))
			if s := text(t, ctx, "#history"); strings.Count(s, "facturas-holded.csv") != i+1 {
				t.Errorf("the history: %q", s)
			}
			fits(t, ctx, "import history at "+name)
			shot(t, ctx, "import-apply-history-"+name+".png")
			must(t, chromedp.Do(ctx, chromedp.Click(`header button.link`), chromedp.WaitVisible(`input[name=name]`)))
		}
	})
}
