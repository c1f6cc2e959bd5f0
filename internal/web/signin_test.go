package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestNoRedirectToAnotherHost: the language switch and the sign-in send
// back to next only when it is a path on this site.
func TestNoRedirectToAnotherHost(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		b := newBrowser(t, base)
		for next, want := range map[string]string{
			"/%09/evil.example":    "/",
			"/%0A/evil.example":    "/",
			"//evil.example":       "/",
			"/%5Cevil.example":     "/",
			"https://evil.example": "/",
			"/customers?x=1":       "/customers?x=1",
		} {
			status, _, h := b.get("/language?lang=en&next="+next, "")
			if status != http.StatusSeeOther || h.Get("Location") != want {
				t.Errorf("/language?next=%s: %d to %q, want %q", next, status, h.Get("Location"), want)
			}
		}
		_, body, _ := b.get("/login", "")
		token := csrfRE.FindStringSubmatch(body)[1]
		raw, _ := url.QueryUnescape("/%09/evil.example")
		status, h := b.post("/login", url.Values{"csrf": {token}, "name": {"ana"}, "password": {"correct horse battery"}, "next": {raw}})
		if status != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Errorf("sign-in with next %q: %d to %q, want /", raw, status, h.Get("Location"))
		}
	})
}

// TestUsersPage: the administration disables, enables, resets and
// revokes from the users page, in both languages, and each change holds
// from the next request; other roles may neither see nor post to it.
func TestUsersPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		tok, err := app.New(db, app.WithHasher(cheap)).CreateToken(context.Background(), "ana-phone", "", "ana")
		if err != nil {
			t.Fatal(err)
		}
		api := func() int {
			req, _ := http.NewRequest("GET", base+"/api/v1/customers", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		ana := newBrowser(t, base)
		ana.signIn("ana", "correct horse battery")
		if status, _, _ := ana.get("/users", "en"); status != http.StatusForbidden {
			t.Errorf("an agent opens the users page: %d", status)
		}
		_, body, _ := ana.get("/", "en")
		anaCSRF := csrfRE.FindStringSubmatch(body)[1]
		if strings.Contains(body, `href="/users"`) {
			t.Error("the agent is offered the users page")
		}
		if status, _ := ana.post("/users/alba/disable", url.Values{"csrf": {anaCSRF}}); status != http.StatusForbidden {
			t.Errorf("an agent disables a user: %d", status)
		}

		alba := newBrowser(t, base)
		alba.signIn("alba", "correct horse battery")
		status, body, _ := alba.get("/users", "es")
		if status != 200 || !strings.Contains(body, "Último acceso") || !strings.Contains(body, "agente") || !strings.Contains(body, "AG1") ||
			!strings.Contains(body, "ana-phone") || !strings.Contains(body, `href="/users"`) {
			t.Fatalf("users page in Spanish: %d\n%s", status, body)
		}
		if strings.Contains(body, `action="/users/alba/disable"`) {
			t.Error("alba is offered to disable herself")
		}
		status, body, _ = alba.get("/users", "en")
		if status != 200 || !strings.Contains(body, "Last sign-in") || !strings.Contains(body, "never") {
			t.Fatalf("users page in English: %d\n%s", status, body)
		}
		csrf := csrfRE.FindStringSubmatch(body)[1]
		if status, h := alba.post("/users/ana/disable", url.Values{"csrf": {csrf}}); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/users?done=disabled") {
			t.Fatalf("disable: %d %v", status, h)
		}
		if status, _, h := ana.get("/customers", "en"); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Errorf("a disabled user's session: %d %v", status, h)
		}
		if status := api(); status != http.StatusUnauthorized {
			t.Errorf("a disabled user's token: %d", status)
		}
		if _, body, _ = alba.get("/users?done=disabled", "en"); !strings.Contains(body, "The user is disabled") || !strings.Contains(body, `action="/users/ana/enable"`) {
			t.Errorf("after disabling:\n%s", body)
		}
		if status, _ := alba.post("/users/alba/disable", url.Values{"csrf": {csrf}}); status != http.StatusBadRequest {
			t.Errorf("disabling oneself: %d", status)
		}
		if status, _ := alba.post("/users/ana/enable", url.Values{"csrf": {csrf}}); status != http.StatusSeeOther {
			t.Fatalf("enable: %d", status)
		}
		if status := api(); status != http.StatusOK {
			t.Errorf("token after enable: %d", status)
		}
		ana.signIn("ana", "correct horse battery")
		if status, _ := alba.post("/users/ana/password", url.Values{"csrf": {csrf}, "password": {"short"}}); status != http.StatusBadRequest {
			t.Errorf("a short password: %d", status)
		}
		if status, _ := alba.post("/users/ana/password", url.Values{"csrf": {csrf}, "password": {"a brand new password"}}); status != http.StatusSeeOther {
			t.Fatalf("reset password: %d", status)
		}
		if status, _, _ := ana.get("/customers", "en"); status != http.StatusSeeOther {
			t.Errorf("session after a password reset: %d", status)
		}
		ana.signIn("ana", "a brand new password")
		_, body, _ = alba.get("/users", "en")
		m := regexp.MustCompile(`action="/users/ana/tokens/([^/"]+)/revoke"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no revoke button for ana's token:\n%s", body)
		}
		if status, _ := alba.post("/users/alba/tokens/"+m[1]+"/revoke", url.Values{"csrf": {csrf}}); status != http.StatusNotFound {
			t.Errorf("ana's token revoked as alba's: %d", status)
		}
		if status, _ := alba.post("/users/ana/tokens/"+m[1]+"/revoke", url.Values{"csrf": {csrf}}); status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", status)
		}
		if status := api(); status != http.StatusUnauthorized {
			t.Errorf("a revoked token: %d", status)
		}
		if status, _, _ := ana.get("/customers", "en"); status != http.StatusOK {
			t.Errorf("revoking a token ended the session: %d", status)
		}
		// alba's own password: her session stays.
		if status, _ := alba.post("/users/alba/password", url.Values{"csrf": {csrf}, "password": {"albas new password"}}); status != http.StatusSeeOther {
			t.Fatalf("own password: %d", status)
		}
		if status, _, _ := alba.get("/users", "en"); status != http.StatusOK {
			t.Errorf("own session after changing own password: %d", status)
		}
	})
}

// TestRevokeSharedLinkFromSheet: the sheet lists the links that still
// work; revoking one stops it at once.
func TestRevokeSharedLinkFromSheet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		b := newBrowser(t, base)
		b.signIn("ana", "correct horse battery")
		_, body, _ := b.get("/customers/C-1", "en")
		csrf := csrfRE.FindStringSubmatch(body)[1]
		res, err := b.c.PostForm(base+"/customers/C-1/share", url.Values{"csrf": {csrf}})
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		link := regexp.MustCompile(`value="http://[^"]+(/s/[^"]+)"`).FindStringSubmatch(string(page))
		if link == nil {
			t.Fatalf("share: %s", page)
		}
		anon := newBrowser(t, base)
		if status, _, _ := anon.get(link[1], ""); status != 200 {
			t.Fatalf("link: %d", status)
		}
		for lang, want := range map[string]string{"en": "Links sent that still work", "es": "Enlaces enviados que siguen funcionando"} {
			if _, body, _ = b.get("/customers/C-1", lang); !strings.Contains(body, want) || !strings.Contains(body, "user:ana") {
				t.Fatalf("sheet in %s lists no link:\n%s", lang, body)
			}
		}
		m := regexp.MustCompile(`action="(/customers/C-1/share/[^"]+/revoke)"`).FindStringSubmatch(body)
		if m == nil || strings.Contains(body, strings.TrimPrefix(link[1], "/s/")) {
			t.Fatalf("no revoke button, or the link's secret on the sheet:\n%s", body)
		}
		if status, _ := b.post(strings.Replace(m[1], "C-1", "C-2", 1), url.Values{"csrf": {csrf}}); status != http.StatusNotFound {
			t.Errorf("revoking through another agent's customer: %d", status)
		}
		if status, h := b.post(m[1], url.Values{"csrf": {csrf}}); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/customers/C-1") {
			t.Fatalf("revoke: %d %v", status, h)
		}
		if status, _, _ := anon.get(link[1], ""); status != http.StatusNotFound {
			t.Errorf("revoked link: %d", status)
		}
		if _, body, _ = b.get("/customers/C-1", "en"); strings.Contains(body, "Links sent that still work") {
			t.Errorf("revoked link still listed")
		}
	})
}
