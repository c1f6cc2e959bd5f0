package web_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/i18n"
	"cobro/internal/money"
	"cobro/internal/store"
)

// signal stands between the browser and cobro: with the signal down every
// connection is cut before a byte is answered, as in a shop with no
// coverage (the service worker's requests included, which the browser's
// own offline emulation may leave alone).
type signal struct {
	down atomic.Bool
	srv  *httptest.Server
}

func newSignal(t *testing.T, target string) *signal {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	s := &signal{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					_ = c.(*net.TCPConn).SetLinger(0)
					c.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// set turns the signal on or off, and tells the tabs (navigator.onLine).
func (s *signal) set(t *testing.T, online bool, tabs ...context.Context) {
	t.Helper()
	s.down.Store(!online)
	if online {
		s.srv.CloseClientConnections() // no kept-alive connection outlives the cut
	}
	for _, tab := range tabs {
		_, err := chromedp.Call(tab, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: !online,
			DownloadThroughput: -1, UploadThroughput: -1})
		must(t, err)
	}
	if !online {
		s.srv.CloseClientConnections()
	}
}

// waitFor waits for sel to show, and says what the page shows instead
// when it does not.
func waitFor(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(c, chromedp.WaitVisible(sel)); err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Text(`main`))
		t.Fatalf("waiting for %s: %v; the page shows: %s", sel, err, body)
	}
}

// jsText is the text of sel as the page shows it now ("" when absent):
// read in one step, so a view drawn again meanwhile cannot break it.
func jsText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return eval[string](t, ctx, `(document.querySelector(`+strconv.Quote(sel)+`) || {}).innerText || ''`)
}

// waitText waits until sel's text contains want.
func waitText(t *testing.T, ctx context.Context, sel, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := jsText(t, ctx, sel)
		if strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s shows %q, want %q", sel, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	must(t, err)
	return v
}

// TestBrowserOffline: an agent on a phone loses signal, records two
// collections with their receipts, reloads the page still without signal
// (the app and the queue survive), and the signal returns: the server has
// each exactly once, under the receipt numbers shown offline, though two
// tabs were open and both synced at once.
func TestBrowserOffline(t *testing.T) {
	chrome := newChrome(t)
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := budget(t, chrome)
		sig := newSignal(t, setupAt(t, db, time.Now))
		base := sig.srv.URL
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
		signInWith(t, ctx, base, "/field", "ana")
		must(t, chromedp.Do(ctx, chromedp.WaitVisible(`#field-customers li`), chromedp.WaitVisible(`#field-device`)))
		// The service worker has kept the app.
		if !eval[bool](t, ctx, `navigator.serviceWorker.ready.then(() => caches.keys()).then(k => Promise.all(k.map(n => caches.open(n).then(c => c.match('/field'))))).then(r => r.some(Boolean))`) {
			t.Fatal("the service worker kept no copy of the field app")
		}
		fits(t, ctx, "field app")
		shot(t, ctx, "field-phone-online-"+db.Kind()+".png")
		// A second tab of the same agent, open on the app.
		tab2, cancel := chromedp.NewContext(ctx)
		defer cancel()
		must(t, chromedp.Do(tab2, chromedp.Navigate(base+"/field"), chromedp.WaitVisible(`#field-customers li`)))

		sig.set(t, false, ctx, tab2)
		must(t, chromedp.Do(ctx, chromedp.WaitVisible(`#field-offline`)))
		// First: 100,00 of the overdue invoice, by cheque.
		must(t, chromedp.Do(ctx,
			chromedp.Click(`#field-customers a.cust`), chromedp.WaitVisible(`#field-form`),
			chromedp.Click(`input[name=pay][value="F-1"]`),
			chromedp.SetValue(`input[name="amount.F-1"]`, "100,00"),
			chromedp.Click(`input[name=instrument][value=cheque]`),
			chromedp.WaitVisible(`input[name=number]`),
			chromedp.SendKeys(`input[name=number]`, "0098765"),
			chromedp.Click(`#field-continue`), chromedp.WaitVisible(`#field-record`)))
		if got := jsText(t, ctx, "#field-confirm-total"); got != "100,00\u00a0€" {
			t.Fatalf("confirmation total %q", got)
		}
		fits(t, ctx, "confirmation offline")
		must(t, chromedp.Do(ctx, chromedp.Click(`#field-record`)))
		waitFor(t, ctx, `#field-receipt`)
		first := jsText(t, ctx, "#field-receipt-number")
		if !strings.HasPrefix(first, "AG1-D1-") {
			t.Fatalf("receipt number %q", first)
		}
		if w := jsText(t, ctx, "#field-receipt-words"); w != "La cantidad de cien euros." {
			t.Fatalf("the total in words offline: %q", w)
		}
		if st := jsText(t, ctx, "#field-receipt-state"); !strings.Contains(st, "Aún no enviado") {
			t.Fatalf("receipt state offline: %q", st)
		}
		fits(t, ctx, "receipt offline")
		shot(t, ctx, "field-phone-receipt-offline-"+db.Kind()+".png")
		// Second: an advance of 25,00 in cash, no debt named.
		eval[string](t, ctx, `location.hash = 'c=C-1'`)
		must(t, chromedp.Do(ctx, chromedp.WaitVisible(`#field-form`),
			chromedp.SendKeys(`#field-total`, "25,00"),
			chromedp.Click(`#field-continue`), chromedp.WaitVisible(`#field-record`),
			chromedp.Click(`#field-record`), chromedp.WaitVisible(`#field-receipt`)))
		second := jsText(t, ctx, "#field-receipt-number")
		if second == first || !strings.HasPrefix(second, "AG1-D1-") {
			t.Fatalf("second receipt number %q (first %q)", second, first)
		}
		// Reload without signal: the app and the queue are still there.
		must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/field"), chromedp.WaitVisible(`#field-queue`)))
		waitText(t, ctx, "#field-unsent", "2")
		waitText(t, ctx, "#unsynced", "2")
		// The figures include what was collected offline: 1.234,56 - 125,00.
		must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/customers/C-1"), chromedp.WaitVisible(`#field-figures`)))
		if figs := jsText(t, ctx, "#field-figures"); !strings.Contains(figs, "1.109,56") {
			t.Fatalf("figures offline at the customer's address: %q", figs)
		}
		shot(t, ctx, "field-phone-customer-offline-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/field"), chromedp.WaitVisible(`#field-queue`)))

		// The signal returns: both tabs sync by themselves.
		sig.set(t, true, ctx, tab2)
		deadline := time.Now().Add(20 * time.Second)
		for {
			n, err := lastApp.Collections(context.Background(), auth.System("test"), app.CollectionQuery{CustomerID: "C-1", Limit: 10})
			must(t, err)
			synced := eval[int](t, ctx, `document.querySelectorAll('#field-queue li[data-state=synced]').length`)
			if len(n.Items) >= 2 && synced == 2 {
				break
			}
			if time.Now().After(deadline) {
				states := eval[string](t, ctx, `cobroStore.queue('ana').then(q => JSON.stringify(q.map(i => i.state + ':' + (i.error || '')))+' onLine='+navigator.onLine)`)
				t.Fatalf("after the signal returned: %d collections on the server, %d shown sent; the device has %s; the page shows %s",
					len(n.Items), synced, states, jsText(t, ctx, "main"))
			}
			time.Sleep(200 * time.Millisecond)
		}
		time.Sleep(time.Second) // the other tab's sync, if any, has its say
		page, err := lastApp.Collections(context.Background(), auth.System("test"), app.CollectionQuery{CustomerID: "C-1", Limit: 10})
		must(t, err)
		got := map[string]int{}
		for _, c := range page.Items {
			got[c.ReceiptNumber]++
		}
		if len(page.Items) != 2 || got[first] != 1 || got[second] != 1 {
			t.Fatalf("server has %v, want %s and %s once each", got, first, second)
		}
		if got := eval[string](t, ctx, `document.getElementById('unsynced').hidden ? 'hidden' : document.getElementById('unsynced').textContent`); got != "hidden" {
			t.Fatalf("badge after sync: %q", got)
		}
		shot(t, ctx, "field-phone-synced-"+db.Kind()+".png")
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/field"), chromedp.WaitVisible(`#field-customers li`)))
		fits(t, ctx, "field app desktop")
		shot(t, ctx, "field-desktop-"+db.Kind()+".png")
		cancel()
		must(t, chromedp.Do(ctx, chromedp.Click(`button.link`), chromedp.WaitVisible(`input[name=name]`)))
	})
}

