package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"cobro/internal/auth"
	"cobro/internal/i18n"
	"cobro/internal/money"
	"cobro/internal/store"
)

// AlertView is an alert as a person sees it. Message gives its text in a
// language; Detail keeps the facts (money as money.Amount).
type AlertView struct {
	ID                 string
	At                 time.Time
	Kind               string
	CustomerID, Agent  string
	Entity, EntityID   string
	Detail             map[string]any
	ResolvedAt         time.Time
	ResolvedBy, Remark string
}

// Resolved reports whether someone resolved the alert.
func (v AlertView) Resolved() bool { return !v.ResolvedAt.IsZero() }

// Message is the alert's text in lang: the catalogue's "alert.<Kind>" with
// the facts of Detail, amounts formatted for lang; the kind itself when
// the catalogue has no text for it.
func (v AlertView) Message(lang i18n.Lang) string {
	key := "alert." + v.Kind
	if !i18n.Has(lang, key) {
		return v.Kind
	}
	names := make([]string, 0, len(v.Detail))
	for k := range v.Detail {
		names = append(names, k)
	}
	sort.Strings(names)
	args := make([]any, 0, 2*len(names)+2)
	for _, k := range names {
		args = append(args, k, v.Detail[k])
	}
	args = append(args, "customer", v.CustomerID)
	return i18n.T(lang, key, i18n.Args(lang, args...)...)
}

// Label is the name of the alert's kind in lang; the kind itself when the
// catalogue has none.
func (v AlertView) Label(lang i18n.Lang) string {
	if key := "alerts.kind." + v.Kind; i18n.Has(lang, key) {
		return i18n.T(lang, key)
	}
	return v.Kind
}

// MaxRemarkLen bounds the remark a person writes when resolving an alert.
const MaxRemarkLen = 500

// AlertBoard is the alerts page: the open or resolved alerts the actor may
// see, newest first, and how many are open.
type AlertBoard struct {
	Resolved bool
	Open     int64
	Alerts   []AlertView
}

// alertScope is whose alerts actor sees: an agent only their own, every
// other role that reads the ledger every one.
func alertScope(actor auth.Actor) (all bool, agent string, err error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return false, "", err
	}
	if actor.Role == auth.Agent {
		if actor.Agent == "" {
			return false, "", auth.ErrForbidden
		}
		return false, actor.Agent, nil
	}
	return true, "", nil
}

// Alerts lists the open (or resolved) alerts actor may see.
func (a *App) Alerts(ctx context.Context, actor auth.Actor, resolved bool, limit int) (AlertBoard, error) {
	all, agent, err := alertScope(actor)
	if err != nil {
		return AlertBoard{}, err
	}
	b := AlertBoard{Resolved: resolved}
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Alerts(ctx, store.AlertFilter{Resolved: resolved, All: all, Agent: agent, Limit: limit})
		if err != nil {
			return err
		}
		b.Alerts = make([]AlertView, 0, len(rows))
		for _, r := range rows {
			b.Alerts = append(b.Alerts, alertView(r))
		}
		b.Open, err = tx.CountOpenAlerts(ctx, all, agent)
		return err
	})
	return b, err
}

// OpenAlerts counts the open alerts actor may see (for the menu); zero
// for an actor who may see none.
func (a *App) OpenAlerts(ctx context.Context, actor auth.Actor) (int64, error) {
	all, agent, err := alertScope(actor)
	if err != nil {
		return 0, nil
	}
	var n int64
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		n, err = tx.CountOpenAlerts(ctx, all, agent)
		return err
	})
	return n, err
}

// ResolveAlert marks an alert resolved with a remark; the audit log
// records who did it. Resolving a resolved alert changes nothing.
func (a *App) ResolveAlert(ctx context.Context, actor auth.Actor, id, remark string) (AlertView, error) {
	if err := actor.Check(auth.ResolveAlert); err != nil {
		return AlertView{}, err
	}
	remark = strings.TrimSpace(remark)
	if len([]rune(remark)) > MaxRemarkLen {
		return AlertView{}, ruleInvalid("too_long", "remark", "the remark is longer than %d characters", MaxRemarkLen)
	}
	all, agent, err := alertScope(actor)
	if err != nil {
		return AlertView{}, err
	}
	now := a.now()
	var v AlertView
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		al, err := tx.Alert(ctx, id)
		if err != nil {
			return err
		}
		if !all && al.Agent != agent {
			return store.ErrNotFound
		}
		changed, err := tx.ResolveAlert(ctx, id, actor.Name, remark, now)
		if err != nil {
			return err
		}
		if changed {
			if err := tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: source(actor, ""), Action: "alert.resolve",
				Entity: "alert", EntityID: id, CustomerID: al.CustomerID, Detail: map[string]any{"kind": al.Kind, "remark": remark}}); err != nil {
				return err
			}
		}
		al, err = tx.Alert(ctx, id)
		v = alertView(al)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return AlertView{}, ErrNotFound
	}
	return v, err
}

func alertView(r store.Alert) AlertView {
	v := AlertView{ID: r.ID, At: r.At, Kind: r.Kind, CustomerID: r.CustomerID, Agent: r.Agent, Entity: r.Entity, EntityID: r.EntityID,
		ResolvedAt: r.ResolvedAt, ResolvedBy: r.ResolvedBy, Remark: r.Resolution}
	if raw, ok := r.Detail.(json.RawMessage); ok {
		v.Detail = alertDetail(raw)
	}
	return v
}

// alertDetail decodes a stored detail; an object holding exactly an
// amount and a currency is money again, so it is formatted as money.
func alertDetail(raw json.RawMessage) map[string]any {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil
	}
	out := make(map[string]any, len(fields))
	for k, f := range fields {
		if bytes.HasPrefix(bytes.TrimSpace(f), []byte("{")) {
			var m money.Amount
			if err := json.Unmarshal(f, &m); err == nil {
				out[k] = m
				continue
			}
		}
		var v any
		d := json.NewDecoder(bytes.NewReader(f))
		d.UseNumber()
		if err := d.Decode(&v); err == nil {
			out[k] = v
		}
	}
	return out
}
