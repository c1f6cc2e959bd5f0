package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// AuditEntry is one change to money: who, when, from where, under which
// idempotency key, and what.
type AuditEntry struct {
	At             time.Time
	Actor          string
	Source         string // client address, device or "cli"
	Action         string // e.g. "collection.record", "import.batch"
	Entity         string // "collection", "document", "import"...
	EntityID       string
	CustomerID     string
	IdempotencyKey string
	Detail         any // marshalled as JSON
}

// Audit appends an entry to the audit log, in the caller's transaction.
func (t *Tx) Audit(ctx context.Context, e AuditEntry) error {
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	detail := []byte("{}")
	if e.Detail != nil {
		if detail, err = json.Marshal(e.Detail); err != nil {
			return fmt.Errorf("store: audit detail: %w", err)
		}
	}
	_, err = t.exec(ctx, `INSERT INTO audit_log (id, at, actor, source, action, entity, entity_id, customer_id, idempotency_key, detail)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, id.String(), Stamp(e.At), e.Actor, e.Source, e.Action, e.Entity, e.EntityID,
		e.CustomerID, e.IdempotencyKey, string(detail))
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// AuditRecord is an audit entry as read back.
type AuditRecord struct {
	At, Actor, Source, Action, Entity, EntityID, CustomerID, IdempotencyKey, Detail string
}

// AuditOf lists the audit entries of one entity, oldest first.
func (t *Tx) AuditOf(ctx context.Context, entity, id string) ([]AuditRecord, error) {
	rows, err := t.query(ctx, `SELECT at, actor, source, action, entity, entity_id, customer_id, idempotency_key, detail
		FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY at, id`, entity, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		var r AuditRecord
		if err := rows.Scan(&r.At, &r.Actor, &r.Source, &r.Action, &r.Entity, &r.EntityID, &r.CustomerID, &r.IdempotencyKey, &r.Detail); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
