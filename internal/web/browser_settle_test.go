package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// TestSettlementPages: the agent settles her day from the phone; the
// administration counts it 0,50 € short with a reason; a supervisor
// approves; the settlement is verified.
func TestSettlementPages(t *testing.T) {
	chrome := newChrome(t)
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := budget(t, chrome)
		base := setup(t, db)
		ana := auth.Actor{Name: "ana", Role: auth.Agent, Agent: "AG1", Source: "test"}
		for i, kind := range []ledger.Instrument{ledger.Cash, ledger.Cash, ledger.Cheque} {
			if _, _, err := lastApp.RecordCollection(context.Background(), ana, app.Idem{Key: "k" + string(rune('0'+i)), Hash: "h"},
				app.CollectionRequest{CustomerID: "C-1", Amount: money.New(int64(1000*(i+1)), "EUR"), Instrument: ledger.InstrumentDetail{Kind: kind, Number: "9"}}); err != nil {
				t.Fatal(err)
			}
		}
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
		signInWith(t, ctx, base, "/settlements", "ana")
		must(t, chromedp.Do(ctx, chromedp.Click(`#settle-draft`), chromedp.WaitVisible(`#settle-totals`)))
		if total := text(t, ctx, "#settle-total"); !strings.Contains(total, "60,00") {
			t.Fatalf("draft total %q", total)
		}
		if tot := text(t, ctx, "#settle-totals"); !strings.Contains(tot, "efectivo (2)") || !strings.Contains(tot, "30,00") {
			t.Fatalf("totals by instrument %q", tot)
		}
		fits(t, ctx, "settlement draft")
		must(t, chromedp.Do(ctx, chromedp.Click(`#settle-submit`), chromedp.WaitNotPresent(`#settle-submit`)))
		if st := text(t, ctx, "#settle-state"); st != "entregada" {
			t.Fatalf("state %q", st)
		}
		shot(t, ctx, "settlement-phone-submitted-"+db.Kind()+".png")
		loc, err := chromedp.Run(ctx, chromedp.Location())
		must(t, err)
		must(t, chromedp.Do(ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`input[name=name]`)))

		// The office counts, at a desk.
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
		signInWith(t, ctx, base, strings.TrimPrefix(loc, base), "alba")
		must(t, chromedp.Do(ctx,
			chromedp.SetValue(`input[name="counted.cash"]`, "29,50"),
			chromedp.Click(`#settle-verify`), chromedp.WaitVisible(`#settle-error`)))
		if e := text(t, ctx, "#settle-error"); e != "Se contaron 29,50\u00a0€ donde se esperaban 30,00\u00a0€: indique el motivo." {
			t.Fatalf("a difference without a reason: %q", e)
		}
		must(t, chromedp.Do(ctx,
			chromedp.SetValue(`input[name="counted.cash"]`, "29,50"),
			chromedp.SendKeys(`input[name="reason.cash"]`, "falta una moneda"),
			chromedp.Click(`#settle-verify`), chromedp.WaitVisible(`#settle-diffs`)))
		if st := text(t, ctx, "#settle-state"); st != "pendiente de aprobación" {
			t.Fatalf("state after a short count %q", st)
		}
		shot(t, ctx, "settlement-desktop-counted-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`input[name=name]`)))

		signInWith(t, ctx, base, strings.TrimPrefix(loc, base), "sergio")
		must(t, chromedp.Do(ctx, chromedp.Click(`#settle-approve`), chromedp.WaitNotPresent(`#settle-approve`)))
		if st := text(t, ctx, "#settle-state"); st != "verificada" {
			t.Fatalf("state after approval %q", st)
		}
		if d := text(t, ctx, "#settle-diffs"); !strings.Contains(d, "-0,50") || !strings.Contains(d, "falta una moneda") {
			t.Fatalf("differences %q", d)
		}
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(`#settle-diffs`)))
		fits(t, ctx, "verified settlement")
		shot(t, ctx, "settlement-phone-verified-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`input[name=name]`)))
	})
}
