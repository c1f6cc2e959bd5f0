package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

const documentCols = `id, customer_id, kind, number, issue_date, due_date, currency, amount_minor, erp_open_minor,
	pending_minor, instrument, disputed, paid_on, closed_reason`

func scanDocument(s interface{ Scan(...any) error }) (ledger.Document, error) {
	var d ledger.Document
	var kind, issue, due, cur, instr, paid string
	var disputed int
	err := s.Scan(&d.ID, &d.CustomerID, &kind, &d.Number, &issue, &due, &cur, &d.Amount, &d.ERPOpen, &d.Pending,
		&instr, &disputed, &paid, &d.ClosedReason)
	if err != nil {
		return d, err
	}
	d.Kind, d.Currency, d.Instrument, d.Disputed = ledger.Kind(kind), money.Currency(cur), ledger.Instrument(instr), disputed != 0
	if d.IssueDate, err = civil.Parse(issue); err != nil {
		return d, err
	}
	if d.DueDate, err = civil.Parse(due); err != nil {
		return d, err
	}
	if paid != "" {
		d.PaidOn, err = civil.Parse(paid)
	}
	return d, err
}

func (t *Tx) scanDocuments(ctx context.Context, q string, args ...any) ([]ledger.Document, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: documents: %w", err)
	}
	defer rows.Close()
	var out []ledger.Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("store: documents: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: documents: %w", err)
	}
	return out, nil
}

// Documents reads the documents with these ids; missing ones are absent.
func (t *Tx) Documents(ctx context.Context, ids []string) (map[string]ledger.Document, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make(map[string]ledger.Document, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		docs, err := t.scanDocuments(ctx, `SELECT `+documentCols+` FROM documents WHERE id IN (`+t.inList(n)+`)`, anys(ids[:n])...)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			out[d.ID] = d
		}
		ids = ids[n:]
	}
	return out, nil
}

// docRowsPerInsert keeps one multi-row INSERT under PostgreSQL's limit
// on bound parameters.
const docRowsPerInsert = 400

const insertDocumentCols = `INSERT INTO documents (id, customer_id, kind, number, issue_date, due_date, currency, amount_minor,
	erp_open_minor, pending_minor, open_minor, instrument, disputed, paid_on, closed_reason, created_at, updated_at) VALUES `

func documentArgs(d ledger.Document, ts string) []any {
	return []any{d.ID, d.CustomerID, string(d.Kind), d.Number, d.IssueDate.String(), d.DueDate.String(),
		string(d.Currency), d.Amount, d.ERPOpen, d.Pending, d.Open(), string(d.Instrument), boolInt(d.Disputed),
		d.PaidOn.String(), d.ClosedReason, ts}
}

// InsertDocuments adds new documents in bulk, the fastest way each
// database offers inside a transaction: one prepared single-row INSERT run
// per row on SQLite (which parses a many-row statement slowly), many rows
// per statement on PostgreSQL (which pays a round trip per statement).
func (t *Tx) InsertDocuments(ctx context.Context, docs []ledger.Document, now time.Time) error {
	ctx = t.ctxOf(ctx) // its prepared statements run with ctx too
	ts := Stamp(now)
	const cols = 16
	if t.d.name() == "sqlite" {
		stmt, err := t.prepared(ctx, insertDocumentCols+`($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16)`)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if _, err := stmt.ExecContext(ctx, documentArgs(d, ts)...); err != nil {
				return fmt.Errorf("store: insert document %q: %w", d.ID, err)
			}
		}
		return nil
	}
	for len(docs) > 0 {
		n := min(len(docs), docRowsPerInsert)
		var b strings.Builder
		b.WriteString(insertDocumentCols)
		args := make([]any, 0, n*cols)
		for i, d := range docs[:n] {
			if i > 0 {
				b.WriteByte(',')
			}
			p := i*cols + 1
			fmt.Fprintf(&b, "($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)",
				p, p+1, p+2, p+3, p+4, p+5, p+6, p+7, p+8, p+9, p+10, p+11, p+12, p+13, p+14, p+15, p+15)
			args = append(args, documentArgs(d, ts)...)
		}
		if _, err := t.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: insert documents: %w", err)
		}
		docs = docs[n:]
	}
	return nil
}

