package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// fits fails when the page is wider than the viewport (something spills
// sideways on a phone).
func fits(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
	must(t, err)
	if w > 0 {
		t.Errorf("%s: %d px wider than the viewport", what, w)
	}
	// A table in a scrolling card does not widen the page, but hides what
	// is off its edge: no table may be wider than its box.
	over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('main table')].filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).length`))
	must(t, err)
	if over > 0 {
		t.Errorf("%s: %d tables wider than their box", what, over)
	}
}

// TestBrowserRecordCollection: an agent on a phone records a partial
// payment by cheque from the customer's sheet and sees the new figures.
func TestBrowserRecordCollection(t *testing.T) {
	chrome := newChrome(t)
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := budget(t, chrome)
		base := setup(t, db)
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
		signInWith(t, ctx, base, "/customers/C-1", "ana")
		must(t, chromedp.Do(ctx, chromedp.Click(`#record-collection`), chromedp.WaitVisible(`#collect-form`)))
		fits(t, ctx, "collect form")
		// The cheque's details show only once a cheque is chosen.
		vis, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.querySelector('input[name=number]').closest('label').hidden`))
		must(t, err)
		if vis {
			t.Error("the cheque number shows for cash")
		}
		must(t, chromedp.Do(ctx,
			chromedp.Click(`input[name=pay][value="F-1"]`),
			chromedp.SetValue(`input[name="amount.F-1"]`, "234,56"),
			chromedp.Click(`input[name=instrument][value=cheque]`),
			chromedp.WaitVisible(`input[name=number]`),
			chromedp.SendKeys(`input[name=number]`, "0012345"),
			chromedp.SendKeys(`input[name=bank]`, "Banco Sabadell"),
		))
		shot(t, ctx, "collect-phone-form-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.Click(`#collect-check`), chromedp.WaitVisible(`#collect-record`)))
		if got := text(t, ctx, "#confirm-total"); !strings.Contains(got, "234,56") {
			t.Fatalf("confirmation total %q", got)
		}
		fits(t, ctx, "confirmation")
		shot(t, ctx, "collect-phone-confirm-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.Click(`#collect-record`), chromedp.WaitVisible(`#receipt`)))
		// The receipt, to share: its number, the total in words, WhatsApp to the customer's phone.
		number := text(t, ctx, "#receipt-number")
		if !strings.HasPrefix(number, "AG1-W-") {
			t.Fatalf("receipt number %q", number)
		}
		if words := text(t, ctx, "#receipt-words"); words != "La cantidad de doscientos treinta y cuatro euros con cincuenta y seis céntimos." {
			t.Fatalf("in words: %q", words)
		}
		wa, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('share-whatsapp').href`))
		must(t, err)
		if !strings.HasPrefix(wa, "https://wa.me/34600111222?text=") || !strings.Contains(wa, "234%2C56") {
			t.Fatalf("WhatsApp link %q", wa)
		}
		fits(t, ctx, "receipt")
		shot(t, ctx, "receipt-phone-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.Click(`#receipt-back`), chromedp.WaitVisible(`#collected`)))
		if got := text(t, ctx, "#collected"); !strings.Contains(got, "234,56") {
			t.Fatalf("recorded line %q", got)
		}
		// 1.234,56 open, 234,56 paid by a cheque still in hand: the balance is 1.000,00.
		if figs := text(t, ctx, ".figures"); !strings.Contains(figs, "1000,00") && !strings.Contains(figs, "1.000,00") {
			t.Fatalf("figures after the collection: %q", figs)
		}
		fits(t, ctx, "sheet after collecting")
		// The dashboard leads with the day's totals.
		must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(`#field-totals`)))
		if got := text(t, ctx, "#field-today") + " | " + text(t, ctx, "#field-in-hand") + " | " + text(t, ctx, "#field-overdue"); got != "234,56\u00a0€ | 234,56\u00a0€ | 1000,00\u00a0€" && got != "234,56\u00a0€ | 234,56\u00a0€ | 1.000,00\u00a0€" {
			t.Errorf("field totals %q", got)
		}
		shot(t, ctx, "agent-phone-dashboard-totals-"+db.Kind()+".png")
		for _, path := range []string{"/", "/customers", "/debts", "/alerts", "/settlements"} {
			must(t, chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(`main`)))
			fits(t, ctx, path)
		}
		must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/customers/C-1"), chromedp.WaitVisible(`.figures`)))
		shot(t, ctx, "collect-phone-sheet-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/customers/C-1/collect"), chromedp.WaitVisible(`#collect-form`)))
		shot(t, ctx, "collect-desktop-form-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`input[name=name]`)))
	})
}
