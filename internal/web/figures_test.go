package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/server"
	"cobro/internal/store"
	"cobro/internal/web"
)

// footDocuments: invoices in several buckets, one disputed past due and one
// disputed not yet due, a returned item, a credit note, and F-PAID, which a
// collection pays in full in cobro (still open in the ERP).
const footDocuments = `[
 {"document_id": "F-CUR", "customer_id": "C-1", "kind": "invoice", "number": "F-CUR", "issue_date": "2026-11-01", "due_date": "2026-12-31",
  "currency": "EUR", "amount": {"amount": 10000, "currency": "EUR"}, "open_amount": {"amount": 10000, "currency": "EUR"}},
 {"document_id": "F-15", "customer_id": "C-1", "kind": "invoice", "number": "F-15", "issue_date": "2026-10-01", "due_date": "2026-11-08",
  "currency": "EUR", "amount": {"amount": 20000, "currency": "EUR"}, "open_amount": {"amount": 15000, "currency": "EUR"}},
 {"document_id": "F-100", "customer_id": "C-2", "kind": "invoice", "number": "F-100", "issue_date": "2026-07-01", "due_date": "2026-08-15",
  "currency": "EUR", "amount": {"amount": 30000, "currency": "EUR"}, "open_amount": {"amount": 30000, "currency": "EUR"}},
 {"document_id": "F-DIS", "customer_id": "C-2", "kind": "invoice", "number": "F-DIS", "issue_date": "2026-09-01", "due_date": "2026-10-01",
  "currency": "EUR", "amount": {"amount": 4000, "currency": "EUR"}, "open_amount": {"amount": 4000, "currency": "EUR"}, "status": "disputed"},
 {"document_id": "F-DISCUR", "customer_id": "C-1", "kind": "invoice", "number": "F-DISCUR", "issue_date": "2026-11-10", "due_date": "2026-12-10",
  "currency": "EUR", "amount": {"amount": 700, "currency": "EUR"}, "open_amount": {"amount": 700, "currency": "EUR"}, "status": "disputed"},
 {"document_id": "R-1", "customer_id": "C-1", "kind": "returned", "number": "R-1", "issue_date": "2026-11-23", "due_date": "2026-11-23",
  "currency": "EUR", "amount": {"amount": 2500, "currency": "EUR"}, "open_amount": {"amount": 2500, "currency": "EUR"}},
 {"document_id": "A-1", "customer_id": "C-1", "kind": "credit_note", "number": "A-1", "issue_date": "2026-11-02", "due_date": "2026-11-02",
  "currency": "EUR", "amount": {"amount": 8675, "currency": "EUR"}, "open_amount": {"amount": 8675, "currency": "EUR"}},
 {"document_id": "F-PAID", "customer_id": "C-1", "kind": "invoice", "number": "F-PAID", "issue_date": "2026-10-20", "due_date": "2026-11-20",
  "currency": "EUR", "amount": {"amount": 1200, "currency": "EUR"}, "open_amount": {"amount": 1200, "currency": "EUR"}}
]`

