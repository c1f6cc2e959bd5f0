package app

import (
	"context"
	"encoding/base64"
	"encoding/json"

	"cobro/internal/auth"
	"cobro/internal/money"
	"cobro/internal/store"
)

// Page is one page of a list; NextCursor is empty on the last page.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

const (
	defaultLimit = 50
	maxLimit     = 500
)

func clampLimit(n int) int {
	if n <= 0 {
		return defaultLimit
	}
	return min(n, maxLimit)
}

// encodeCursor and decodeCursor make an opaque cursor of a position.
func encodeCursor(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, v any) error {
	if s == "" {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return ruleInvalid("bad_cursor", "cursor", "the cursor is not one this server gave")
	}
	return nil
}

// CustomerQuery filters the customer list.
type CustomerQuery struct {
	Agent   string
	Segment string
	Zone    string
	Sort    string // id (default), name, overdue, risk
	Status  string // "overdue", "over_limit", "disputed", "open"
	Search  string
	Cursor  string
	Limit   int
	Overdue bool // only customers with something overdue
}

type customerCursor struct {
	Value string `json:"v,omitempty"`
	ID    string `json:"i"`
}

// Customers lists the customers the actor sees, by id.
func (a *App) Customers(ctx context.Context, actor auth.Actor, q CustomerQuery) (Page[CustomerView], error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return Page[CustomerView]{}, err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return Page[CustomerView]{}, err
	}
	var cur customerCursor
	if err := decodeCursor(q.Cursor, &cur); err != nil {
		return Page[CustomerView]{}, err
	}
	switch q.Status {
	case "", "overdue", "over_limit", "disputed", "open":
	default:
		return Page[CustomerView]{}, ruleInvalid("bad_status", "status", "status must be overdue, over_limit, disputed or open").WithValue(q.Status)
	}
	if !store.ValidSort(q.Sort) {
		return Page[CustomerView]{}, ruleInvalid("bad_sort", "sort", "sort must be id, name, overdue or risk").WithValue(q.Sort)
	}
	limit := clampLimit(q.Limit)
	f := store.CustomerFilter{Agent: q.Agent, Segment: q.Segment, Zone: q.Zone, Scope: actor.AgentScope(), Status: q.Status,
		Search: store.SearchKey(q.Search), Overdue: q.Overdue, Sort: q.Sort, AfterValue: cur.Value, AfterID: cur.ID, Limit: limit + 1}
	var accs []store.Account
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		accs, err = tx.ListAccounts(ctx, f)
		return err
	})
	if err != nil {
		return Page[CustomerView]{}, err
	}
	page := Page[CustomerView]{Items: []CustomerView{}}
	for i, acc := range accs {
		if i == limit {
			page.NextCursor = encodeCursor(customerCursor{Value: store.SortValue(q.Sort, accs[i-1]), ID: accs[i-1].ID})
			break
		}
		page.Items = append(page.Items, customerView(acc, today))
	}
	return page, nil
}

// Customer returns one customer the actor sees, with its figures.
func (a *App) Customer(ctx context.Context, actor auth.Actor, id string) (CustomerView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return CustomerView{}, err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return CustomerView{}, err
	}
	var v CustomerView
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		acc, err := a.visibleAccount(ctx, tx, actor, id, false)
		if err != nil {
			return err
		}
		v = customerView(acc, today)
		return nil
	})
	return v, err
}

type documentCursor struct {
	Due string `json:"d"`
	ID  string `json:"i"`
}

// CustomerDocuments lists a customer's documents by due date, with their
// status as of today. openOnly leaves out settled ones.
func (a *App) CustomerDocuments(ctx context.Context, actor auth.Actor, id string, openOnly bool, cursor string, limit int) (Page[DocumentView], error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return Page[DocumentView]{}, err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return Page[DocumentView]{}, err
	}
	var cur documentCursor
	if err := decodeCursor(cursor, &cur); err != nil {
		return Page[DocumentView]{}, err
	}
	limit = clampLimit(limit)
	page := Page[DocumentView]{Items: []DocumentView{}}
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := a.visibleAccount(ctx, tx, actor, id, false); err != nil {
			return err
		}
		docs, err := tx.CustomerDocuments(ctx, id, openOnly, cur.Due, cur.ID, limit+1)
		if err != nil {
			return err
		}
		for i, d := range docs {
			if i == limit {
				last := docs[i-1]
				page.NextCursor = encodeCursor(documentCursor{Due: last.DueDate.String(), ID: last.ID})
				break
			}
			page.Items = append(page.Items, documentView(d, today))
		}
		return nil
	})
	return page, err
}

// CollectionQuery filters the collections list.
type CollectionQuery struct {
	CustomerID string
	PendingERP bool
	Cursor     string
	Limit      int
}

type collectionCursor struct {
	At string `json:"a"`
	ID string `json:"i"`
}

// Collections lists collections the actor sees, in the order recorded.
// With PendingERP, it is the export an ERP pulls and then acknowledges.
func (a *App) Collections(ctx context.Context, actor auth.Actor, q CollectionQuery) (Page[CollectionView], error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return Page[CollectionView]{}, err
	}
	var cur collectionCursor
	if err := decodeCursor(q.Cursor, &cur); err != nil {
		return Page[CollectionView]{}, err
	}
	limit := clampLimit(q.Limit)
	f := store.CollectionFilter{Agent: actor.AgentScope(), PendingERP: q.PendingERP, AfterAt: cur.At, AfterID: cur.ID, Limit: limit + 1}
	if q.CustomerID != "" {
		f.CustomerIDs = []string{q.CustomerID}
	}
	page := Page[CollectionView]{Items: []CollectionView{}}
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		cs, err := tx.Collections(ctx, f)
		if err != nil {
			return err
		}
		for i, c := range cs {
			if i == limit {
				last := cs[i-1]
				page.NextCursor = encodeCursor(collectionCursor{At: store.Stamp(last.RecordedAt), ID: last.ID})
				break
			}
			page.Items = append(page.Items, collectionView(c))
		}
		return nil
	})
	return page, err
}

// Conflict is a document where cobro's pending collections exceed what
// the ERP says is open: the administration must look.
type Conflict struct {
	Document DocumentView `json:"document"`
	Excess   money.Amount `json:"excess"`
}

// Conflicts lists the documents in conflict.
func (a *App) Conflicts(ctx context.Context, actor auth.Actor, limit int) ([]Conflict, error) {
	if err := actor.Check(auth.ReadConflicts); err != nil {
		return nil, err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return nil, err
	}
	out := []Conflict{}
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		docs, err := tx.Conflicts(ctx, clampLimit(limit))
		if err != nil {
			return err
		}
		var ids []string
		for _, d := range docs {
			ids = append(ids, d.CustomerID)
		}
		accs, err := tx.Accounts(ctx, ids, false)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if !actor.Sees(accs[d.CustomerID].Agent) {
				continue
			}
			out = append(out, Conflict{Document: documentView(d, today), Excess: money.New(d.Conflict(), d.Currency)})
		}
		return nil
	})
	return out, err
}

// LatestCollectionsOf lists a customer's n most recent collections.
func (a *App) LatestCollectionsOf(ctx context.Context, actor auth.Actor, customerID string, n int) ([]CollectionView, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return nil, err
	}
	out := []CollectionView{}
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := a.visibleAccount(ctx, tx, actor, customerID, false); err != nil {
			return err
		}
		cs, err := tx.LatestCollectionsOfCustomer(ctx, customerID, n)
		for _, c := range cs {
			out = append(out, collectionView(c))
		}
		return err
	})
	return out, err
}
