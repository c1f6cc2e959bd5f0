package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// TestBrowserInstruments: the office works the cheques and notes from the
// instruments page on a phone: hands one in, deposits it, and the queues
// and their totals follow; nothing spills sideways.
func TestBrowserInstruments(t *testing.T) {
	chrome := newChrome(t)
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := budget(t, chrome)
		base := setup(t, db)
		for i, n := range []string{"0012345", "0099887"} {
			_, _, err := lastApp.RecordCollection(context.Background(), auth.System("test"), app.Idem{Key: "ch" + n, Hash: n},
				app.CollectionRequest{CustomerID: "C-1", Amount: money.New(int64(10000*(i+1)), "EUR"), Agent: "AG1",
					Instrument: ledger.InstrumentDetail{Kind: ledger.Cheque, Number: n, Bank: "Banco Sabadell", DueDate: civil.Date{Year: 2026, Month: 12, Day: 10 + i}}})
			must(t, err)
		}
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
		signInWith(t, ctx, base, "/instruments", "alba")
		if got := jsText(t, ctx, "#instruments-total"); got != "300,00\u00a0€" {
			t.Fatalf("total in hand %q", got)
		}
		fits(t, ctx, "instruments")
		shot(t, ctx, "instruments-phone-"+db.Kind()+".png")
		// Hand in the first (the earliest maturity is listed first).
		must(t, chromedp.Do(ctx, chromedp.Click(`#instruments tbody tr:first-child form[action$="/handin"] button`)))
		waitText(t, ctx, "#queue-handed_in", "100,00")
		must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/instruments?state=handed_in"), chromedp.WaitVisible(`#instruments`)))
		if rows := jsText(t, ctx, "#instruments tbody"); !strings.Contains(rows, "0012345") || strings.Contains(rows, "0099887") {
			t.Fatalf("handed in: %q", rows)
		}
		must(t, chromedp.Do(ctx, chromedp.Click(`#instruments tbody tr:first-child form[action$="/deposit"] button`)))
		waitText(t, ctx, "#queue-deposited", "100,00")
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/instruments"), chromedp.WaitVisible(`#instruments`)))
		fits(t, ctx, "instruments desktop")
		shot(t, ctx, "instruments-desktop-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`input[name=name]`)))
	})
}

// TestBrowserDunning: the dunning page with a preview on a phone and on a
// desktop: nothing spills sideways.
func TestBrowserDunning(t *testing.T) {
	chrome := newChrome(t)
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := budget(t, chrome)
		base := setup(t, db)
		_, err := lastApp.ImportCustomers(context.Background(), auth.System("test"), strings.NewReader(`[
 {"customer_id": "C-1", "name": "Ferretería Núñez", "agent": "AG1", "currency": "EUR", "email": "pagos@nunez.example", "language": "es"}]`),
			app.ImportOptions{File: "c.json", Format: "json"})
		must(t, err)
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
		signInWith(t, ctx, base, "/dunning?preview=C-1", "alba")
		if got := jsText(t, ctx, "#preview-subject"); !strings.Contains(got, "1.234,56") {
			t.Fatalf("preview subject %q", got)
		}
		fits(t, ctx, "dunning")
		shot(t, ctx, "dunning-phone-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/dunning?preview=C-1"), chromedp.WaitVisible(`#preview`)))
		fits(t, ctx, "dunning desktop")
		shot(t, ctx, "dunning-desktop-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`input[name=name]`)))
	})
}