// TestBrowserWordsAgree: the field app writes a receipt's total in words
// itself (it prints offline); on every amount tried, in both languages and
// several currencies, it says exactly what i18n.AmountInWords says.
func TestBrowserWordsAgree(t *testing.T) {
	chrome := newChrome(t)
	// Not a storage test: the page comes from SQLite only.
	base := setup(t, dbtest.Open(t, "sqlite"))
	ctx := budget(t, chrome)
	must(t, chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`input[name=name]`)))
	eval[bool](t, ctx, `new Promise(r => { const s = document.createElement('script'); s.src = '/static/words.js'; s.onload = () => r(true); document.head.append(s); })`)
	type probe struct {
		Minor    int64  `json:"minor"`
		Currency string `json:"currency"`
		Digits   int    `json:"digits"`
		Lang     string `json:"lang"`
	}
	amounts := []int64{0, 1, 100, 101, 2100, 2101, 10000, 10001, 12345, 100000, 123456, 2_100_000, 100_000_000, 100_000_100,
		200_000_000, 2_100_000_000, 123_456_789_01, 1_000_000_000_000, 9_999_999_999_999}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		amounts = append(amounts, rng.Int64N(10_000_000_000_000))
	}
	var probes []probe
	for _, a := range amounts {
		for _, cur := range []money.Currency{"EUR", "GBP", "USD", "CLP", "JPY"} {
			for _, l := range []i18n.Lang{i18n.English, i18n.Spanish} {
				probes = append(probes, probe{a, string(cur), cur.Digits(), string(l)})
			}
		}
	}
	raw, err := json.Marshal(probes)
	must(t, err)
	got := eval[[]string](t, ctx, `JSON.parse(`+strconv.Quote(string(raw))+`).map(p => window.cobroWords(p.minor, p.currency, p.digits, p.lang))`)
	if len(got) != len(probes) {
		t.Fatalf("%d answers for %d amounts", len(got), len(probes))
	}
	for i, p := range probes {
		want := i18n.AmountInWords(i18n.Lang(p.Lang), money.New(p.Minor, money.Currency(p.Currency)))
		if got[i] != want {
			t.Errorf("%d %s in %s: the field app writes %q, the server %q", p.Minor, p.Currency, p.Lang, got[i], want)
		}
	}
}
