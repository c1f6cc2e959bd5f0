package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

// The actors of the demo's history: each agent's phone, the office and the
// ERP's integration.
var (
	office = auth.Actor{Name: "user:alba", Role: auth.Administration, Source: "demo"}
	erp    = auth.Actor{Name: "token:erp", Role: auth.Integration, Source: "demo"}
)

func agentActor(code string) auth.Actor {
	return auth.Actor{Name: "agent:" + code, Role: auth.Agent, Agent: code, Source: "demo"}
}

// loader records the planned history through the use cases.
type loader struct {
	a     *app.App
	today civil.Date
	keys  int
}

// idem is a fresh idempotency key, with the hash of the request it keys.
func (l *loader) idem(what string, req any) app.Idem {
	l.keys++
	b, err := json.Marshal(req)
	if err != nil {
		panic(err) // only plain values are marshalled here
	}
	return app.Idem{Key: fmt.Sprintf("demo-%s-%05d", what, l.keys), Hash: app.HashRequest([]byte(what), b)}
}

// collections records the visits in the order they happened, then what
// followed: the office voids a collection entered twice, clears the cheques
// the bank paid, takes back the one it returned; the ERP acknowledges what
// it has posted (older ones by a receipts file, a few by its API) and sends
// the documents those collections paid, now settled. It returns how many
// collections it recorded.
func (l *loader) collections(ctx context.Context, visits []*visit) (int, error) {
	n := 0
	now := l.a.Now()
	for i, v := range visits {
		at := v.at
		if at.After(now) { // later today: it has just happened
			at = now.Add(-time.Duration(len(visits)-i) * time.Minute)
		}
		id, err := l.record(ctx, v, at)
		if err != nil {
			return n, err
		}
		v.id = id
		n++
		if !v.twice {
			continue
		}
		again := at.Add(3 * time.Minute)
		if again.After(now) {
			again = now
		}
		copyID, err := l.record(ctx, v, again)
		if err != nil {
			return n, err
		}
		n++
		reason := "Registrado dos veces por error / entered twice by mistake"
		if _, _, err := l.a.VoidCollection(ctx, office, l.idem("void", []string{copyID, reason}), copyID, reason); err != nil {
			return n, fmt.Errorf("demo: void %s: %w", copyID, err)
		}
	}
	for _, v := range visits {
		switch {
		case v.bounces:
			reason := "Cheque devuelto por falta de fondos / returned unpaid: insufficient funds"
			if _, _, err := l.a.ReturnCollection(ctx, office, l.idem("return", []string{v.id, reason}), v.id, reason); err != nil {
				return n, fmt.Errorf("demo: return %s: %w", v.id, err)
			}
		case v.in.Kind == ledger.Cheque && !v.day().After(l.today.AddDays(-3)):
			if _, _, err := l.a.ClearCollection(ctx, office, l.idem("clear", v.id), v.id); err != nil {
				return n, fmt.Errorf("demo: clear %s: %w", v.id, err)
			}
		}
	}
	return n, l.acknowledge(ctx, visits)
}

func (l *loader) record(ctx context.Context, v *visit, at time.Time) (string, error) {
	req := app.CollectionRequest{CustomerID: v.c.id, Amount: money.New(v.amount, "EUR"), Instrument: v.in,
		CollectedAt: &at, DeviceID: "phone-" + v.c.agent.code}
	for _, al := range v.allocs {
		req.Allocations = append(req.Allocations, app.AllocationRequest{DocumentID: al.d.id, Amount: money.New(al.amount, "EUR")})
	}
	c, _, err := l.a.RecordCollection(ctx, agentActor(v.c.agent.code), l.idem("collection", req), req)
	if err != nil {
		return "", fmt.Errorf("demo: collection from %s: %w", v.c.id, err)
	}
	return c.ID, nil
}

// acknowledge plays the ERP: collections older than a week come back in
// its receipts file, half of those of the last days through its API, and
// the rest are still pending; then it re-sends the documents they paid.
func (l *loader) acknowledge(ctx context.Context, visits []*visit) error {
	var file bytes.Buffer
	w := csv.NewWriter(&file)
	_ = w.Write([]string{"collection_id", "erp_receipt_id", "posted_on"})
	var acked []*visit
	week, recent := l.today.AddDays(-7), l.today.AddDays(-3)
	for i, v := range visits {
		day := v.day()
		switch {
		case v.bounces || day.After(recent):
		case !day.After(week):
			_ = w.Write([]string{v.id, fmt.Sprintf("CB%d/%05d", day.Year, i+1), day.AddDays(2).String()})
			acked = append(acked, v)
		case i%2 == 0:
			if _, _, err := l.a.AckCollection(ctx, erp, l.idem("ack", v.id), v.id); err != nil {
				return fmt.Errorf("demo: acknowledge %s: %w", v.id, err)
			}
			acked = append(acked, v)
		}
	}
	w.Flush()
	rep, err := l.a.ImportReceipts(ctx, erp, bytes.NewReader(file.Bytes()), app.ImportOptions{File: "demo-erp-receipts.csv"})
	if err := importErr("receipts", rep, err); err != nil {
		return err
	}
	// The ERP's next export: what those collections paid is settled.
	var synced []*doc
	seen := map[*doc]bool{}
	for _, v := range acked {
		for _, al := range v.allocs {
			al.d.open -= al.amount
			if al.d.open == 0 {
				al.d.paidOn = v.day()
			}
			if !seen[al.d] {
				seen[al.d] = true
				synced = append(synced, al.d)
			}
		}
	}
	rep, err = l.a.ImportDocuments(ctx, erp, bytes.NewReader(documentsCSV(synced)), app.ImportOptions{File: "demo-erp-sync.csv"})
	return importErr("ERP sync", rep, err)
}

func importErr(what string, rep app.ImportReport, err error) error {
	switch {
	case err != nil:
		return fmt.Errorf("demo %s: %w", what, err)
	case rep.Rejected > 0:
		return fmt.Errorf("demo %s: %d rows rejected, the first: %v", what, rep.Rejected, rep.Errors[0])
	}
	return nil
}
