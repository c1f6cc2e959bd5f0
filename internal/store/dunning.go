package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"cobro/internal/civil"
	"cobro/internal/money"
)

// TopicDunningEmail is the outbox topic of a reminder email: delivered by
// the dunning mailer (internal/jobs/dunning.go), never by the ERP's
// webhook or CSV drop (ClaimOutbox leaves the dunning.* topics out).
const TopicDunningEmail = "dunning.email"

// The states of a send intent.
const (
	SendQueued  = "queued"
	SendSent    = "sent"
	SendTask    = "task"
	SendSkipped = "skipped"
	SendFailed  = "failed"
)

// DunningSend is a send intent: one step of a scenario for one customer in
// one dunning cycle, naming its documents.
type DunningSend struct {
	ID         string // UUIDv7, given by InsertDunningSend
	CustomerID string
	Scenario   string
	Step       string
	Cycle      string
	Channel    string
	Template   string
	AsOf       civil.Date
	State      string
	Reason     string
	Language   string
	Recipient  string
	MessageID  string
	OutboxID   string
	CreatedAt  time.Time
	SentAt     time.Time
	Documents  []DunningSendDocument
}

// DunningSendDocument is a document a send names, as it stood.
type DunningSendDocument struct {
	DocumentID string
	DueDate    civil.Date
	Open       money.Amount
}

// DunningSent is one step recorded for a document's cycle.
type DunningSent struct {
	CustomerID, DocumentID string
	DueDate                civil.Date
	Step                   string
}

// NewSendID returns a fresh send id (UUIDv7).
func NewSendID() (string, error) {
	u, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// DunningSent reads the steps recorded for the documents of these
// customers.
func (t *Tx) DunningSent(ctx context.Context, customerIDs []string) ([]DunningSent, error) {
	var out []DunningSent
	for len(customerIDs) > 0 {
		n := min(len(customerIDs), chunk)
		rows, err := t.query(ctx, `SELECT customer_id, document_id, due_date, step FROM dunning_send_documents
			WHERE customer_id IN (`+t.inList(n)+`)`, anys(customerIDs[:n])...)
		if err != nil {
			return nil, fmt.Errorf("store: dunning sent: %w", err)
		}
		for rows.Next() {
			var s DunningSent
			var due string
			if err := rows.Scan(&s.CustomerID, &s.DocumentID, &due, &s.Step); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: dunning sent: %w", err)
			}
			if s.DueDate, err = civil.Parse(due); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: dunning sent: %w", err)
			}
			out = append(out, s)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: dunning sent: %w", err)
		}
		customerIDs = customerIDs[n:]
	}
	return out, nil
}

// LastContacts reads, per customer, the last day a reminder reached it or
// was queued to (a skipped step is no contact).
func (t *Tx) LastContacts(ctx context.Context, customerIDs []string) (map[string]civil.Date, error) {
	out := map[string]civil.Date{}
	for len(customerIDs) > 0 {
		n := min(len(customerIDs), chunk)
		rows, err := t.query(ctx, `SELECT customer_id, MAX(as_of) FROM dunning_sends WHERE customer_id IN (`+t.inList(n)+`)
			AND state IN ('queued', 'sent', 'task') GROUP BY customer_id`, anys(customerIDs[:n])...)
		if err != nil {
			return nil, fmt.Errorf("store: last contacts: %w", err)
		}
		for rows.Next() {
			var id, day string
			if err := rows.Scan(&id, &day); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: last contacts: %w", err)
			}
			d, err := civil.Parse(day)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: last contacts: %w", err)
			}
			out[id] = d
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: last contacts: %w", err)
		}
		customerIDs = customerIDs[n:]
	}
	return out, nil
}

// DunningCustomers lists the customers with an open owed document, in id
// order, after the id after, at most limit.
func (t *Tx) DunningCustomers(ctx context.Context, after string, limit int) ([]string, error) {
	return t.queryStrings(ctx, "dunning customers", `SELECT DISTINCT customer_id FROM documents WHERE open_minor > 0 AND kind <> 'credit_note'
		AND customer_id > $1 ORDER BY customer_id LIMIT $2`, after, limit)
}

// InsertDunningSend records a send intent and its documents in the
// caller's transaction. It returns false, and writes nothing, when the
// same customer, scenario, step and cycle is recorded already (another run
// decided it first). s.ID must be set (NewSendID).
func (t *Tx) InsertDunningSend(ctx context.Context, s DunningSend, now time.Time) (bool, error) {
	if s.ID == "" {
		return false, errors.New("store: dunning send without an id")
	}
	res, err := t.exec(ctx, `INSERT INTO dunning_sends (id, customer_id, scenario, step, cycle, channel, template, as_of, state, reason,
		language, recipient, message_id, outbox_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (customer_id, scenario, step, cycle) DO NOTHING`,
		s.ID, s.CustomerID, s.Scenario, s.Step, s.Cycle, s.Channel, s.Template, s.AsOf.String(), s.State, s.Reason,
		s.Language, s.Recipient, s.MessageID, s.OutboxID, Stamp(now))
	if err != nil {
		return false, fmt.Errorf("store: dunning send: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	for _, d := range s.Documents {
		if _, err := t.exec(ctx, `INSERT INTO dunning_send_documents (send_id, customer_id, document_id, due_date, step, open_minor, currency)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, s.ID, s.CustomerID, d.DocumentID, d.DueDate.String(), s.Step, d.Open.Minor,
			string(d.Open.Currency)); err != nil {
			return false, fmt.Errorf("store: dunning send document %s: %w", d.DocumentID, err)
		}
	}
	return true, nil
}

// MarkDunningSent records a send's delivery (state sent, or failed when it
// is dead) and the Message-ID it went with, in the caller's transaction.
func (t *Tx) MarkDunningSent(ctx context.Context, sendID, state, reason, messageID string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE dunning_sends SET state = $2, reason = $3, sent_at = $4, message_id = $5 WHERE id = $1`,
		sendID, state, reason, stampOrEmpty(at), messageID)
	if err != nil {
		return fmt.Errorf("store: mark dunning send %s: %w", sendID, err)
	}
	return nil
}

const dunningCols = `id, customer_id, scenario, step, cycle, channel, template, as_of, state, reason, language, recipient,
	message_id, outbox_id, created_at, sent_at`

// DunningSends lists the latest sends, newest first, at most limit; with
// customer set, only that customer's.
func (t *Tx) DunningSends(ctx context.Context, customer string, limit int) ([]DunningSend, error) {
	rows, err := t.query(ctx, `SELECT `+dunningCols+` FROM dunning_sends WHERE ($1 = '' OR customer_id = $1)
		ORDER BY created_at DESC, id DESC LIMIT $2`, customer, limit)
	if err != nil {
		return nil, fmt.Errorf("store: dunning sends: %w", err)
	}
	defer rows.Close()
	var out []DunningSend
	for rows.Next() {
		var s DunningSend
		var asOf, created, sent string
		if err := rows.Scan(&s.ID, &s.CustomerID, &s.Scenario, &s.Step, &s.Cycle, &s.Channel, &s.Template, &asOf, &s.State,
			&s.Reason, &s.Language, &s.Recipient, &s.MessageID, &s.OutboxID, &created, &sent); err != nil {
			return nil, fmt.Errorf("store: dunning sends: %w", err)
		}
		if s.AsOf, err = civil.Parse(asOf); err != nil {
			return nil, err
		}
		if s.CreatedAt, err = ParseStamp(created); err != nil {
			return nil, err
		}
		if s.SentAt, err = ParseStamp(sent); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
