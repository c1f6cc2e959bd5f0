package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// postJSON posts a field request as the field app does: JSON, the CSRF
// token in a header.
func (b *browser) postJSON(path, csrf string, body any) (int, map[string]any) {
	b.t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		b.t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", b.base+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	out := map[string]any{}
	_ = json.Unmarshal(data, &out)
	return res.StatusCode, out
}

// fieldCSRF reads the session's token from the field app's data.
func fieldCSRF(t *testing.T, b *browser) string {
	t.Helper()
	status, body, _ := b.get("/field/data", "es")
	if status != http.StatusOK {
		t.Fatalf("field data: %d %s", status, body)
	}
	var d struct {
		CSRF      string `json:"csrf"`
		Customers []struct {
			ID        string `json:"id"`
			Documents []struct {
				ID string `json:"id"`
			} `json:"documents"`
		} `json:"customers"`
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Customers) != 1 || d.Customers[0].ID != "C-1" || len(d.Customers[0].Documents) != 1 {
		t.Fatalf("the agent's device must keep C-1 and its open invoice only: %s", body)
	}
	return d.CSRF
}

func offlineItem(id, receipt, device string, amount int64, alloc int64) map[string]any {
	it := map[string]any{"id": id, "customer_id": "C-1", "amount": map[string]any{"amount": amount, "currency": "EUR"},
		"instrument": map[string]any{"kind": "cash"}, "allocations": []any{},
		"collected_at": time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), "device_id": device, "receipt_number": receipt}
	if alloc > 0 {
		it["allocations"] = []any{map[string]any{"document_id": "F-1", "amount": map[string]any{"amount": alloc, "currency": "EUR"}}}
	}
	return it
}

