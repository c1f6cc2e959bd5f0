package app

import (
	"context"
	"time"

	"cobro/internal/auth"
	"cobro/internal/i18n"
	"cobro/internal/money"
	"cobro/internal/pdf"
	"cobro/internal/store"
)

// Statement gathers a customer's statement of pending invoices, in the
// customer's language (else the company's).
func (a *App) Statement(ctx context.Context, actor auth.Actor, customerID string) (pdf.Statement, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return pdf.Statement{}, err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return pdf.Statement{}, err
	}
	company, err := a.Company(ctx)
	if err != nil {
		return pdf.Statement{}, err
	}
	var st pdf.Statement
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		acc, err := a.visibleAccount(ctx, tx, actor, customerID, false)
		if err != nil {
			return err
		}
		docs, err := tx.OpenDocumentsOf(ctx, []string{customerID})
		if err != nil {
			return err
		}
		cur := acc.Currency
		amt := func(m int64) money.Amount { return money.New(m, cur) }
		lang, ok := i18n.Parse(acc.Language)
		if !ok {
			lang, _ = i18n.Parse(company.Language)
		}
		st = pdf.Statement{Lang: lang, Company: company, Customer: acc.Customer, AsOf: today, CreatedAt: a.now(),
			Unallocated: amt(acc.Figures.Unallocated), InHand: amt(acc.Figures.InHand), Balance: amt(acc.Figures.Balance)}
		var owed, credit, overdue int64
		for _, d := range docs {
			if d.Open() == 0 {
				continue
			}
			s := d.StateAsOf(today)
			st.Lines = append(st.Lines, pdf.StatementLine{Number: d.Number, Kind: d.Kind, IssueDate: d.IssueDate, DueDate: d.DueDate,
				Amount: amt(d.Amount), Open: amt(d.Open()), SignedOpen: amt(d.SignedOpen()), DaysOverdue: s.DaysOverdue, Status: s.Status})
			switch {
			case !d.Kind.Owed():
				credit += d.Open()
			default:
				owed += d.Open()
				if s.Status.PastDue() {
					overdue += d.Open()
				}
			}
		}
		st.TotalOwed, st.TotalCredit, st.TotalOverdue = amt(owed), amt(credit), amt(overdue)
		return nil
	})
	return st, err
}

// ShareTTL is how long a shared statement link works.
const ShareTTL = 30 * 24 * time.Hour

// ShareStatement makes a link that opens the customer's statement without
// signing in, for the agent to send during a visit. It returns the link's
// secret; only its hash is stored.
func (a *App) ShareStatement(ctx context.Context, actor auth.Actor, customerID string) (string, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return "", err
	}
	secret, hash, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	now := a.now()
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := a.visibleAccount(ctx, tx, actor, customerID, false); err != nil {
			return err
		}
		if err := tx.InsertShareLink(ctx, hash, customerID, actor.Name, now, now.Add(ShareTTL)); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor.Name, Source: actor.Source, Action: "statement.share",
			Entity: "customer", EntityID: customerID, CustomerID: customerID})
	})
	return secret, err
}

// SharedStatement is the statement a shared link opens; ErrNotFound when
// the link is unknown or expired.
func (a *App) SharedStatement(ctx context.Context, secret string) (pdf.Statement, error) {
	var id string
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		id, err = tx.SharedCustomer(ctx, auth.HashToken(secret), a.now())
		return err
	})
	if err != nil {
		return pdf.Statement{}, err
	}
	return a.Statement(ctx, auth.Actor{Name: "share-link", Role: auth.Management, Source: "link"}, id)
}