func setupFoot(t *testing.T, db *store.DB) (string, *app.App) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }
	a := app.New(db, app.WithClock(now), app.WithHasher(cheap))
	sys := auth.System("test")
	if err := a.SaveCompany(ctx, sys, ledger.Company{Name: "Test S.L.", Currency: "EUR", TimeZone: "Europe/Madrid", Language: "es"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ImportCustomers(ctx, sys, strings.NewReader(customersJSON), app.ImportOptions{File: "c.json", Format: "json"}); err != nil {
		t.Fatal(err)
	}
	if rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(footDocuments), app.ImportOptions{File: "d.json", Format: "json"}); err != nil || rep.Rejected > 0 {
		t.Fatal(err, rep.Errors)
	}
	if _, _, err := a.RecordCollection(ctx, sys, app.Idem{Key: "k1", Hash: "h1"}, app.CollectionRequest{CustomerID: "C-1",
		Amount: money.New(1200, "EUR"), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash},
		Allocations: []app.AllocationRequest{{DocumentID: "F-PAID", Amount: money.New(1200, "EUR")}}}); err != nil {
		t.Fatal(err)
	}
	if err := a.AddUser(ctx, sys, app.User{Name: "marta", Role: "management"}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	pages, err := web.New(a, slog.New(slog.DiscardHandler), web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(a, slog.New(slog.DiscardHandler), server.Config{Extra: pages.Register}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL, a
}

var figRE = regexp.MustCompile(`data-(fig|line)="([a-z_]+)"(?: data-bucket="([^"]+)")?(?: data-currency="[A-Z]+")? data-(?:minor|n)="(-?\d+)"(?: data-disputed="(-?\d+)")?`)

// figures reads every figure marked on a page: name → values in order.
func figures(t *testing.T, body string) map[string][]int64 {
	t.Helper()
	out := map[string][]int64{}
	for _, m := range figRE.FindAllStringSubmatch(body, -1) {
		n, err := strconv.ParseInt(m[4], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		key := m[2]
		if m[3] != "" {
			key += ":" + m[3]
			if m[3] != string(ledger.BucketCurrent) {
				out["aging_past_due"] = append(out["aging_past_due"], n)
			}
			d, _ := strconv.ParseInt(m[5], 10, 64)
			out["aging_disputed"] = append(out["aging_disputed"], d)
			if m[3] != string(ledger.BucketCurrent) {
				out["aging_disputed_past_due"] = append(out["aging_disputed_past_due"], d)
			}
		}
		out[key] = append(out[key], n)
	}
	return out
}

func sum(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}

// TestPagesFoot sums every figure on the management dashboard, the debt
// list and the summary API, and checks that they reconcile: the aging to
// the owed total, the credit notes to the total open, the past-due buckets
// through the disputed line to the overdue figure, the debt list's lines
// to its total and to the dashboard's, and the customer sheet's count to
// its rows.
func TestPagesFoot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base, a := setupFoot(t, db)
		b := newBrowser(t, base)
		b.signIn("marta", "correct horse battery")
		status, body, _ := b.get("/", "en")
		if status != 200 {
			t.Fatalf("dashboard %d", status)
		}
		d := figures(t, body)
		one := func(name string) int64 {
			t.Helper()
			if len(d[name]) == 0 {
				t.Fatalf("no %s on the page:\n%s", name, body)
			}
			for _, v := range d[name][1:] {
				if v != d[name][0] {
					t.Fatalf("%s shown as %v", name, d[name])
				}
			}
			return d[name][0]
		}
		aging := sum(d["aging:current"]) + sum(d["aging_past_due"])
		owed, credit, open := one("owed"), one("credit_notes"), one("total_open")
		pastDue, disputedPastDue, overdue, disputed := one("past_due"), one("disputed_past_due"), one("overdue"), one("disputed")
		// By hand: owed 100 + 150 + 300 + 40 + 7 + 25 = 622.00; F-PAID is
		// collected. Credit note 86.75. Past due: 150 + 300 + 40 + 25 (the
		// returned item, 0 days) = 515; disputed in it 40; overdue 475.
		for _, c := range []struct {
			name      string
			got, want int64
		}{
			{"Σ aging = owed", aging, owed}, {"owed", owed, 62200}, {"credit notes", credit, 8675},
			{"owed − credit notes = total open", owed - credit, open},
			{"Σ past-due buckets = past due", sum(d["aging_past_due"]), pastDue},
			{"Σ disputed of past-due buckets", sum(d["aging_disputed_past_due"]), disputedPastDue},
			{"past due − disputed = overdue", pastDue - disputedPastDue, overdue}, {"overdue", overdue, 47500},
			{"Σ disputed of the aging = disputed", sum(d["aging_disputed"]), disputed}, {"disputed", disputed, 4700},
		} {
			if c.got != c.want {
				t.Errorf("dashboard: %s: %d, want %d", c.name, c.got, c.want)
			}
		}

		// The debt list, unfiltered, lists the owed documents: its total is
		// the dashboard's owed line, and its own lines sum to it.
		_, body, _ = b.get("/debts", "en")
		l := figures(t, body)
		if len(l["listed"]) != 1 || l["listed"][0] != owed {
			t.Errorf("debts: listed %v, dashboard owed %d", l["listed"], owed)
		}
		if sum(l["not_due"])+sum(l["overdue"])+sum(l["disputed"]) != sum(l["listed"]) || sum(l["overdue"]) != overdue || sum(l["disputed"]) != disputed {
			t.Errorf("debts: not due %v + overdue %v + disputed %v ≠ listed %v (dashboard overdue %d, disputed %d)",
				l["not_due"], l["overdue"], l["disputed"], l["listed"], overdue, disputed)
		}
		if sum(l["item"]) != sum(l["listed"]) || int64(len(l["item"])) != sum(l["count"]) {
			t.Errorf("debts: rows %v (Σ %d) against total %v, count %v", l["item"], sum(l["item"]), l["listed"], l["count"])
		}
		// Grouped by bucket, each group is the dashboard's bucket.
		_, body, _ = b.get("/debts?group=bucket", "en")
		groups := regexp.MustCompile(`data-group="([^"]+)" data-currency="EUR" data-minor="(-?\d+)"`).FindAllStringSubmatch(body, -1)
		var gsum int64
		for _, g := range groups {
			n, _ := strconv.ParseInt(g[2], 10, 64)
			gsum += n
			if want := one("aging:" + g[1]); n != want {
				t.Errorf("debts group %s: %d, dashboard %d", g[1], n, want)
			}
		}
		if gsum != owed || len(groups) == 0 {
			t.Errorf("debts groups Σ %d, owed %d", gsum, owed)
		}
		// Filtered by status, the list is the dashboard's line.
		for status, want := range map[string]int64{"disputed": disputed, "overdue": overdue - 2500, "unpaid": 2500} {
			_, body, _ = b.get("/debts?status="+status, "en")
			if f := figures(t, body); sum(f["listed"]) != want || sum(f["item"]) != want {
				t.Errorf("debts?status=%s: listed %v rows %v, want %d", status, f["listed"], f["item"], want)
			}
		}

		// The summary (what GET /api/v1/reports/summary answers) says the same.
		sm, err := a.Summary(context.Background(), auth.System("test"))
		if err != nil || len(sm.Currencies) != 1 {
			t.Fatalf("summary %v %+v", err, sm)
		}
		r := sm.Currencies[0]
		for name, c := range map[string][2]int64{"total_open": {r.Open.Minor, open}, "overdue": {r.Overdue.Minor, overdue},
			"disputed": {r.Disputed.Minor, disputed}, "credit_notes": {r.CreditNotes.Minor, credit}} {
			if c[0] != c[1] {
				t.Errorf("summary %s = %d, page %d", name, c[0], c[1])
			}
		}

		// The sheet counts what it lists; F-PAID is listed apart, collected
		// and awaiting the ERP; the credit note has the sign it has on the
		// statement and the detailed report.
		_, body, _ = b.get("/customers/C-1", "en")
		f := figures(t, body)
		rows := strings.Count(body, `data-line="item"`)
		if !strings.Contains(body, fmt.Sprintf(`data-line="count">%d<`, rows)) || !strings.Contains(body, "Collected, awaiting the ERP") ||
			!strings.Contains(body, `data-line="awaiting_count">1<`) {
			t.Errorf("sheet: %d rows, count and awaiting section:\n%s", rows, body)
		}
		if sum(f["item"]) != 10000+15000+700+2500-8675 || !strings.Contains(body, "-€86.75") {
			t.Errorf("sheet rows %v", f["item"])
		}
		// The customer list's default order is what its sort box shows:
		// most overdue first (C-2 owes 300.00 overdue, C-1 175.00).
		_, body, _ = b.get("/customers", "en")
		if !strings.Contains(body, `<option value="overdue" selected>`) || strings.Index(body, "Smith") > strings.Index(body, "Ferretería") {
			t.Errorf("customer list: default order is not the sort box's:\n%s", body)
		}
		_, body, _ = b.get("/customers/C-1/report", "en")
		if !strings.Contains(body, "<strong>-€86.75</strong>") || strings.Contains(body, "<strong>€86.75</strong>") {
			t.Errorf("detailed report: the credit note must read -€86.75:\n%s", body)
		}
	})
}