// TestFieldSync: collections captured offline sync once however often the
// sync is repeated and from however many tabs at once; a debt paid
// meanwhile leaves the money as an advance and alerts the office; a
// number the device was not given is refused and said why.
func TestFieldSync(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		base := setup(t, db)
		b := newBrowser(t, base)
		// Signed out, the app is told so in JSON (a redirect would read as success).
		if status, out := b.postJSON("/field/sync", "", map[string]any{"collections": []any{}}); status != http.StatusUnauthorized || out["code"] != "signed_out" {
			t.Fatalf("signed out: %d %v", status, out)
		}
		b.signIn("ana", "correct horse battery")
		csrf := fieldCSRF(t, b)
		if status, _ := b.postJSON("/field/devices", "", map[string]any{"name": "phone"}); status != http.StatusForbidden {
			t.Fatalf("without the CSRF token: %d", status)
		}
		status, dev := b.postJSON("/field/devices", csrf, map[string]any{"name": "Ana's phone"})
		if status != http.StatusCreated {
			t.Fatalf("device: %d %v", status, dev)
		}
		device := dev["device"].(map[string]any)["id"].(string)
		block := dev["block"].(map[string]any)
		series := block["series"].(string)
		if block["first"].(float64) != 1 || block["last"].(float64) != 200 {
			t.Fatalf("first block %v", block)
		}
		num := func(n int) string { return fmt.Sprintf("%s-%06d", series, n) }
		items := []any{
			offlineItem("0190a1b2-0000-7000-8000-000000000001", num(1), device, 20000, 20000),
			offlineItem("0190a1b2-0000-7000-8000-000000000002", num(2), device, 5000, 0),
		}
		var first []any
		for i := 0; i < 10; i++ {
			status, out := b.postJSON("/field/sync", csrf, map[string]any{"collections": items})
			if status != http.StatusOK {
				t.Fatalf("sync %d: %d %v", i, status, out)
			}
			res := out["results"].([]any)
			for _, r := range res {
				if r.(map[string]any)["state"] != "recorded" {
					t.Fatalf("sync %d: %v", i, res)
				}
			}
			if i == 0 {
				first = res
			} else if fmt.Sprint(res) != fmt.Sprint(first) {
				t.Fatalf("sync %d answered %v, the first %v", i, res, first)
			}
		}
		// Two tabs at once, with the same queue.
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b.postJSON("/field/sync", csrf, map[string]any{"collections": items})
			}()
		}
		wg.Wait()
		ctx := context.Background()
		page, err := lastApp.Collections(ctx, auth.System("test"), app.CollectionQuery{CustomerID: "C-1", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 2 {
			t.Fatalf("%d collections recorded, want 2", len(page.Items))
		}
		for _, c := range page.Items {
			if c.ReceiptNumber != num(1) && c.ReceiptNumber != num(2) {
				t.Errorf("receipt number %q is not the one printed offline", c.ReceiptNumber)
			}
		}
		// Paid meanwhile: the office records 1.034,56 on F-1 (all that is
		// left open), then the device syncs 500,00 it took on F-1 offline.
		if _, _, err := lastApp.RecordCollection(ctx, auth.System("test"), app.Idem{Key: "office", Hash: "office"},
			app.CollectionRequest{CustomerID: "C-1", Amount: money.New(103456, "EUR"), Instrument: ledger.InstrumentDetail{Kind: ledger.Transfer},
				Allocations: []app.AllocationRequest{{DocumentID: "F-1", Amount: money.New(103456, "EUR")}}}); err != nil {
			t.Fatal(err)
		}
		status, out := b.postJSON("/field/sync", csrf, map[string]any{"collections": []any{
			offlineItem("0190a1b2-0000-7000-8000-000000000003", num(3), device, 50000, 50000),
			offlineItem("0190a1b2-0000-7000-8000-000000000004", "AG9-D1-000001", device, 100, 0),
		}})
		res := out["results"].([]any)
		if status != http.StatusOK || len(res) != 2 {
			t.Fatalf("sync: %d %v", status, out)
		}
		paid, wrong := res[0].(map[string]any), res[1].(map[string]any)
		if paid["state"] != "recorded" || fmt.Sprint(paid["unallocated"]) != "map[amount:50000 currency:EUR]" {
			t.Fatalf("a collection whose debt was paid meanwhile is kept as an advance: %v", paid)
		}
		if wrong["state"] != "rejected" || wrong["message"] == "" {
			t.Fatalf("a number the device was not given: %v", wrong)
		}
		board, err := lastApp.Alerts(ctx, auth.System("test"), false, 50)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range board.Alerts {
			if a.Kind == ledger.TopicOfflineUnapplied {
				found = true
				if msg := a.Message("es"); !strings.Contains(msg, "500,00") || !strings.Contains(msg, num(3)) {
					t.Errorf("alert text %q", msg)
				}
			}
		}
		if !found {
			t.Fatal("no alert for the offline collection whose debt was paid meanwhile")
		}
		// The customer's figures: 1.234,56 open, 200,00 + 1.034,56 applied,
		// 50,00 + 500,00 kept as advances: balance -550,00.
		c, err := lastApp.Customer(ctx, auth.System("test"), "C-1")
		if err != nil {
			t.Fatal(err)
		}
		if c.Balance.Minor != -55000 || c.Unallocated.Minor != 55000 {
			t.Fatalf("balance %v unallocated %v", c.Balance, c.Unallocated)
		}
		// Another block when the device runs low.
		status, blk := b.postJSON("/field/devices/"+device+"/blocks", csrf, map[string]any{})
		if status != http.StatusCreated || blk["first"].(float64) != 201 {
			t.Fatalf("second block: %d %v", status, blk)
		}
		// A key given twice is refused, as on the API.
		req, _ := http.NewRequest("POST", base+"/field/sync", strings.NewReader(`{"collections": [], "collections": []}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		if res, err := b.c.Do(req); err != nil || res.StatusCode != http.StatusBadRequest {
			t.Fatalf("duplicate key: %v %v", res, err)
		}
	})
}
