package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// chromium finds the system Chromium (Debian package `chromium`; installed
// by scripts/test.sh). Without it the browser tests are skipped, or fail
// under CI.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("COBRO_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is required under CI (apt-get install chromium)")
	}
	t.Skip("Chromium not installed: browser tests skipped")
	return ""
}

// screenshotDir is where the browser tests leave their screenshots
// (git-ignored).
func screenshotDir(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newChrome starts a headless Chromium with a fresh profile and no
// background networking (the machine has no internet to reach).
func newChrome(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "es-ES"), chromedp.Flag("accept-lang", "es-ES,es"), chromedp.WindowSize(390, 844),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// The browser itself must start: a first (empty) action does that.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// budget bounds one database's share of a browser test: a stuck step
// fails that subtest, with time left for the other database.
func budget(t *testing.T, ctx context.Context) context.Context {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	must(t, err)
	return s
}

// shot saves a full-page PNG (quality 100 means PNG; below it is JPEG).
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(screenshotDir(t), name), png, 0o644))
}

func signInWith(t *testing.T, ctx context.Context, base, path, user string) {
	t.Helper()
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(`input[name=name]`),
		chromedp.SendKeys(`input[name=name]`, user),
		chromedp.SendKeys(`input[name=password]`, "correct horse battery"),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`header nav`), // only signed-in pages have it
	))
}

func TestBrowserAgentFlow(t *testing.T) {
	chrome := newChrome(t)
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := budget(t, chrome)
		base := setup(t, db)
		// An unauthenticated page goes to sign-in, and back after it.
		signInWith(t, ctx, base, "/customers", "ana")
		loc, err := chromedp.Run(ctx, chromedp.Location())
		must(t, err)
		if !strings.HasSuffix(loc, "/customers") {
			t.Fatalf("after sign-in: %s", loc)
		}
		list := text(t, ctx, "main table")
		if !strings.Contains(list, "Ferretería Núñez") || strings.Contains(list, "Smith") {
			t.Fatalf("agent list: %q", list)
		}
		// Filter the list.
		must(t, chromedp.Do(ctx,
			chromedp.SendKeys(`input[name=q]`, "zzz-nobody"),
			chromedp.Submit(`input[name=q]`),
			chromedp.WaitVisible(`td.empty`),
		))
		// Open the customer from the list.
		must(t, chromedp.Do(ctx,
			chromedp.Navigate(base+"/customers?q=nunez"),
			chromedp.Click(`main table a`),
			chromedp.WaitVisible(`.figures`),
		))
		if h := text(t, ctx, "main h1"); !strings.Contains(h, "Ferretería Núñez") {
			t.Fatalf("sheet title %q", h)
		}
		if figs := text(t, ctx, ".figures"); !strings.Contains(figs, "1.234,56") {
			t.Fatalf("Spanish figures expected (browser language es): %q", figs)
		}
		shot(t, ctx, "agent-phone-customer-"+db.Kind()+".png")
		// The statement downloads as a PDF.
		ct, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`fetch('/customers/C-1/statement.pdf').then(r => r.headers.get('content-type'))`, chromedp.EvalAwaitPromise))
		must(t, err)
		if ct != "application/pdf" {
			t.Fatalf("statement content type %q", ct)
		}
		// Switch language.
		must(t, chromedp.Do(ctx,
			chromedp.Click(`a[lang=en]`),
			chromedp.WaitVisible(`a[lang=es]`),
		))
		if nav := text(t, ctx, "header nav"); !strings.Contains(nav, "Customers") {
			t.Fatalf("English navigation expected: %q", nav)
		}
		must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/")))
		shot(t, ctx, "agent-phone-dashboard-"+db.Kind()+".png")
		// Sign out for the next database's run.
		must(t, chromedp.Do(ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`input[name=name]`)))
		must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/language?lang=es&next=/login")))
	})
}

func TestBrowserManagerDashboard(t *testing.T) {
	chrome := newChrome(t)
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := budget(t, chrome)
		base := setup(t, db)
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
		signInWith(t, ctx, base, "/", "marta")
		if s := text(t, ctx, "main"); !strings.Contains(s, "DSO") {
			t.Fatalf("management dashboard: %q", s)
		}
		shot(t, ctx, "manager-dashboard-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`input[name=name]`)))
	})
}
