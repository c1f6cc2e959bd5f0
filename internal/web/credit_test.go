package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/store"
	"cobro/internal/web"
)

var approvalIDRE = regexp.MustCompile(`data-id="([0-9a-f-]{36})"`)

// TestCreditPages: the agent asks on the customer's sheet whether an order
// passes (a what-if that writes nothing), then asks properly; the
// supervisor approves on /approvals and the sheet's live feed says so; the
// administration flags the customer "do not sell" (the agent sees it, and
// the check blocks) and edits the credit policy field by field.
func TestCreditPages(t *testing.T) {
	web.SetLive(50*time.Millisecond, 300*time.Millisecond)
	t.Cleanup(func() { web.SetLive(2*time.Second, 25*time.Second) })
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		ana, sergio, alba := newBrowser(t, base), newBrowser(t, base), newBrowser(t, base)
		ana.signIn("ana", "correct horse battery")
		sergio.signIn("sergio", "correct horse battery")
		alba.signIn("alba", "correct horse battery")
		must := func(b *browser, path string, want int, contains ...string) string {
			t.Helper()
			status, body, _ := b.get(path, "en")
			if status != want {
				t.Fatalf("GET %s: %d, want %d", path, status, want)
			}
			for _, c := range contains {
				if !strings.Contains(body, c) {
					t.Errorf("GET %s lacks %q", path, c)
					if i := strings.Index(body, "<main>"); i >= 0 && testing.Verbose() {
						t.Log(body[i:])
					}
				}
			}
			return body
		}
		csrf := func(body string) string { return csrfRE.FindStringSubmatch(body)[1] }
		post := func(b *browser, path string, f url.Values, want int) {
			t.Helper()
			if status, _ := b.post(path, f); status != want {
				t.Fatalf("POST %s: %d, want %d", path, status, want)
			}
		}

		// C-1: limit 1,000.00, risk 1,234.56 already: any order needs approval.
		sheet := must(ana, "/customers/C-1?amount=50&order_ref=O-1", 200, "Will an order pass?", "Needs approval",
			"An order of €50.00 needs a supervisor&#39;s approval.", "collect €284.56 first or get approval", `id="collect-first"`, "Ask for approval",
			"No order checked yet.")
		must(ana, "/customers/C-1?amount=fifty", 200, "&#34;fifty&#34; is not an amount.")
		if n, _ := lastApp.CustomerChecks(context.Background(), auth.System("t"), "en", "C-1", 10); len(n) != 0 {
			t.Fatalf("the what-if wrote %d checks", len(n))
		}
		must(ana, "/customers/C-2?amount=1", 404)
		post(ana, "/customers/C-2/credit-check", url.Values{"csrf": {csrf(sheet)}, "amount": {"1"}, "order_ref": {"X"}}, 404)
		form := url.Values{"csrf": {csrf(sheet)}, "key": {"0190b9a8-1111-7000-8000-000000000001"}, "amount": {"50"}, "order_ref": {"O-1"}}
		post(ana, "/customers/C-1/credit-check", form, http.StatusSeeOther)
		post(ana, "/customers/C-1/credit-check", form, http.StatusSeeOther) // a double click: one request
		must(ana, "/customers/C-1", 200, "waiting for approval", "O-1", `data-live="/customers/C-1/credit-live"`, "/static/credit.js")

		// The approvals page: supervisors and the administration only.
		must(ana, "/approvals", 403)
		list := must(sergio, "/approvals", 200, "Orders waiting for approval", "Ferretería Núñez", "O-1", "€50.00",
			"collect €284.56 first", "€1,234.56", "asked by ana")
		if strings.Count(list, `class="card approval"`) != 1 {
			t.Fatalf("pending requests: %d, want 1", strings.Count(list, `class="card approval"`))
		}
		must(sergio, "/", 200, `id="approvals-count"`, "1 order waiting for approval")
		if body := must(ana, "/", 200); strings.Contains(body, "approval-stats") || strings.Contains(body, "/approvals") {
			t.Error("an agent sees the approvals' card or menu")
		}
		id := approvalIDRE.FindStringSubmatch(list)[1]
		// The page's script asks how many wait, to show new ones without a reload.
		if status, body, _ := sergio.get("/approvals/count", "en"); status != 200 || !strings.Contains(body, `"pending":1`) {
			t.Fatalf("the pending count: %d %s", status, body)
		}
		post(ana, "/approvals/"+id+"/approve", url.Values{"csrf": {csrf(sheet)}}, 403)
		// A rejection without a comment: the list again, the request's message beside it.
		if status, body, _ := sergio.postPage("/approvals/"+id+"/reject", "en", url.Values{"csrf": {csrf(list)}, "comment": {" "}}); status != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `id="approval-error"`) {
			t.Fatalf("a rejection without a comment: %d\n%s", status, body)
		}
		post(sergio, "/approvals/"+id+"/approve", url.Values{"csrf": {csrf(list)}, "comment": {"good payer"}, "state": {"pending"}}, http.StatusSeeOther)
		must(sergio, "/approvals", 200, "Nothing here.")
		must(sergio, "/", 200, "No order waiting for approval", "The latest request was answered in less than a minute")
		must(sergio, "/approvals?state=approved", 200, "Approved by sergio within a minute", "good payer", "1 request answered here")
		must(ana, "/customers/C-1", 200, `<span class="tag st-approved">approved</span>`, "Approved by sergio", "€50.00 of it in orders reserved")
		// The live feed says the same.
		res, err := ana.c.Get(base + "/customers/C-1/credit-live")
		if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("live: %v %v", res, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(b), "event: checks") || !strings.Contains(string(b), `"state":"approved"`) ||
			!strings.Contains(string(b), `"risk":"€1,284.56"`) || !strings.Contains(string(b), `"available":"-€284.56"`) {
			t.Errorf("live feed: %s", b)
		}
		if res, err := ana.c.Get(base + "/customers/C-2/credit-live"); err != nil || res.StatusCode != 404 {
			t.Fatalf("another agent's live feed: %v %v", res, err)
		}

		// "Do not sell": the administration sets it with a reason.
		post(ana, "/customers/C-1/flag", url.Values{"csrf": {csrf(sheet)}, "flagged": {"1"}, "reason": {"x"}}, 403)
		ab := must(alba, "/customers/C-1", 200, `Mark &#34;do not sell&#34;`)
		post(alba, "/customers/C-1/flag", url.Values{"csrf": {csrf(ab)}, "flagged": {"1"}, "reason": {" "}}, 400)
		post(alba, "/customers/C-1/flag", url.Values{"csrf": {csrf(ab)}, "flagged": {"1"}, "reason": {"Bankruptcy filed"}}, http.StatusSeeOther)
		agent := must(ana, "/customers/C-1?amount=1", 200, `id="flag-banner"`, "Do not sell.", "Bankruptcy filed", "Blocked")
		if strings.Contains(agent, `id="credit-ask"`) || strings.Contains(agent, `action="/customers/C-1/flag"`) {
			t.Error("a blocked order offers to ask, or an agent may flag")
		}
		post(alba, "/customers/C-1/flag", url.Values{"csrf": {csrf(ab)}, "flagged": {"0"}, "reason": {"Paid up"}}, http.StatusSeeOther)
		if body := must(ana, "/customers/C-1", 200); strings.Contains(body, `id="flag-banner"`) {
			t.Error("the lifted flag still shows")
		}

		// The credit policy: the administration's.
		must(sergio, "/credit-policy", 403)
		post(sergio, "/credit-policy", url.Values{"csrf": {csrf(list)}}, 403)
		pol := must(alba, "/credit-policy", 200, "default: 60", "A fresh database asks for approval", `name="company.overdue_days" type="number" min="0" max="3650" value="60"`)
		f := url.Values{"csrf": {csrf(pol)}, "reservation_days": {"3"}}
		for _, p := range []string{"company.", "new."} {
			f.Set(p+"unpaid", "block")
			f.Set(p+"overdue", "approval")
			f.Set(p+"overdue_days", "30")
			f.Set(p+"materiality_pct", "2.5")
			f.Set(p+"materiality", "3")
			f.Set(p+"limit", "approval")
			f.Set(p+"tolerance_pct", "0")
			f.Set(p+"tolerance", "100")
			f.Set(p+"paid_now_passes", "1")
		}
		f.Set("new.name", "VIP")
		f.Set("new.limit", "none")
		post(alba, "/credit-policy", f, http.StatusSeeOther)
		v, err := lastApp.CreditPolicy(context.Background(), auth.System("t"))
		if err != nil || v.ReservationDays != 3 || v.Company.OverdueDays != 30 || v.Company.MaterialityBP != 250 || v.Company.Materiality.Minor != 300 ||
			v.Company.Tolerance.Minor != 10000 || v.Company.UnpaidAction != "block" || v.Company.CountDisputed || !v.Company.PaidNowPasses ||
			len(v.Segments) != 1 || v.Segments["VIP"].LimitAction != "none" {
			t.Fatalf("saved policy %v %+v", err, v)
		}
		must(alba, "/credit-policy?saved=1", 200, "The credit policy is saved", "Segment VIP", `name="seg0.name" value="VIP"`)
		// Remove the segment; a number that is not one is named.
		f.Del("new.name")
		f.Set("seg0.name", "VIP")
		f.Set("seg0.remove", "1")
		for k, vs := range f {
			if strings.HasPrefix(k, "new.") {
				f["seg0."+strings.TrimPrefix(k, "new.")] = vs
			}
		}
		bad := url.Values{}
		for k, vs := range f {
			bad[k] = vs
		}
		bad.Set("company.overdue_days", "many")
		post(alba, "/credit-policy", bad, 400)
		post(alba, "/credit-policy", f, http.StatusSeeOther)
		if v, err := lastApp.CreditPolicy(context.Background(), auth.System("t")); err != nil || len(v.Segments) != 0 {
			t.Fatalf("segment not removed: %v %+v", err, v.Segments)
		}
	})
}
