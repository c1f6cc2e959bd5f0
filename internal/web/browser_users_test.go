package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestBrowserUsersPage: the administration disables a user from the
// users page in a real browser, and sees it said.
func TestBrowserUsersPage(t *testing.T) {
	chrome := newChrome(t)
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := budget(t, chrome)
		base := setup(t, db)
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
		signInWith(t, ctx, base, "/users", "alba")
		if s := text(t, ctx, "main table"); !strings.Contains(s, "ana") || !strings.Contains(s, "AG1") || !strings.Contains(s, "nunca") {
			t.Fatalf("users page: %q", s)
		}
		shot(t, ctx, "administration-users-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx,
			chromedp.Click(`form[action="/users/ana/disable"] button`),
			chromedp.WaitVisible(`p.notice`),
		))
		if s := text(t, ctx, "p.notice"); !strings.Contains(s, "desactivado") {
			t.Fatalf("notice after disabling: %q", s)
		}
		if s := text(t, ctx, "#user-ana"); !strings.Contains(s, "desactivado") {
			t.Fatalf("ana's row after disabling: %q", s)
		}
		must(t, chromedp.Do(ctx, chromedp.Click(`header button.link`), chromedp.WaitVisible(`input[name=name]`)))
	})
}
