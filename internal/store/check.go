package store

import (
	"context"
	"fmt"
	"strings"
)

// Violation is a broken ledger invariant found in the database.
type Violation struct {
	Rule   string `json:"rule"`
	Entity string `json:"entity"`
	ID     string `json:"id"`
	Detail string `json:"detail"`
}

// sqlChecks are invariants checked row by row in SQL; each query returns
// (id, detail) of every offending row.
var sqlChecks = []struct{ rule, entity, query string }{
	{"open amount is the ERP's open minus pending, never below zero", "document",
		`SELECT id, CAST(open_minor AS TEXT) FROM documents
		 WHERE open_minor <> CASE WHEN erp_open_minor > pending_minor THEN erp_open_minor - pending_minor ELSE 0 END`},
	{"pending equals the unacknowledged allocations of live collections", "document",
		`SELECT id, CAST(pending_minor AS TEXT) || ' <> ' || CAST(s AS TEXT) FROM (
		   SELECT d.id, d.pending_minor, (SELECT COALESCE(SUM(a.amount_minor), 0) FROM allocations a
		     JOIN collections c ON c.id = a.collection_id
		     WHERE a.document_id = d.id AND a.acked = 0 AND c.state <> 'voided') AS s
		   FROM documents d) x WHERE pending_minor <> s`},
	{"a collection's allocated total equals its allocations", "collection",
		`SELECT id, CAST(allocated_minor AS TEXT) || ' <> ' || CAST(s AS TEXT) FROM (
		   SELECT c.id, c.allocated_minor, (SELECT COALESCE(SUM(a.amount_minor), 0) FROM allocations a WHERE a.collection_id = c.id) AS s
		   FROM collections c) x WHERE allocated_minor <> s`},
	{"allocations never exceed the collection", "collection",
		`SELECT id, CAST(allocated_minor AS TEXT) FROM collections WHERE allocated_minor > amount_minor`},
	{"a document is in its customer's currency", "document",
		`SELECT d.id, d.currency || ' vs ' || c.currency FROM documents d JOIN customers c ON c.id = d.customer_id WHERE d.currency <> c.currency`},
	{"a collection is in its customer's currency", "collection",
		`SELECT k.id, k.currency || ' vs ' || c.currency FROM collections k JOIN customers c ON c.id = k.customer_id WHERE k.currency <> c.currency`},
	{"an allocation is to a document of the collection's customer", "collection",
		`SELECT c.id, a.document_id FROM allocations a JOIN collections c ON c.id = a.collection_id
		 JOIN documents d ON d.id = a.document_id WHERE d.customer_id <> c.customer_id`},
	{"every collection has its audit record", "collection",
		`SELECT c.id, 'no collection.record entry' FROM collections c WHERE NOT EXISTS (
		   SELECT 1 FROM audit_log a WHERE a.entity = 'collection' AND a.entity_id = c.id AND a.action = 'collection.record')`},
	{"every void has a reason and an audit record", "collection",
		`SELECT c.id, 'void without reason or audit' FROM collections c WHERE c.state = 'voided' AND (c.void_reason = '' OR NOT EXISTS (
		   SELECT 1 FROM audit_log a WHERE a.entity = 'collection' AND a.entity_id = c.id AND a.action = 'collection.void'))`},
	// The audit record of a collection carries the key it was recorded
	// under: two records under one key are two collections for one request.
	{"an idempotency key records at most one collection", "idempotency_key",
		`SELECT actor || ' ' || idempotency_key, CAST(COUNT(*) AS TEXT) || ' collections' FROM audit_log
		 WHERE action = 'collection.record' AND idempotency_key <> '' GROUP BY actor, idempotency_key HAVING COUNT(*) > 1`},
	{"risk is balance plus instruments in hand", "customer",
		`SELECT id, CAST(risk_minor AS TEXT) FROM customers WHERE risk_minor <> balance_minor + in_hand_minor`},
	{"a customer's reserved total is the sum of its reserved orders", "customer",
		`SELECT id, CAST(r AS TEXT) || ' <> ' || CAST(s AS TEXT) FROM (
		   SELECT c.id, COALESCE((SELECT a.reserved_minor FROM credit_accounts a WHERE a.customer_id = c.id), 0) AS r,
		     (SELECT COALESCE(SUM(k.exposure_minor), 0) FROM credit_checks k WHERE k.customer_id = c.id AND k.state = 'reserved') AS s
		   FROM customers c) x WHERE r <> s`},
}

// CheckRows runs the row-level invariant checks: first that every figure
// is an integer within its bounds, then the rules between rows. When a
// figure is out of bounds, a rule whose query cannot run on it (an
// overflow in its arithmetic) is reported as a violation rather than
// stopping the check.
func (db *DB) CheckRows(ctx context.Context, limitPerRule int) ([]Violation, error) {
	out, err := db.checkQueries(ctx, boundsChecks(db.dialect.name() == "sqlite"), limitPerRule, false)
	if err != nil {
		return nil, err
	}
	more, err := db.checkQueries(ctx, sqlChecks, limitPerRule, len(out) > 0)
	return append(out, more...), err
}

// OutOfBounds reports whether vs holds a violation of a figure's bounds:
// then the stored figures cannot all be read as numbers.
func OutOfBounds(vs []Violation) bool {
	for _, v := range vs {
		if strings.Contains(v.Rule, boundsRule) {
			return true
		}
	}
	return false
}

func (db *DB) checkQueries(ctx context.Context, checks []struct{ rule, entity, query string }, limit int, soft bool) ([]Violation, error) {
	var out []Violation
	for _, c := range checks {
		vs, err := db.checkQuery(ctx, c.rule, c.entity, c.query, limit)
		if err != nil && soft {
			vs, err = []Violation{{Rule: c.rule, Entity: c.entity, Detail: "not checked while figures are out of bounds: " + err.Error()}}, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	return out, nil
}

func (db *DB) checkQuery(ctx context.Context, rule, entity, query string, limit int) ([]Violation, error) {
	rows, err := db.read.QueryContext(ctx, query+fmt.Sprintf(" LIMIT %d", limit))
	if err != nil {
		return nil, fmt.Errorf("store: check %q: %w", rule, err)
	}
	defer rows.Close()
	var out []Violation
	for rows.Next() {
		v := Violation{Rule: rule, Entity: entity}
		if err := rows.Scan(&v.ID, &v.Detail); err != nil {
			return nil, fmt.Errorf("store: check %q: %w", rule, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: check %q: %w", rule, err)
	}
	return out, nil
}

// AccountsPage lists customers with their stored figures by id, after after.
func (t *Tx) AccountsPage(ctx context.Context, after string, n int) ([]Account, error) {
	return t.ListAccounts(ctx, CustomerFilter{AfterID: after, Limit: n})
}
