package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Alert is an alert as stored: what happened, about whom, for which agent,
// and whether someone has resolved it.
type Alert struct {
	ID         string // UUIDv7, given by AddAlerts
	At         time.Time
	Kind       string
	CustomerID string
	Agent      string
	Entity     string
	EntityID   string
	Detail     any // marshalled as JSON when added; json.RawMessage when read
	ResolvedAt time.Time
	ResolvedBy string
	Resolution string
}

// AddAlerts writes alerts in the caller's transaction (only the change
// envelope of package app does), so they commit with their change.
func (t *Tx) AddAlerts(ctx context.Context, alerts []Alert, now time.Time) error {
	for _, a := range alerts {
		id, err := uuid.NewV7()
		if err != nil {
			return err
		}
		detail := []byte("{}")
		if a.Detail != nil {
			if detail, err = json.Marshal(a.Detail); err != nil {
				return fmt.Errorf("store: alert detail of %s: %w", a.Kind, err)
			}
		}
		_, err = t.exec(ctx, `INSERT INTO alerts (id, at, kind, customer_id, agent, entity, entity_id, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id.String(), Stamp(now), a.Kind, a.CustomerID, a.Agent, a.Entity, a.EntityID, string(detail))
		if err != nil {
			return fmt.Errorf("store: alert: %w", err)
		}
	}
	return nil
}

// AlertFilter chooses alerts: open or resolved ones, of one agent
// (every agent's when All), newest first.
type AlertFilter struct {
	Resolved bool
	All      bool   // every agent's alerts; else only Agent's
	Agent    string // with !All
	Limit    int
}

const alertCols = `id, at, kind, customer_id, agent, entity, entity_id, detail, resolved_at, resolved_by, resolution`

// Alerts lists the alerts f chooses, newest first.
func (t *Tx) Alerts(ctx context.Context, f AlertFilter) ([]Alert, error) {
	cond := `resolved_at = ''`
	if f.Resolved {
		cond = `resolved_at <> ''`
	}
	all := 0
	if f.All {
		all = 1
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := t.query(ctx, `SELECT `+alertCols+` FROM alerts WHERE `+cond+` AND ($1 = 1 OR agent = $2)
		ORDER BY id DESC LIMIT $3`, all, f.Agent, limit)
	if err != nil {
		return nil, fmt.Errorf("store: alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		a, err := scanAlert(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CountOpenAlerts counts the open alerts of agent (every agent's when
// all), for the menu.
func (t *Tx) CountOpenAlerts(ctx context.Context, all bool, agent string) (int64, error) {
	a := 0
	if all {
		a = 1
	}
	var n int64
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM alerts WHERE resolved_at = '' AND ($1 = 1 OR agent = $2)`, a, agent).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: alerts: %w", err)
	}
	return n, nil
}

// Alert reads one alert; ErrNotFound if there is none.
func (t *Tx) Alert(ctx context.Context, id string) (Alert, error) {
	a, err := scanAlert(t.queryRow(ctx, `SELECT `+alertCols+` FROM alerts WHERE id = $1`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("store: alert %q: %w", id, ErrNotFound)
	}
	return a, err
}

// ResolveAlert marks an open alert resolved by who, with a note. It
// reports false when the alert was resolved already (nothing changes).
func (t *Tx) ResolveAlert(ctx context.Context, id, by, note string, now time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE alerts SET resolved_at = $2, resolved_by = $3, resolution = $4 WHERE id = $1 AND resolved_at = ''`,
		id, Stamp(now), by, note)
	if err != nil {
		return false, fmt.Errorf("store: resolve alert: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func scanAlert(scan func(...any) error) (Alert, error) {
	var a Alert
	var at, resolved, detail string
	if err := scan(&a.ID, &at, &a.Kind, &a.CustomerID, &a.Agent, &a.Entity, &a.EntityID, &detail, &resolved, &a.ResolvedBy, &a.Resolution); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return a, err
		}
		return a, fmt.Errorf("store: alert: %w", err)
	}
	a.Detail = json.RawMessage(detail)
	var err error
	if a.At, err = ParseStamp(at); err != nil {
		return a, err
	}
	a.ResolvedAt, err = ParseStamp(resolved)
	return a, err
}
