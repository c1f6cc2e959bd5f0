package app

import (
	"context"
	"errors"

	"cobro/internal/auth"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/pdf"
	"cobro/internal/store"
)

// ReceiptDoc is a collection's receipt, with what the share buttons need.
type ReceiptDoc struct {
	pdf.Receipt
	CollectionID string
	Phone, Email string // the customer's, for sharing
}

// Receipt is the receipt of a collection, in the customer's language (or
// lang when given). issue: this rendering is a print — the first one is
// the original, every later one is marked as a copy.
func (a *App) Receipt(ctx context.Context, actor auth.Actor, id string, lang i18n.Lang, issue bool) (ReceiptDoc, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return ReceiptDoc{}, err
	}
	company, err := a.Company(ctx)
	if err != nil {
		return ReceiptDoc{}, err
	}
	loc, err := a.Location(ctx)
	if err != nil {
		return ReceiptDoc{}, err
	}
	var r ReceiptDoc
	read := func(tx *store.Tx) error {
		c, err := tx.Collection(ctx, id)
		if err != nil {
			return err
		}
		acc, err := a.visibleAccount(ctx, tx, actor, c.CustomerID, false)
		if err != nil {
			return err
		}
		ids := docIDs(c.Allocations)
		docs, err := tx.Documents(ctx, ids)
		if err != nil {
			return err
		}
		if lang == "" {
			var ok bool
			if lang, ok = i18n.Parse(acc.Language); !ok {
				lang, _ = i18n.Parse(company.Language)
			}
		}
		agent := c.Agent
		if agent != "" {
			if name, err := tx.AgentName(ctx, agent); err != nil {
				return err
			} else if name != "" {
				agent += " · " + name
			}
		} else {
			agent = c.CollectedBy
		}
		cur := c.Amount.Currency
		r = ReceiptDoc{CollectionID: c.ID, Phone: acc.Phone, Email: acc.Email, Receipt: pdf.Receipt{Lang: lang, Company: company,
			Customer: acc.Customer, Number: c.ReceiptNumber, Voided: c.State == ledger.Voided, CollectedAt: c.CollectedAt, Loc: loc,
			Agent: agent, Instrument: c.Instrument, Total: c.Amount, Advance: money.New(c.Amount.Minor-c.Allocated(), cur)}}
		for _, al := range c.Allocations {
			d := docs[al.DocumentID]
			number := d.Number
			if number == "" {
				number = al.DocumentID
			}
			r.Lines = append(r.Lines, pdf.ReceiptLine{Number: number, Kind: d.Kind, Paid: money.New(al.Amount, cur), OpenAfter: money.New(d.Open(), cur)})
		}
		if issue {
			first, err := tx.MarkReceiptIssued(ctx, c.ID, a.now())
			if err != nil {
				return err
			}
			r.Copy = !first
		}
		return nil
	}
	if issue {
		err = a.db.Write(ctx, read)
		if errors.Is(err, ErrUnavailable) {
			// Storage that takes no writes still prints, as a copy.
			issue = false
			err = a.db.Read(ctx, read)
			r.Copy = true
		}
	} else {
		err = a.db.Read(ctx, read)
	}
	return r, err
}
