package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
	"cobro/internal/web"
)

// TestEveryPageForEveryRole signs in as each role and opens every page;
// an agent must see only their own customers everywhere, and a visitor
// who is not signed in is sent to the sign-in page.
func TestEveryPageForEveryRole(t *testing.T) {
	type page struct {
		pattern, path string
		// per role: anonymous, agent, supervisor, administration, management
		status []int
		// the agent must not see C-2's name on it
		agentScoped bool
	}
	const redirect = http.StatusSeeOther
	pages := []page{
		{"GET /login", "/login", []int{200, 200, 200, 200, 200}, false},
		{"GET /language", "/language?lang=en&next=/login", []int{redirect, redirect, redirect, redirect, redirect}, false},
		{"GET /{$}", "/", []int{redirect, 200, 200, 200, 200}, true},
		{"GET /customers", "/customers", []int{redirect, 200, 200, 200, 200}, true},
		{"GET /customers/{id}", "/customers/C-2", []int{redirect, 404, 200, 200, 200}, false},
		{"GET /customers/{id}/statement.pdf", "/customers/C-2/statement.pdf", []int{redirect, 404, 200, 200, 200}, false},
		{"GET /customers/{id}/report", "/customers/C-2/report", []int{redirect, 404, 200, 200, 200}, false},
		{"GET /debts", "/debts", []int{redirect, 200, 200, 200, 200}, true},
		{"GET /debts/export/{format}", "/debts/export/csv", []int{redirect, 200, 200, 200, 200}, true},
		{"GET /s/{token}", "/s/not-a-link", []int{404, 404, 404, 404, 404}, false},
		{"GET /jobs", "/jobs", []int{redirect, 403, 403, 200, 403}, false},
		{"GET /outbox", "/outbox", []int{redirect, 403, 403, 200, 403}, false},
		{"GET /outbox/{id}", "/outbox/no-such-event", []int{redirect, 403, 403, 404, 403}, false},
		{"GET /users", "/users", []int{redirect, 403, 403, 200, 403}, false},
		{"GET /alerts", "/alerts", []int{redirect, 200, 200, 200, 200}, true},
		{"GET /imports", "/imports", []int{redirect, 403, 403, 200, 403}, false},
		{"GET /imports/runs/{id}", "/imports/runs/no-such-run", []int{redirect, 403, 403, 404, 403}, false},
		{"GET /imports/runs/{id}/progress", "/imports/runs/no-such-run/progress", []int{redirect, 403, 403, 404, 403}, false},
		{"GET /imports/runs/{id}/errors.csv", "/imports/runs/no-such-run/errors.csv", []int{redirect, 403, 403, 404, 403}, false},
		{"GET /customers/{id}/collect", "/customers/C-2/collect", []int{redirect, 404, 200, 200, 403}, false},
		{"GET /collections", "/collections", []int{redirect, 200, 200, 200, 200}, true},
		{"GET /collections/live", "/collections/live", []int{redirect, 400, 400, 400, 400}, false},
		{"GET /settlements", "/settlements", []int{redirect, 200, 200, 200, 200}, false},
		{"GET /settlements/{id}", "/settlements/{s2}", []int{redirect, 404, 200, 200, 200}, false},
		{"GET /settlements/{id}/settlement.pdf", "/settlements/{s2}/settlement.pdf", []int{redirect, 404, 200, 200, 200}, false},
		{"GET /settlements/{id}/settlement.csv", "/settlements/{s2}/settlement.csv", []int{redirect, 404, 200, 200, 200}, false},
		{"GET /collections/{id}/receipt", "/collections/{c2}/receipt", []int{redirect, 404, 200, 200, 200}, false},
		{"GET /collections/{id}/receipt.pdf", "/collections/{c2}/receipt.pdf", []int{redirect, 404, 200, 200, 200}, false},
		{"GET /field", "/field", []int{redirect, 200, 403, 403, 403}, false},
		{"GET /field/data", "/field/data", []int{redirect, 200, 403, 403, 403}, true},
		{"GET /instruments", "/instruments", []int{redirect, 200, 200, 200, 200}, true},
		{"GET /instruments", "/instruments?state=returned", []int{redirect, 200, 200, 200, 200}, true},
		{"GET /dunning", "/dunning", []int{redirect, 403, 403, 200, 403}, false},
		{"GET /approvals/count", "/approvals/count", []int{redirect, 403, 200, 200, 403}, false},
		{"GET /sw.js", "/sw.js", []int{200, 200, 200, 200, 200}, false},
		{"GET /approvals", "/approvals", []int{redirect, 403, 200, 200, 403}, false},
		{"GET /approvals", "/approvals?state=", []int{redirect, 403, 200, 200, 403}, false},
		{"GET /credit-policy", "/credit-policy", []int{redirect, 403, 403, 200, 403}, false},
		{"GET /customers/{id}/credit-live", "/customers/C-2/credit-live", []int{redirect, 404, 200, 200, 200}, false},
		{"GET /customers/{id}", "/customers/C-2?amount=10", []int{redirect, 404, 200, 200, 200}, false},
	}
	posts := map[string]bool{"POST /login": true, "POST /logout": true, "POST /debts/lists": true, "POST /debts/lists/{id}/delete": true,
		"POST /customers/{id}/share": true, "POST /customers/{id}/share/{link}/revoke": true,
		"POST /users/{name}/disable": true, "POST /users/{name}/enable": true, "POST /users/{name}/password": true,
		"POST /users/{name}/tokens/{token}/revoke": true, "POST /jobs/{id}/retry": true,
		"POST /alerts/{id}/resolve": true,
		"POST /imports":             true,
		"POST /imports/apply":       true, "POST /imports/mappings": true, "POST /imports/errors.csv": true, // TestImportApplyPage
		"POST /customers/{id}/collect": true,                                          // TestCollectPage
		"POST /settlements":            true, "POST /settlements/{id}/{action}": true, // TestSettlementPages
		"POST /collections/{id}/{action}": true,                                                                    // TestCollectionsLive
		"POST /field/devices":             true, "POST /field/devices/{id}/blocks": true, "POST /field/sync": true, // TestFieldSync
		"POST /outbox/{id}/resend": true, "POST /outbox/destination": true, "POST /outbox/test": true, // TestOutboxPage
		"POST /dunning/run":                 true, // TestDunningPage
		"POST /customers/{id}/credit-check": true, "POST /customers/{id}/flag": true, "POST /approvals/{id}/{action}": true,
		"POST /credit-policy":           true,                                                                             // TestCreditPages
		"POST /customers/{id}/promises": true, "POST /customers/{id}/disputes": true, "POST /disputes/{id}/resolve": true} // TestPromisePages
	for _, p := range web.Patterns() {
		if !posts[p] && !slices.ContainsFunc(pages, func(x page) bool { return x.pattern == p }) {
			t.Errorf("page %s has no access check", p)
		}
	}
	userPosts := []string{"/users/nobody/disable", "/users/nobody/enable", "/users/nobody/password", "/users/nobody/tokens/x/revoke"}
	// The live feeds end soon.
	web.SetLive(50*time.Millisecond, 100*time.Millisecond)
	t.Cleanup(func() { web.SetLive(2*time.Second, 25*time.Second) })
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		c2, _, err := lastApp.RecordCollection(context.Background(), auth.System("test"), app.Idem{Key: "c2", Hash: "c2"},
			app.CollectionRequest{CustomerID: "C-2", Amount: money.New(1000, "EUR"), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash}, Agent: "AG2"})
		if err != nil {
			t.Fatal(err)
		}
		day := civil.Date{Year: 2026, Month: 11, Day: 23}
		s2, _, err := lastApp.DraftSettlement(context.Background(), auth.System("test"), app.Idem{Key: "s2", Hash: "s2"},
			app.SettlementRequest{Agent: "AG2", From: day, To: day})
		if err != nil {
			t.Fatal(err)
		}
		for i, user := range []string{"", "ana", "sergio", "alba", "marta"} {
			b := newBrowser(t, base)
			if user != "" {
				b.signIn(user, "correct horse battery")
			}
			for _, p := range pages {
				path := strings.NewReplacer("{c2}", c2.ID, "{s2}", s2.ID).Replace(p.path)
				status, body, h := b.get(path, "en")
				if status != p.status[i] {
					t.Errorf("%s as %q: %d, want %d", p.path, user, status, p.status[i])
				}
				if status == redirect && p.pattern != "GET /language" && !strings.HasPrefix(h.Get("Location"), "/login?next="+url.QueryEscape(p.path)[:1]) {
					t.Errorf("%s as %q: redirected to %s, not the sign-in page", p.path, user, h.Get("Location"))
				}
				if user == "ana" && p.agentScoped && strings.Contains(body, "Smith") {
					t.Errorf("%s shows another agent's customer to an agent", p.path)
				}
			}
			if user != "" {
				// The users page's actions, with the session's CSRF token:
				// only the administration may (on a user who does not
				// exist, so nothing changes for the next role).
				_, body, _ := b.get("/", "en")
				csrf := csrfRE.FindStringSubmatch(body)[1]
				for _, p := range userPosts {
					if status, _ := b.post(p, url.Values{"csrf": {csrf}, "password": {"long enough password"}}); (status == http.StatusForbidden) != (user != "alba") {
						t.Errorf("POST %s as %s: %d", p, user, status)
					}
				}
				// A POST without the session's CSRF token is refused.
				if status, _ := b.post("/debts/lists", url.Values{"name": {"x"}, "query": {""}}); status != http.StatusForbidden {
					t.Errorf("POST without CSRF as %s: %d", user, status)
				}
			}
		}
	})
}
