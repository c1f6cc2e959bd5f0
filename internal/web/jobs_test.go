package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/dbtest"
	"cobro/internal/jobs"
	"cobro/internal/store"
)

// TestJobsPage: the administration sees the jobs of the runner, by state,
// with what failed and why, in both languages; an agent may not.
func TestJobsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		ctx := context.Background()
		now := func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }
		r := jobs.New(db, jobs.Config{Owner: "test", Now: now})
		jobs.Upkeep(r, app.New(db, app.WithClock(now)), db)
		r.Register(jobs.Kind{Name: "webhook.deliver", MaxAttempts: 1, Handle: func(context.Context, jobs.Job) error {
			return errors.New("receiver answered 500 <script>")
		}})
		r.Register(jobs.Kind{Name: "outbox.poll", Handle: func(context.Context, jobs.Job) error { return nil }})
		r.Recurring("outbox.poll", 5*time.Second)
		if _, _, err := r.Enqueue(ctx, "webhook.deliver", "", "", now()); err != nil {
			t.Fatal(err)
		}
		if n, err := r.RunDue(ctx); err != nil || n != 7 { // the upkeep jobs, the failing delivery, the poll
			t.Fatalf("ran %d jobs (%v), want 7", n, err)
		}
		b := newBrowser(t, base)
		b.signIn("alba", "correct horse battery")
		status, body, _ := b.get("/jobs", "en")
		for _, want := range []string{"Background jobs", "New day: figures of the documents that fell due", "2026-11-23",
			"Forget old idempotency keys", "Rate every customer again", "webhook.deliver", "Dead", "receiver answered 500 &lt;script&gt;", `href="/jobs"`,
			"outbox.poll", "recurring"} {
			if !strings.Contains(body, want) {
				t.Errorf("jobs page lacks %q", want)
			}
		}
		if status != http.StatusOK || strings.Contains(body, "<script>") {
			t.Fatalf("jobs page: %d\n%s", status, body)
		}
		status, body, _ = b.get("/jobs?state=dead", "es")
		if status != http.StatusOK || !strings.Contains(body, "Tareas en segundo plano") || !strings.Contains(body, "Muerta") ||
			!strings.Contains(body, "webhook.deliver") || strings.Contains(body, "Nuevo día") {
			t.Fatalf("dead jobs in Spanish: %d\n%s", status, body)
		}
		if status, _, _ := b.get("/jobs?state=nonsense", "en"); status != http.StatusBadRequest {
			t.Errorf("unknown state: %d, want 400", status)
		}
		// Retry the dead one: it is queued again, and runs again.
		m := regexp.MustCompile(`action="/jobs/([^"/]+)/retry"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no retry button on a dead job:\n%s", body)
		}
		id := m[1]
		csrf := csrfRE.FindStringSubmatch(body)[1]
		if status, h := b.post("/jobs/"+id+"/retry", url.Values{"csrf": {csrf}}); status != http.StatusSeeOther || h.Get("Location") != "/jobs?state=dead" {
			t.Fatalf("retry: %d %v", status, h)
		}
		if _, body, _ = b.get("/jobs?state=queued", "en"); !strings.Contains(body, "webhook.deliver") || strings.Contains(body, "/retry") {
			t.Fatalf("the retried job is not queued:\n%s", body)
		}
		if status, _ := b.post("/jobs/"+id+"/retry", url.Values{"csrf": {csrf}}); status != http.StatusNotFound {
			t.Errorf("retry of a job that is not dead: %d, want 404", status)
		}
		if n, err := r.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("after the retry ran %d (%v), want 1", n, err)
		}
		agent := newBrowser(t, base)
		agent.signIn("ana", "correct horse battery")
		status, body, _ = agent.get("/jobs", "en")
		if status != http.StatusForbidden || strings.Contains(body, "webhook.deliver") {
			t.Fatalf("agent on the jobs page: %d\n%s", status, body)
		}
		if _, body, _ = agent.get("/", "en"); strings.Contains(body, `href="/jobs"`) {
			t.Error("the agent's menu links to the jobs page")
		}
		if status, _ := agent.post("/jobs/"+id+"/retry", url.Values{"csrf": {csrfRE.FindStringSubmatch(body)[1]}}); status != http.StatusForbidden {
			t.Errorf("an agent retrying a job: %d, want 403", status)
		}
	})
}
