package app

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// DebtFilter selects open debts. The faces read it from their own input
// (a page's URL query); the app checks it and turns it into SQL.
type DebtFilter struct {
	Agent      string
	Zone       string
	Route      string
	Segment    string
	Status     string // "", pending, overdue, unpaid or disputed
	Bucket     string // "" or one of DebtBuckets
	Instrument string
	MinOpen    *int64 // of the open amount, minor units of the company's currency
	MaxOpen    *int64
	DueFrom    civil.Date
	DueTo      civil.Date
	Search     string // what the user typed
}

// DebtQuery is a debt list's filters, grouping and page.
type DebtQuery struct {
	Filter DebtFilter
	Group  string // "", agent, zone, route, segment, status, bucket, instrument or customer
	Cursor string
	Limit  int
	// ItemsOnly leaves out the totals (an export reads page after page).
	ItemsOnly bool
}

// debtStatuses are the statuses a debt list filters by.
var debtStatuses = []string{"pending", "overdue", "unpaid", "disputed"}

// DebtBuckets are the aging buckets, youngest first.
func DebtBuckets() []string {
	out := make([]string, len(store.Buckets))
	for i, b := range store.Buckets {
		out[i] = string(b)
	}
	return out
}

// check names the first filter that is not one the list knows.
func (q DebtQuery) check() error {
	f := q.Filter
	if f.Status != "" && !slices.Contains(debtStatuses, f.Status) {
		return ruleInvalid("bad_status", "status", "status must be pending, overdue, unpaid or disputed").WithValue(f.Status)
	}
	if f.Bucket != "" && !slices.Contains(DebtBuckets(), f.Bucket) {
		return ruleInvalid("bad_bucket", "bucket", "unknown aging bucket %q", f.Bucket).WithValue(f.Bucket)
	}
	if _, ok := store.GroupKeys[q.Group]; q.Group != "" && !ok {
		return ruleInvalid("bad_group", "group", "unknown grouping %q", q.Group).WithValue(q.Group)
	}
	return nil
}

func (f DebtFilter) store(scope string) store.DebtFilter {
	return store.DebtFilter{Scope: scope, Agent: f.Agent, Zone: f.Zone, Route: f.Route, Segment: f.Segment,
		Status: f.Status, Bucket: store.Bucket(f.Bucket), Instrument: f.Instrument, MinOpen: f.MinOpen, MaxOpen: f.MaxOpen,
		DueFrom: f.DueFrom, DueTo: f.DueTo, Search: store.SearchKey(f.Search)}
}

// DebtView is one line of a debt list.
type DebtView struct {
	DocumentView
	Bucket       string `json:"bucket"`
	CustomerName string `json:"customer_name"`
	Agent        string `json:"agent"`
	Zone         string `json:"zone"`
	Route        string `json:"route"`
	Segment      string `json:"segment"`
}

// DebtGroupView is the total of a group, per currency: Open = NotDue +
// Overdue + Disputed (the overdue figure's statuses, disputed apart).
type DebtGroupView struct {
	Key      string       `json:"key"`
	Count    int64        `json:"count"`
	Open     money.Amount `json:"open"`
	NotDue   money.Amount `json:"not_due"`
	Overdue  money.Amount `json:"overdue"`
	Disputed money.Amount `json:"disputed"`
}

// DebtList is one page of debts and the totals of the whole list.
type DebtList struct {
	Items  []DebtView      `json:"items"`
	Groups []DebtGroupView `json:"groups"`
	Totals []DebtGroupView `json:"totals"`
	// TotalsCapped: the filter reaches into the documents and matches more
	// than TotalsCap of them; Totals and Groups are left empty (narrow the
	// filter). GroupsCapped: only the GroupsLimit largest groups are kept.
	TotalsCapped bool `json:"totals_capped,omitempty"`
	GroupsCapped bool `json:"groups_capped,omitempty"`
	// GroupsUncounted: the grouping (status, bucket, instrument) counts
	// documents and more than TotalsCap match; Groups is empty.
	GroupsUncounted bool   `json:"groups_uncounted,omitempty"`
	NextCursor      string `json:"next_cursor,omitempty"`
	// Cap and Limit are TotalsCap and GroupsLimit, for the pages to say.
	Cap   int `json:"-"`
	Limit int `json:"-"`
}

// TotalsCap and GroupsLimit bound a debt list's totals (store.DebtTotalsCap,
// store.DebtGroupsLimit).
const (
	TotalsCap   = store.DebtTotalsCap
	GroupsLimit = store.DebtGroupsLimit
)