// UpdateDocument rewrites what the ERP says of a document. It leaves
// pending_minor alone: only collections move it, through AddPending.
func (t *Tx) UpdateDocument(ctx context.Context, d ledger.Document, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE documents SET customer_id=$2, kind=$3, number=$4, issue_date=$5, due_date=$6, currency=$7,
		amount_minor=$8, erp_open_minor=$9, open_minor = CASE WHEN $9 > pending_minor THEN $9 - pending_minor ELSE 0 END,
		instrument=$10, disputed=$11, paid_on=$12, closed_reason=$13, updated_at=$14 WHERE id=$1`,
		d.ID, d.CustomerID, string(d.Kind), d.Number, d.IssueDate.String(), d.DueDate.String(), string(d.Currency),
		d.Amount, d.ERPOpen, string(d.Instrument), boolInt(d.Disputed), d.PaidOn.String(), d.ClosedReason, Stamp(now))
	if err != nil {
		return fmt.Errorf("store: update document %q: %w", d.ID, err)
	}
	return nil
}

// AddPending moves a document's pending allocations by delta. An increase
// is guarded in the statement itself: it applies only while the open amount
// covers it, so two concurrent collections can never over-allocate a
// document, whatever the caller checked before. It reports false when the
// guard refused.
func (t *Tx) AddPending(ctx context.Context, docID string, delta int64, now time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE documents SET pending_minor = pending_minor + $2,
		open_minor = CASE WHEN erp_open_minor > pending_minor + $2 THEN erp_open_minor - pending_minor - $2 ELSE 0 END,
		updated_at = $3
		WHERE id = $1 AND ($2 <= 0 OR open_minor >= $2) AND pending_minor + $2 >= 0`, docID, delta, Stamp(now))
	if err != nil {
		return false, fmt.Errorf("store: allocate to %q: %w", docID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// OpenDocumentsOf reads the documents of these customers that are open in
// the ERP or carry cobro's pending allocations.
func (t *Tx) OpenDocumentsOf(ctx context.Context, customerIDs []string) ([]ledger.Document, error) {
	var out []ledger.Document
	for len(customerIDs) > 0 {
		n := min(len(customerIDs), chunk)
		docs, err := t.scanDocuments(ctx, `SELECT `+documentCols+` FROM documents WHERE customer_id IN (`+t.inList(n)+`)
			AND (erp_open_minor > 0 OR pending_minor > 0) ORDER BY customer_id, due_date, id`, anys(customerIDs[:n])...)
		if err != nil {
			return nil, err
		}
		out = append(out, docs...)
		customerIDs = customerIDs[n:]
	}
	return out, nil
}

// DocumentsDueBetween reads the open owed documents due on from or later
// and before to: those whose status a change of day from..to may move.
func (t *Tx) DocumentsDueBetween(ctx context.Context, from, to civil.Date) ([]ledger.Document, error) {
	// kind <> 'credit_note' is implied, and written so that the partial
	// index documents_debts serves the due-date range.
	return t.scanDocuments(ctx, `SELECT `+documentCols+` FROM documents WHERE open_minor > 0 AND kind <> 'credit_note'
		AND kind = 'invoice' AND due_date >= $1 AND due_date < $2 ORDER BY customer_id, id`, from.String(), to.String())
}

// CustomerDocuments lists a customer's documents by due date, then id,
// after the cursor position (due date and id of the last one seen).
func (t *Tx) CustomerDocuments(ctx context.Context, customerID string, openOnly bool, afterDue, afterID string, limit int) ([]ledger.Document, error) {
	q := `SELECT ` + documentCols + ` FROM documents WHERE customer_id = $1 AND (due_date > $2 OR (due_date = $2 AND id > $3))`
	if openOnly {
		q += ` AND (open_minor > 0 OR pending_minor > 0)`
	}
	q += ` ORDER BY due_date, id LIMIT $4`
	return t.scanDocuments(ctx, q, customerID, afterDue, afterID, limit)
}

// Conflicts lists documents where cobro's pending allocations exceed the
// ERP's open amount.
func (t *Tx) Conflicts(ctx context.Context, limit int) ([]ledger.Document, error) {
	return t.scanDocuments(ctx, `SELECT `+documentCols+` FROM documents WHERE pending_minor > erp_open_minor ORDER BY customer_id, id LIMIT $1`, limit)
}

// OpenReturned lists open returned (unpaid) items, most recent first, of
// the customers of agent scope ("" for all).
func (t *Tx) OpenReturned(ctx context.Context, scope string, n int) ([]ledger.Document, error) {
	if scope == "" {
		return t.scanDocuments(ctx, `SELECT `+documentCols+` FROM documents WHERE kind = 'returned' AND open_minor > 0
			ORDER BY issue_date DESC, id LIMIT $1`, n)
	}
	return t.scanDocuments(ctx, `SELECT `+documentCols+` FROM documents WHERE kind = 'returned' AND open_minor > 0
		AND customer_id IN (SELECT id FROM customers WHERE agent = $1) ORDER BY issue_date DESC, id LIMIT $2`, scope, n)
}

// ExistingDocuments is Documents for a large batch of ids most of which
// may be new (an import): it first asks the primary key index which ids
// exist, and reads whole rows only for those.
func (t *Tx) ExistingDocuments(ctx context.Context, ids []string) (map[string]ledger.Document, error) {
	var found []string
	for rest := ids; len(rest) > 0; {
		n := min(len(rest), chunk)
		rows, err := t.query(ctx, `SELECT id FROM documents WHERE id IN (`+t.inList(n)+`)`, anys(rest[:n])...)
		if err != nil {
			return nil, fmt.Errorf("store: documents: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			found = append(found, id)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
		rest = rest[n:]
	}
	return t.Documents(ctx, found)
}

// InsertNewDocuments inserts the documents whose ids are not stored yet
// and reports which it inserted; the others are left as they are.
// likelyNew says the caller expects them all to be new (a first import):
// PostgreSQL then COPYs them straight away and looks for stored ids only
// should that fail.
func (t *Tx) InsertNewDocuments(ctx context.Context, docs []ledger.Document, now time.Time, likelyNew bool) (map[string]bool, error) {
	ctx = t.ctxOf(ctx) // its prepared statements run with ctx too
	ts := Stamp(now)
	inserted := make(map[string]bool, len(docs))
	if len(docs) == 0 {
		return inserted, nil
	}
	if t.d.name() == "sqlite" {
		stmt, err := t.prepared(ctx, insertDocumentCols+`($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16)
			ON CONFLICT (id) DO NOTHING`)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			res, err := stmt.ExecContext(ctx, documentArgs(d, ts)...)
			if err != nil {
				return nil, fmt.Errorf("store: insert document %q: %w", d.ID, err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				inserted[d.ID] = true
			}
		}
		return inserted, nil
	}
	// PostgreSQL: COPY the documents the primary key does not know yet.
	// Should another writer insert one of them meanwhile, the statement
	// below inserts them instead, skipping the ids stored by then.
	copyDocs := func(docs []ledger.Document) (bool, error) {
		done, err := t.copyNew(ctx, "documents", documentCopyCols, len(docs), func(i int) []any {
			return append(documentArgs(docs[i], ts), ts)
		})
		if done {
			for _, d := range docs {
				inserted[d.ID] = true
			}
		}
		return done, err
	}
	if likelyNew {
		if done, err := copyDocs(docs); done || err != nil {
			return inserted, err
		}
	}
	fresh, err := t.missingDocuments(ctx, docs)
	if err != nil {
		return nil, err
	}
	if done, err := copyDocs(fresh); done || err != nil {
		return inserted, err
	}
	// One statement for the whole batch, each column sent as one array.
	docs = fresh
	var (
		ids, custs, kinds, numbers, issues, dues, curs, instrs, paids, reasons []string
		amounts, erpOpens, pendings, opens                                     []int64
		disputed                                                               []int32
	)
	for _, d := range docs {
		ids, custs, kinds, numbers = append(ids, d.ID), append(custs, d.CustomerID), append(kinds, string(d.Kind)), append(numbers, d.Number)
		issues, dues, curs = append(issues, d.IssueDate.String()), append(dues, d.DueDate.String()), append(curs, string(d.Currency))
		amounts, erpOpens, pendings, opens = append(amounts, d.Amount), append(erpOpens, d.ERPOpen), append(pendings, d.Pending), append(opens, d.Open())
		instrs, disputed = append(instrs, string(d.Instrument)), append(disputed, int32(boolInt(d.Disputed)))
		paids, reasons = append(paids, d.PaidOn.String()), append(reasons, d.ClosedReason)
	}
	rows, err := t.query(ctx, insertDocumentCols[:strings.Index(insertDocumentCols, "VALUES")]+`
		SELECT id, customer_id, kind, number, issue_date, due_date, currency, amount_minor, erp_open_minor, pending_minor, open_minor,
			instrument, disputed, paid_on, closed_reason, $16, $16
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[],
			$10::bigint[], $11::bigint[], $12::text[], $13::integer[], $14::text[], $15::text[])
			AS v(id, customer_id, kind, number, issue_date, due_date, currency, amount_minor, erp_open_minor, pending_minor, open_minor,
			instrument, disputed, paid_on, closed_reason)
		ON CONFLICT (id) DO NOTHING RETURNING id`,
		ids, custs, kinds, numbers, issues, dues, curs, amounts, erpOpens, pendings, opens, instrs, disputed, paids, reasons, ts)
	if err != nil {
		return nil, fmt.Errorf("store: insert documents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		inserted[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return inserted, nil
}

var documentCopyCols = []string{"id", "customer_id", "kind", "number", "issue_date", "due_date", "currency", "amount_minor",
	"erp_open_minor", "pending_minor", "open_minor", "instrument", "disputed", "paid_on", "closed_reason", "created_at", "updated_at"}

// missingDocuments returns the documents whose ids are not stored
// (PostgreSQL: the ids go as one array).
func (t *Tx) missingDocuments(ctx context.Context, docs []ledger.Document) ([]ledger.Document, error) {
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	rows, err := t.query(ctx, `SELECT id FROM documents WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("store: documents: %w", err)
	}
	defer rows.Close()
	stored := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		stored[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(stored) == 0 {
		return docs, nil
	}
	fresh := make([]ledger.Document, 0, len(docs)-len(stored))
	for _, d := range docs {
		if !stored[d.ID] {
			fresh = append(fresh, d)
		}
	}
	return fresh, nil
}
