package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// TestAlerts: the envelope stores a decision's alerts; an agent sees only
// the alerts addressed to them, the other roles every one; resolving is a
// right of the administration and supervisors, recorded in the audit log,
// and resolving twice changes nothing.
func TestAlerts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := newApp(t, db)
		var fx ledger.Effects
		fx.Alerts = []ledger.Alert{
			{Kind: "instrument.returned", CustomerID: "C-1", Agent: "AG1", Entity: "collection", EntityID: "K-1",
				Detail: map[string]any{"amount": eur(35812), "number": "CH-7"}},
			{Kind: "instrument.returned", CustomerID: "C-2", Agent: "AG2", Entity: "collection", EntityID: "K-2"},
		}
		if err := app.ApplyEffects(ctx, a, "test", fx); err != nil {
			t.Fatal(err)
		}
		ana := auth.Actor{Name: "ana", Role: auth.Agent, Agent: "AG1"}
		b, err := a.Alerts(ctx, ana, false, 0)
		if err != nil || len(b.Alerts) != 1 || b.Open != 1 || b.Alerts[0].CustomerID != "C-1" {
			t.Fatalf("agent AG1 sees %+v, %v; want only C-1's alert", b, err)
		}
		mine := b.Alerts[0]
		if got := mine.Detail["amount"]; got != eur(35812) {
			t.Errorf("detail amount read back as %#v, want money", got)
		}
		alba := auth.Actor{Name: "alba", Role: auth.Administration}
		b, err = a.Alerts(ctx, alba, false, 0)
		if err != nil || len(b.Alerts) != 2 || b.Open != 2 {
			t.Fatalf("administration sees %d alerts (%d open), %v; want 2", len(b.Alerts), b.Open, err)
		}
		other := b.Alerts[0].ID
		if b.Alerts[0].CustomerID != "C-2" {
			t.Errorf("alerts are not newest first: %+v", b.Alerts)
		}
		if n, _ := a.OpenAlerts(ctx, ana); n != 1 {
			t.Errorf("agent's menu count = %d, want 1", n)
		}
		if _, err := a.ResolveAlert(ctx, ana, mine.ID, "seen"); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("an agent resolved an alert: %v", err)
		}
		if _, err := a.ResolveAlert(ctx, auth.Actor{Name: "marta", Role: auth.Management}, mine.ID, ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("management resolved an alert: %v", err)
		}
		if _, err := a.ResolveAlert(ctx, alba, "no-such-alert", ""); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("resolving an unknown alert: %v", err)
		}
		if _, err := a.ResolveAlert(ctx, alba, mine.ID, strings.Repeat("x", app.MaxRemarkLen+1)); err == nil {
			t.Error("a remark over the limit was taken")
		}
		v, err := a.ResolveAlert(ctx, alba, mine.ID, "customer paid in cash")
		if err != nil || !v.Resolved() || v.ResolvedBy != "alba" || v.Remark != "customer paid in cash" {
			t.Fatalf("resolve = %+v, %v", v, err)
		}
		again, err := a.ResolveAlert(ctx, auth.Actor{Name: "sergio", Role: auth.Supervisor}, mine.ID, "other remark")
		if err != nil || again.ResolvedBy != "alba" || again.Remark != "customer paid in cash" {
			t.Errorf("resolving twice changed the alert: %+v, %v", again, err)
		}
		if b, _ := a.Alerts(ctx, ana, false, 0); len(b.Alerts) != 0 || b.Open != 0 {
			t.Errorf("a resolved alert is still open: %+v", b)
		}
		if b, _ := a.Alerts(ctx, ana, true, 0); len(b.Alerts) != 1 {
			t.Errorf("the resolved list has %d alerts, want 1", len(b.Alerts))
		}
		if b, _ := a.Alerts(ctx, alba, false, 0); len(b.Alerts) != 1 || b.Alerts[0].ID != other {
			t.Errorf("administration's open alerts after resolving one: %+v", b.Alerts)
		}
		var audit []store.AuditRecord
		if err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			audit, err = tx.AuditOf(ctx, "alert", mine.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(audit) != 1 || audit[0].Actor != "alba" || audit[0].Action != "alert.resolve" {
			t.Errorf("audit of the resolution = %+v, want one entry by alba", audit)
		}
	})
}

// TestAlertMessage: an alert reads in each language from its facts, money
// formatted for the reader; a kind without text shows as its kind.
func TestAlertMessage(t *testing.T) {
	v := app.AlertView{Kind: "no.such.kind", CustomerID: "C-1"}
	if got := v.Message(i18n.Spanish); got != "no.such.kind" {
		t.Errorf("unknown kind reads %q", got)
	}
	for _, key := range i18n.Keys(i18n.English) {
		kind, ok := strings.CutPrefix(key, "alert.")
		if !ok {
			continue
		}
		for _, l := range []i18n.Lang{i18n.English, i18n.Spanish} {
			if !i18n.Has(l, "alerts.kind."+kind) {
				t.Errorf("alert kind %s has a message but no label in %s", kind, l)
			}
		}
	}
}