// Debts lists the open debts the actor sees, filtered, with totals per group.
func (a *App) Debts(ctx context.Context, actor auth.Actor, q DebtQuery) (DebtList, error) {
	if err := actor.Check(auth.ReadLedger); err != nil {
		return DebtList{}, err
	}
	if err := q.check(); err != nil {
		return DebtList{}, err
	}
	today, err := a.Today(ctx)
	if err != nil {
		return DebtList{}, err
	}
	var cur documentCursor
	if err := decodeCursor(q.Cursor, &cur); err != nil {
		return DebtList{}, err
	}
	f := q.Filter.store(actor.AgentScope())
	limit := clampLimit(q.Limit)
	out := DebtList{Items: []DebtView{}, Groups: []DebtGroupView{}, Totals: []DebtGroupView{}, Cap: TotalsCap, Limit: GroupsLimit}
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		debts, err := tx.Debts(ctx, today, f, cur.Due, cur.ID, limit+1)
		if err != nil {
			return err
		}
		for i, d := range debts {
			if i == limit {
				last := debts[i-1].Document
				out.NextCursor = encodeCursor(documentCursor{Due: last.DueDate.String(), ID: last.ID})
				break
			}
			out.Items = append(out.Items, DebtView{DocumentView: documentView(d.Document, today), Bucket: string(d.Bucket),
				CustomerName: d.CustomerName, Agent: d.Agent, Zone: d.Zone, Route: d.Route, Segment: d.Segment})
		}
		if q.ItemsOnly {
			return nil
		}
		groups := func(by string) ([]DebtGroupView, bool, error) {
			gs, capped, err := tx.DebtGroups(ctx, today, f, by, GroupsLimit)
			res := []DebtGroupView{}
			for _, g := range gs {
				res = append(res, DebtGroupView{Key: g.Key, Count: g.Count, Open: money.New(g.Open, g.Currency),
					NotDue: money.New(g.Open-g.PastDue-g.Disputed, g.Currency), Overdue: money.New(g.PastDue, g.Currency),
					Disputed: money.New(g.Disputed, g.Currency)})
			}
			return res, capped, err
		}
		if out.Totals, out.TotalsCapped, err = groups(""); err != nil || q.Group == "" || out.TotalsCapped {
			return err
		}
		var capped bool
		if out.Groups, capped, err = groups(q.Group); err != nil {
			return err
		}
		if capped {
			// This grouping counts documents, more than TotalsCap of them.
			out.Groups, out.GroupsUncounted = []DebtGroupView{}, true
		}
		if len(out.Groups) > GroupsLimit {
			out.Groups, out.GroupsCapped = out.Groups[:GroupsLimit], true
		}
		if q.Group == "bucket" {
			// Age reads best in its own order, not by amount.
			slices.SortStableFunc(out.Groups, func(x, y DebtGroupView) int {
				return slices.Index(store.Buckets, store.Bucket(x.Key)) - slices.Index(store.Buckets, store.Bucket(y.Key))
			})
		}
		return nil
	})
	return out, err
}

// EachDebt calls fn for every debt of the query, for exports.
func (a *App) EachDebt(ctx context.Context, actor auth.Actor, q DebtQuery, fn func(DebtView) error) error {
	q.Limit = maxLimit
	q.Group, q.ItemsOnly = "", true
	for {
		page, err := a.Debts(ctx, actor, q)
		if err != nil {
			return err
		}
		for _, d := range page.Items {
			if err := fn(d); err != nil {
				return err
			}
		}
		if page.NextCursor == "" {
			return nil
		}
		q.Cursor = page.NextCursor
	}
}

// SavedList is a debt list a user saved under a name.
type SavedList struct {
	ID    string
	Name  string
	Query string // the face's own encoding of the list's DebtQuery (the pages: its URL query)
}

// SaveList saves a user's debt list under a name, replacing the list of
// that name. q is the list; encoded is how the face that saved it writes
// it back (the pages keep its URL query), stored as given once q is valid.
func (a *App) SaveList(ctx context.Context, sess Session, name string, q DebtQuery, encoded string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return ruleInvalid("required", "name", "a saved list needs a name")
	}
	if err := ledger.CheckText("name", name, ledger.MaxNameLen); err != nil {
		return err
	}
	if err := q.check(); err != nil {
		return err
	}
	if err := ledger.CheckText("query", encoded, ledger.MaxLongLen); err != nil {
		return err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	return a.db.Write(ctx, func(tx *store.Tx) error {
		return tx.SaveList(ctx, store.SavedList{ID: id.String(), UserName: sess.User.Name, Name: name, Query: encoded, CreatedAt: a.now()})
	})
}

// Lists returns a user's saved lists, by name.
func (a *App) Lists(ctx context.Context, sess Session) ([]SavedList, error) {
	var out []SavedList
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		ls, err := tx.Lists(ctx, sess.User.Name)
		for _, l := range ls {
			out = append(out, SavedList{ID: l.ID, Name: l.Name, Query: l.Query})
		}
		return err
	})
	return out, err
}

// DeleteList removes one of a user's saved lists.
func (a *App) DeleteList(ctx context.Context, sess Session, id string) error {
	return a.db.Write(ctx, func(tx *store.Tx) error { return tx.DeleteList(ctx, sess.User.Name, id) })
}
