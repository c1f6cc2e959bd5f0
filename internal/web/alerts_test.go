package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestAlertsPage: the administration sees every alert with the count in
// the menu and resolves one from the page; an agent sees only theirs.
func TestAlertsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		ctx := context.Background()
		if err := db.Write(ctx, func(tx *store.Tx) error {
			return tx.AddAlerts(ctx, []store.Alert{{Kind: "instrument.returned", CustomerID: "C-2", Agent: "AG2", Entity: "collection", EntityID: "K-9"}}, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		ana := newBrowser(t, base)
		ana.signIn("ana", "correct horse battery")
		if _, body, _ := ana.get("/alerts", "en"); strings.Contains(body, "/customers/C-2") || strings.Contains(body, `class="tag st-alert" aria-label`) {
			t.Error("an agent sees another agent's alert")
		}
		alba := newBrowser(t, base)
		alba.signIn("alba", "correct horse battery")
		status, body, _ := alba.get("/alerts", "es")
		if status != http.StatusOK || !strings.Contains(body, "/customers/C-2") || !strings.Contains(body, `aria-label="1 aviso abierto"`) {
			t.Fatalf("administration's alerts page (%d) lacks the alert or the menu count", status)
		}
		m := regexp.MustCompile(`action="/alerts/([^/"]+)/resolve"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no resolve form")
		}
		csrf := csrfRE.FindStringSubmatch(body)[1]
		if status, _ := alba.post("/alerts/"+m[1]+"/resolve", url.Values{"csrf": {"wrong"}, "remark": {"x"}}); status != http.StatusForbidden {
			t.Errorf("a resolve without the CSRF token answered %d", status)
		}
		if status, h := alba.post("/alerts/"+m[1]+"/resolve", url.Values{"csrf": {csrf}, "remark": {"cheque paid again"}}); status != http.StatusSeeOther || h.Get("Location") != "/alerts" {
			t.Fatalf("resolve answered %d to %s", status, h.Get("Location"))
		}
		if _, body, _ := alba.get("/alerts", "en"); strings.Contains(body, "/customers/C-2") {
			t.Error("a resolved alert is still listed as open")
		}
		if _, body, _ := alba.get("/alerts?state=resolved", "en"); !strings.Contains(body, "cheque paid again") || !strings.Contains(body, "Resolved by user:alba") {
			t.Error("the resolved list does not show who resolved it and why")
		}
	})
}
