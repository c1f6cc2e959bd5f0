package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cobro/internal/dbtest"
	"cobro/internal/store"
	"cobro/internal/web"
)

// otherBrowser is a second person at another computer: a browser context
// of its own (its own cookies) in the same Chromium.
func otherBrowser(t *testing.T, chrome context.Context, width, height int64) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(chrome, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx = budget(t, ctx)
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, height)))
	return ctx
}

// TestBrowserCreditApproval: the agent, on a phone, asks on the customer's
// sheet whether an order over the limit passes and asks for approval; the
// supervisor, signed in in another browser, approves it on /approvals; the
// agent's page shows the approval without a reload. The pages fit at 390
// and 1280 px.
func TestBrowserCreditApproval(t *testing.T) {
	chrome := newChrome(t)
	web.SetLive(100*time.Millisecond, time.Second)
	t.Cleanup(func() { web.SetLive(2*time.Second, 25*time.Second) })
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		ctx := otherBrowser(t, chrome, 390, 844)
		signInWith(t, ctx, base, "/customers/C-1", "ana")
		must(t, chromedp.Do(ctx,
			chromedp.SendKeys(`input[name=amount]`, "50"),
			chromedp.SendKeys(`input[name=order_ref]`, "P-77"),
			chromedp.Click(`#credit-whatif`),
			chromedp.WaitVisible(`#credit-answer`),
		))
		if got := text(t, ctx, "#credit-answer"); !strings.Contains(got, "Necesita aprobación") || !strings.Contains(got, "cobre antes 284,56") {
			t.Fatalf("what-if answer %q", got)
		}
		fits(t, ctx, "what-if at 390 px")
		shot(t, ctx, "credit-phone-whatif-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.Click(`#credit-ask`), chromedp.WaitVisible(`#credit-checks li[data-state=pending]`)))
		// From here on the page must not be loaded again.
		_, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.notReloaded = 1`))
		must(t, err)
		fits(t, ctx, "sheet with a pending request at 390 px")

		// The supervisor, elsewhere, at a desk.
		sup := otherBrowser(t, chrome, 1280, 900)
		signInWith(t, sup, base, "/approvals", "sergio")
		must(t, chromedp.Do(sup, chromedp.WaitVisible(`.card.approval`)))
		if got := text(t, sup, ".card.approval"); !strings.Contains(got, "P-77") || !strings.Contains(got, "Ferretería Núñez") || !strings.Contains(got, "1.234,56") {
			t.Fatalf("approval card %q", got)
		}
		fits(t, sup, "approvals at 1280 px")
		shot(t, sup, "credit-approvals-desk-"+db.Kind()+".png")
		must(t, chromedp.Do(sup,
			chromedp.SendKeys(`.card.approval input[name=comment]`, "Buen pagador"),
			chromedp.Click(`.card.approval button.approve`),
			chromedp.WaitVisible(`.card.empty`),
		))

		// The agent's page shows it, live.
		must(t, chromedp.Do(ctx, chromedp.WaitVisible(`#credit-checks li[data-state=approved]`)))
		still, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.notReloaded || 0`))
		must(t, err)
		if still != 1 {
			t.Error("the agent's page was reloaded")
		}
		if got := text(t, ctx, "#credit-checks"); !strings.Contains(got, "Aprobado por sergio") || !strings.Contains(got, "Buen pagador") {
			t.Fatalf("agent's list %q", got)
		}
		if got := text(t, ctx, "#fig-risk"); !strings.Contains(got, "1.284,56") {
			t.Errorf("the risk did not move with the approval: %q", got)
		}
		if got := text(t, ctx, "#fig-reserved"); !strings.Contains(got, "50,00") {
			t.Errorf("reserved: %q", got)
		}
		fits(t, ctx, "sheet with the approval at 390 px")
		shot(t, ctx, "credit-phone-approved-"+db.Kind()+".png")

		// The other sizes: the answered approvals on a phone, the sheet
		// at a desk, the policy on both.
		must(t, chromedp.Do(sup, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/approvals?state=approved"), chromedp.WaitVisible(`#answer-time`)))
		fits(t, sup, "answered approvals at 390 px")
		shot(t, sup, "credit-approvals-phone-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/customers/C-1?amount=10"), chromedp.WaitVisible(`#credit-answer`)))
		fits(t, ctx, "sheet at 1280 px")
		shot(t, ctx, "credit-sheet-desk-"+db.Kind()+".png")
		adm := otherBrowser(t, chrome, 390, 844)
		signInWith(t, adm, base, "/customers/C-1", "alba")
		must(t, chromedp.Do(adm,
			chromedp.Click(`details.flagform summary`),
			chromedp.SendKeys(`details.flagform input[name=reason]`, "Concurso de acreedores"),
			chromedp.Click(`#flag-submit`),
			chromedp.WaitVisible(`#flag-banner`),
		))
		fits(t, adm, "flagged sheet at 390 px")
		shot(t, adm, "credit-flagged-phone-"+db.Kind()+".png")
		for _, w := range []int64{390, 1280} {
			must(t, chromedp.Do(adm, chromedp.EmulateViewport(w, 900), chromedp.Navigate(base+"/credit-policy"), chromedp.WaitVisible(`#policy-save`)))
			fits(t, adm, "policy")
			shot(t, adm, "credit-policy-"+map[int64]string{390: "phone", 1280: "desk"}[w]+"-"+db.Kind()+".png")
		}
	})
}
