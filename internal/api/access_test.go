package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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
)

// access is what one role gets from one route: the status, and for lists
// what must and must not be in the answer.
type access struct {
	status     int
	has, hasnt string
}

// TestEveryRouteForEveryRole walks the whole URL table as every role, on
// both databases. A route missing from the table below fails the test, so
// a new route cannot go unchecked.
func TestEveryRouteForEveryRole(t *testing.T) {
	roles := []string{"anonymous", "admin", "integration", "agent", "supervisor", "administration", "management"}
	// For each route: the request, and per role (in the order above) what
	// it gets. C-1 belongs to agent AG1 (the agent user), C-2 to AG2.
	type check struct {
		method, path, body string
		want               []access
	}
	ok, created := access{status: 200}, access{status: 201}
	no, anon, hidden := access{status: 403}, access{status: 401}, access{status: 404}
	own := access{status: 200, has: "C-1", hasnt: "C-2"}
	all := access{status: 200, has: "C-2"}
	collect := `{"customer_id":"C-1","amount":{"amount":100,"currency":"EUR"},"instrument":{"kind":"cash"}}`
	collectOther := `{"customer_id":"C-2","amount":{"amount":100,"currency":"EUR"},"instrument":{"kind":"cash"}}`
	checks := map[string][]check{
		"GET /api/v1/openapi.json":    {{"GET", "/api/v1/openapi.json", "", []access{ok, ok, ok, ok, ok, ok, ok}}},
		"GET /api/v1/company":         {{"GET", "/api/v1/company", "", []access{anon, ok, ok, ok, ok, ok, ok}}},
		"PUT /api/v1/company":         {{"PUT", "/api/v1/company", `{"name":"X","currency":"EUR","time_zone":"Europe/Madrid","language":"es"}`, []access{anon, ok, no, no, no, no, no}}},
		"GET /api/v1/customers":       {{"GET", "/api/v1/customers", "", []access{anon, all, all, own, all, all, all}}},
		"POST /api/v1/customers/bulk": {{"POST", "/api/v1/customers/bulk", `[]`, []access{anon, ok, ok, no, no, ok, no}}},
		"GET /api/v1/customers/{id}": {
			{"GET", "/api/v1/customers/C-1", "", []access{anon, ok, ok, ok, ok, ok, ok}},
			{"GET", "/api/v1/customers/C-2", "", []access{anon, ok, ok, hidden, ok, ok, ok}}},
		"GET /api/v1/customers/{id}/documents": {
			{"GET", "/api/v1/customers/C-2/documents", "", []access{anon, ok, ok, hidden, ok, ok, ok}}},
		"GET /api/v1/customers/{id}/rating": {
			{"GET", "/api/v1/customers/C-1/rating", "", []access{anon, ok, ok, ok, ok, ok, ok}},
			{"GET", "/api/v1/customers/C-2/rating", "", []access{anon, ok, ok, hidden, ok, ok, ok}}},
		"POST /api/v1/documents/bulk": {{"POST", "/api/v1/documents/bulk", `[]`, []access{anon, ok, ok, no, no, ok, no}}},
		"GET /api/v1/collections": {{"GET", "/api/v1/collections", "", []access{anon, {200, "C-2", ""}, {200, "C-2", ""},
			{200, "C-1", "C-2"}, {200, "C-2", ""}, {200, "C-2", ""}, {200, "C-2", ""}}}},
		"POST /api/v1/collections": {
			{"POST", "/api/v1/collections", collect, []access{anon, created, created, created, created, created, no}},
			{"POST", "/api/v1/collections", collectOther, []access{anon, created, created, hidden, created, created, no}}},
		"GET /api/v1/collections/{id}": {{"GET", "/api/v1/collections/{other}", "", []access{anon, ok, ok, hidden, ok, ok, ok}}},
		"GET /api/v1/collections/{id}/receipt.pdf": {{"GET", "/api/v1/collections/{other}/receipt.pdf?lang=en", "",
			[]access{anon, ok, ok, hidden, ok, ok, ok}}},
		"POST /api/v1/collections/{id}/allocations": {{"POST", "/api/v1/collections/{other}/allocations",
			`{"allocations":[{"document_id":"F-2","amount":{"amount":1,"currency":"EUR"}}]}`, []access{anon, ok, ok, hidden, ok, ok, no}}},
		"POST /api/v1/collections/{id}/void":    {{"POST", "/api/v1/collections/{fresh}/void", `{"reason":"x"}`, []access{anon, ok, no, no, no, ok, no}}},
		"POST /api/v1/collections/{id}/clear":   {{"POST", "/api/v1/collections/{cheque}/clear", ``, []access{anon, ok, no, no, no, ok, no}}},
		"POST /api/v1/collections/{id}/return":  {{"POST", "/api/v1/collections/{cheque2}/return", `{"reason":"x"}`, []access{anon, ok, no, no, no, ok, no}}},
		"POST /api/v1/collections/{id}/hand-in": {{"POST", "/api/v1/collections/{cheque}/hand-in", ``, []access{anon, ok, no, no, no, ok, no}}},
		"POST /api/v1/collections/{id}/deposit": {{"POST", "/api/v1/collections/{cheque}/deposit", ``, []access{anon, ok, no, no, no, ok, no}}},
		"POST /api/v1/collections/{id}/ack":     {{"POST", "/api/v1/collections/{fresh}/ack", ``, []access{anon, ok, ok, no, no, ok, no}}},
		"GET /api/v1/conflicts":                 {{"GET", "/api/v1/conflicts", "", []access{anon, ok, ok, no, ok, ok, ok}}},
		"GET /api/v1/reports/summary":           {{"GET", "/api/v1/reports/summary", "", []access{anon, ok, ok, ok, ok, ok, ok}}},
		"GET /api/v1/alerts":                    {{"GET", "/api/v1/alerts", "", []access{anon, all, all, own, all, all, all}}},
		"POST /api/v1/alerts/{id}/resolve": {{"POST", "/api/v1/alerts/{alert}/resolve", `{"remark":"seen"}`,
			[]access{anon, ok, no, no, ok, ok, no}}},
		"GET /api/v1/devices": {{"GET", "/api/v1/devices", "", []access{anon, {200, "AG2", ""}, {200, "AG2", ""},
			{200, "", "AG2"}, {200, "AG2", ""}, {200, "AG2", ""}, {200, "AG2", ""}}}},
		"POST /api/v1/devices": {
			{"POST", "/api/v1/devices", `{"name":"phone","agent":"AG1"}`, []access{anon, created, created, created, created, created, no}},
			{"POST", "/api/v1/devices", `{"name":"phone","agent":"AG2"}`, []access{anon, created, created, no, created, created, no}}},
		"POST /api/v1/devices/{id}/receipt-blocks": {{"POST", "/api/v1/devices/{dev2}/receipt-blocks", `{"size":10}`,
			[]access{anon, created, created, hidden, created, created, no}}},
		"POST /api/v1/devices/{id}/retire": {{"POST", "/api/v1/devices/{freshdev}/retire", `{"reason":"lost"}`,
			[]access{anon, ok, ok, hidden, ok, ok, no}}},
		"GET /api/v1/settlements": {{"GET", "/api/v1/settlements", "", []access{anon, {200, "AG2", ""}, {200, "AG2", ""},
			{200, "", "AG2"}, {200, "AG2", ""}, {200, "AG2", ""}, {200, "AG2", ""}}}},
		"POST /api/v1/settlements": {{"POST", "/api/v1/settlements", `{"agent":"AG2","from":"{from}","to":"{to}"}`,
			[]access{anon, created, no, no, created, created, no}}},
		"GET /api/v1/settlements/{id}": {{"GET", "/api/v1/settlements/{settle:draft}", "", []access{anon, ok, ok, hidden, ok, ok, ok}}},
		"POST /api/v1/settlements/{id}/submit": {{"POST", "/api/v1/settlements/{settle:draft}/submit", "",
			[]access{anon, ok, no, hidden, ok, ok, no}}},
		"POST /api/v1/settlements/{id}/verify": {{"POST", "/api/v1/settlements/{settle:submitted}/verify",
			`{"counted":[{"instrument":"cash","amount":{"amount":1000,"currency":"EUR"}}]}`, []access{anon, ok, no, no, no, ok, no}}},
		"POST /api/v1/settlements/{id}/approve": {{"POST", "/api/v1/settlements/{settle:awaiting_approval}/approve", `{"note":"ok"}`,
			[]access{anon, ok, no, no, ok, no, no}}},
		"POST /api/v1/settlements/{id}/reject": {{"POST", "/api/v1/settlements/{settle:submitted}/reject", `{"reason":"recount"}`,
			[]access{anon, ok, no, no, ok, ok, no}}},
		"POST /api/v1/settlements/{id}/export": {{"POST", "/api/v1/settlements/{settle:verified}/export", "",
			[]access{anon, ok, no, no, no, ok, no}}},
		"POST /api/v1/settlements/{id}/discard": {{"POST", "/api/v1/settlements/{settle:draft}/discard", "",
			[]access{anon, ok, no, hidden, ok, ok, no}}},
		"POST /api/v1/devices/{id}/cancel-receipt": {{"POST", "/api/v1/devices/{dev2}/cancel-receipt", `{"receipt_number":"{num}","reason":"torn"}`,
			[]access{anon, ok, ok, hidden, ok, ok, no}}},
		"GET /api/v1/credit-policy": {{"GET", "/api/v1/credit-policy", "", []access{anon, ok, ok, ok, ok, ok, ok}}},
		"PUT /api/v1/credit-policy": {{"PUT", "/api/v1/credit-policy", creditPolicyBody, []access{anon, ok, no, no, no, ok, no}}},
		"POST /api/v1/credit-checks": {
			{"POST", "/api/v1/credit-checks", `{"customer_id":"C-1","amount":{"amount":100,"currency":"EUR"},"order_ref":"{order}"}`,
				[]access{anon, created, created, created, created, created, no}},
			{"POST", "/api/v1/credit-checks", `{"customer_id":"C-2","amount":{"amount":100,"currency":"EUR"},"order_ref":"{order}"}`,
				[]access{anon, created, created, hidden, created, created, no}},
			{"POST", "/api/v1/credit-checks", `{"customer_id":"C-2","amount":{"amount":100,"currency":"EUR"},"reserve":false}`,
				[]access{anon, ok, ok, hidden, ok, ok, no}}},
		"GET /api/v1/credit-checks/{id}":    {{"GET", "/api/v1/credit-checks/{check:reserved}", "", []access{anon, ok, ok, hidden, ok, ok, ok}}},
		"DELETE /api/v1/credit-checks/{id}": {{"DELETE", "/api/v1/credit-checks/{check:reserved}", "", []access{anon, ok, ok, hidden, ok, ok, no}}},
		"POST /api/v1/credit-checks/{id}/invoiced": {{"POST", "/api/v1/credit-checks/{check:reserved}/invoiced", "",
			[]access{anon, ok, ok, hidden, ok, ok, no}}},
		"GET /api/v1/approvals": {{"GET", "/api/v1/approvals?state=pending", "", []access{anon, all, all, {200, "C-4", "C-2"}, all, all, all}}},
		"POST /api/v1/approvals/{id}/approve": {{"POST", "/api/v1/approvals/{check:pending}/approve", `{"comment":"ok"}`,
			[]access{anon, ok, no, no, ok, ok, no}}},
		"POST /api/v1/approvals/{id}/reject": {{"POST", "/api/v1/approvals/{check:pending}/reject", `{"comment":"no"}`,
			[]access{anon, ok, no, no, ok, ok, no}}},
		"GET /api/v1/customers/{id}/promises": {
			{"GET", "/api/v1/customers/C-2/promises", "", []access{anon, ok, ok, hidden, ok, ok, ok}}},
		"POST /api/v1/customers/{id}/promises": {
			{"POST", "/api/v1/customers/C-2/promises", `{"date":"{to}","note":"friday"}`, []access{anon, created, no, hidden, created, created, no}}},
		"GET /api/v1/customers/{id}/disputes": {
			{"GET", "/api/v1/customers/C-2/disputes", "", []access{anon, ok, ok, hidden, ok, ok, ok}}},
		"POST /api/v1/customers/{id}/disputes": {
			{"POST", "/api/v1/customers/C-2/disputes", `{"document_id":"{newdoc}","reason":"price"}`,
				[]access{anon, created, no, hidden, created, created, no}}},
		"POST /api/v1/disputes/{id}/resolve": {{"POST", "/api/v1/disputes/{dispute}/resolve", `{"resolution":"rejected","note":"agreed"}`,
			[]access{anon, ok, no, no, no, ok, no}}},
		"PUT /api/v1/customers/{id}/flag": {{"PUT", "/api/v1/customers/C-2/flag", `{"flagged":false,"reason":"checked"}`,
			[]access{anon, ok, no, no, no, ok, no}}},
	}
	for _, r := range routes {
		if _, ok := checks[r.method+" "+r.path]; !ok {
			t.Errorf("route %s %s has no access checks", r.method, r.path)
		}
	}
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(db, app.WithHasher(auth.NewHasher(auth.HashParams{Memory: 64, Time: 1, Threads: 1}, 2)))
		sys := auth.System("test")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(a.SaveCompany(ctx, sys, ledger.Company{Name: "T", Currency: "EUR", TimeZone: "Europe/Madrid", Language: "es"}))
		_, err := a.ImportCustomers(ctx, sys, strings.NewReader(`[{"customer_id":"C-1","name":"Uno","agent":"AG1","currency":"EUR"},
			{"customer_id":"C-2","name":"Dos","agent":"AG2","currency":"EUR"}]`), app.ImportOptions{File: "c", Format: "json"})
		must(err)
		_, err = a.ImportDocuments(ctx, sys, strings.NewReader(`[{"document_id":"F-2","customer_id":"C-2","kind":"invoice","issue_date":"2026-01-01",
			"due_date":"2026-02-01","amount":{"amount":100000,"currency":"EUR"},"open_amount":{"amount":100000,"currency":"EUR"}}]`),
			app.ImportOptions{File: "d", Format: "json"})
		must(err)
		tokens := map[string]string{}
		for _, r := range []auth.Role{auth.Admin, auth.Integration} {
			tokens[string(r)], err = a.CreateToken(ctx, string(r), r, "")
			must(err)
		}
		for _, r := range []string{"agent", "supervisor", "administration", "management"} {
			agent := ""
			if r == "agent" {
				agent = "AG1"
			}
			must(a.AddUser(ctx, sys, app.User{Name: r, Role: r, Agent: agent}, "a long password"))
			tokens[r], err = a.CreateToken(ctx, r+"-token", "", r)
			must(err)
		}
		srv := httptest.NewServer(func() http.Handler {
			mux := http.NewServeMux()
			New(a, slog.New(slog.DiscardHandler), Config{}).Register(mux)
			return mux
		}())
		defer srv.Close()
		// Collections of C-2 for the routes that act on one, fresh for
		// each role that may succeed.
		newCollection := func(kind string) string {
			body := app.CollectionRequest{CustomerID: "C-2", Amount: eurAmount(1000), Instrument: ledger.InstrumentDetail{Kind: ledger.Instrument(kind), Number: "1"}}
			v, _, err := a.RecordCollection(ctx, sys, app.Idem{Key: fmt.Sprint(time.Now().UnixNano()), Hash: "x"}, body)
			must(err)
			return v.ID
		}
		newCollection("cash")
		if _, _, err := a.RecordCollection(ctx, sys, app.Idem{Key: "own", Hash: "x"}, app.CollectionRequest{CustomerID: "C-1",
			Amount: eurAmount(500), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash}}); err != nil {
			t.Fatal(err)
		}
		// Open alerts of C-1 (agent AG1) and C-2 (AG2), and a fresh one of
		// C-2 for each role that may resolve it.
		newAlert := func(customer, agent string) string {
			var id string
			must(db.Write(ctx, func(tx *store.Tx) error {
				if err := tx.AddAlerts(ctx, []store.Alert{{Kind: "instrument.returned", CustomerID: customer, Agent: agent}}, time.Now()); err != nil {
					return err
				}
				as, err := tx.Alerts(ctx, store.AlertFilter{All: true, Limit: 1})
				id = as[0].ID
				return err
			}))
			return id
		}
		newAlert("C-1", "AG1")
		newAlert("C-2", "AG2")
		// A device of AG2 with a block of numbers, and fresh ones to retire.
		newDevice := func() string {
			d, err := a.RegisterDevice(ctx, sys, app.DeviceRequest{Name: "tablet", Agent: "AG2"})
			must(err)
			return d.ID
		}
		dev2 := newDevice()
		block, err := a.ReserveReceipts(ctx, sys, dev2, 100)
		must(err)
		num := 0
		// Settlements of AG2 in each state, fresh for each request.
		today := time.Now().In(madridTZ(t))
		from, to := today.AddDate(0, 0, -30).Format(time.DateOnly), today.Format(time.DateOnly)
		agentCollection := func() {
			_, _, err := a.RecordCollection(ctx, sys, app.Idem{Key: fmt.Sprint("ag2-", time.Now().UnixNano()), Hash: "x"},
				app.CollectionRequest{CustomerID: "C-2", Amount: eurAmount(1000), Instrument: ledger.InstrumentDetail{Kind: ledger.Cash}, Agent: "AG2"})
			must(err)
		}
		newSettlement := func(state string) string {
			agentCollection()
			k := func() app.Idem { return app.Idem{Key: fmt.Sprint("st-", time.Now().UnixNano()), Hash: "x"} }
			st, _, err := a.DraftSettlement(ctx, sys, k(), app.SettlementRequest{Agent: "AG2", From: civil.MustParse(from), To: civil.MustParse(to)})
			must(err)
			if state == "draft" {
				return st.ID
			}
			_, _, err = a.SubmitSettlement(ctx, sys, k(), st.ID)
			must(err)
			switch state {
			case "verified":
				_, _, err = a.VerifySettlement(ctx, sys, k(), st.ID, app.VerifyRequest{Counted: []app.CountedInstrument{{Instrument: ledger.Cash, Amount: eurAmount(1000)}}})
			case "awaiting_approval":
				_, _, err = a.VerifySettlement(ctx, sys, k(), st.ID, app.VerifyRequest{Counted: []app.CountedInstrument{{Instrument: ledger.Cash, Amount: eurAmount(900)}},
					Reasons: map[ledger.Instrument]string{ledger.Cash: "short"}})
			}
			must(err)
			return st.ID
		}
		newSettlement("draft") // for the lists
		// Credit checks: of C-3 (AG2, no limit, nothing overdue: reserved)
		// and of C-2 (overdue: waiting for approval), fresh for each
		// request; one of C-4 (AG1, limit 0) waiting, for the lists.
		newCheck := func(customer string) string {
			v, _, err := a.CheckCredit(ctx, sys, app.Idem{Key: fmt.Sprint("ck-", time.Now().UnixNano()), Hash: "x"},
				app.CheckRequest{CustomerID: customer, Amount: eurAmount(100), OrderRef: fmt.Sprint("O-", time.Now().UnixNano())})
			must(err)
			if v.ReservationID != nil {
				return *v.ReservationID
			}
			return *v.ApprovalID
		}
		_, err = a.ImportCustomers(ctx, sys, strings.NewReader(`[{"customer_id":"C-3","name":"Tres","agent":"AG2","currency":"EUR"},
			{"customer_id":"C-4","name":"Cuatro","agent":"AG1","currency":"EUR","credit_limit":{"amount":0,"currency":"EUR"}}]`),
			app.ImportOptions{File: "c3", Format: "json"})
		must(err)
		newCheck("C-4")
		newCheck("C-2")
		// Fresh documents of C-2 to dispute, and disputes to resolve.
		docs := 0
		newDoc := func() string {
			docs++
			id := fmt.Sprint("FD-", docs)
			_, err := a.ImportDocuments(ctx, sys, strings.NewReader(`[{"document_id":"`+id+`","customer_id":"C-2","kind":"invoice",
				"issue_date":"2026-01-01","due_date":"2026-02-01","amount":{"amount":1000,"currency":"EUR"},"open_amount":{"amount":1000,"currency":"EUR"}}]`),
				app.ImportOptions{File: "fd", Format: "json"})
			must(err)
			return id
		}
		newDispute := func() string {
			d, err := a.OpenDispute(ctx, sys, "C-2", newDoc(), "quality", "")
			must(err)
			return d.ID
		}
		key := 0
		for _, r := range routes {
			for _, c := range checks[r.method+" "+r.path] {
				for i, role := range roles {
					path := c.path
					for _, ph := range []struct{ name, kind string }{{"{other}", "cash"}, {"{fresh}", "cash"}, {"{cheque}", "cheque"}, {"{cheque2}", "cheque"}} {
						if strings.Contains(path, ph.name) {
							path = strings.ReplaceAll(path, ph.name, newCollection(ph.kind))
						}
					}
					if strings.Contains(path, "{alert}") {
						path = strings.ReplaceAll(path, "{alert}", newAlert("C-2", "AG2"))
					}
					path = strings.ReplaceAll(path, "{dev2}", dev2)
					if strings.Contains(path, "{dispute}") {
						path = strings.ReplaceAll(path, "{dispute}", newDispute())
					}
					for _, st := range []string{"draft", "submitted", "awaiting_approval", "verified"} {
						if ph := "{settle:" + st + "}"; strings.Contains(path, ph) {
							path = strings.ReplaceAll(path, ph, newSettlement(st))
						}
					}
					for _, ph := range []struct{ name, customer string }{{"{check:reserved}", "C-3"}, {"{check:pending}", "C-2"}} {
						if strings.Contains(path, ph.name) {
							path = strings.ReplaceAll(path, ph.name, newCheck(ph.customer))
						}
					}
					if strings.Contains(path, "{freshdev}") {
						path = strings.ReplaceAll(path, "{freshdev}", newDevice())
					}
					reqBody := strings.NewReplacer("{from}", from, "{to}", to, "{order}", fmt.Sprint("R-", key)).Replace(c.body)
					if strings.Contains(reqBody, "{newdoc}") {
						reqBody = strings.ReplaceAll(reqBody, "{newdoc}", newDoc())
					}
					if strings.Contains(c.path, "/settlements") && c.method == "POST" && c.path == "/api/v1/settlements" {
						agentCollection()
					}
					if strings.Contains(reqBody, "{num}") {
						num++
						reqBody = strings.ReplaceAll(reqBody, "{num}", ledger.ReceiptNumber(block.Series, block.First-1+int64(num)))
					}
					req, _ := http.NewRequest(c.method, srv.URL+path, strings.NewReader(reqBody))
					if role != "anonymous" {
						req.Header.Set("Authorization", "Bearer "+tokens[role])
					}
					key++
					req.Header.Set("Idempotency-Key", fmt.Sprintf("access-%d", key))
					res, err := http.DefaultClient.Do(req)
					must(err)
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					for _, p := range CheckResponse(c.method, req.URL.Path, res.StatusCode, body) {
						t.Errorf("as %s: response differs from openapi.json: %s\n%s", role, p, body)
					}
					w := c.want[i]
					if res.StatusCode != w.status || (w.has != "" && !strings.Contains(string(body), w.has)) ||
						(w.hasnt != "" && strings.Contains(string(body), w.hasnt)) {
						t.Errorf("%s %s as %s: %d, want %d (has %q, not %q)\n%s", c.method, c.path, role, res.StatusCode, w.status, w.has, w.hasnt, body)
					}
				}
			}
		}
	})
}

func eurAmount(m int64) money.Amount { return money.New(m, "EUR") }

func madridTZ(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// creditPolicyBody is the default policy, as PUT /api/v1/credit-policy takes it.
const creditPolicyBody = `{"company":{"unpaid_action":"none","overdue_action":"approval","overdue_days":60,"materiality_bp":100,
	"materiality_amount":{"amount":0,"currency":"EUR"},"limit_action":"approval","tolerance_bp":0,"tolerance_amount":{"amount":0,"currency":"EUR"},
	"count_disputed":false,"paid_now_passes":true},"segments":{},"reservation_days":7}`
