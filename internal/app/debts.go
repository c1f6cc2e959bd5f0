package app

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/money"
	"cobro/internal/store"
)

// DebtQuery is a debt list's filters and grouping, as in its URL: the same
// string is what a saved list stores.
type DebtQuery struct {
	Filter store.DebtFilter
	Group  string
	Cursor string
	Limit  int
	// ItemsOnly leaves out the totals (an export reads page after page).
	ItemsOnly bool
}

// debtParams are the URL parameters of a debt list, for the pages.
var debtParams = []string{"agent", "zone", "route", "segment", "status", "bucket", "instrument", "min", "max",
	"due_from", "due_to", "q", "group"}

// DebtParams lists a debt list's URL parameters.
func DebtParams() []string { return debtParams }

// ParseDebtQuery reads a debt list's URL query. Amounts are in the
// company's currency and decimal form ("1500" or "1500.50").
func ParseDebtQuery(v url.Values, cur money.Currency) (DebtQuery, error) {
	q := DebtQuery{Group: v.Get("group"), Cursor: v.Get("cursor")}
	f := &q.Filter
	f.Agent, f.Zone, f.Route, f.Segment = v.Get("agent"), v.Get("zone"), v.Get("route"), v.Get("segment")
	f.Status, f.Bucket, f.Instrument = v.Get("status"), store.Bucket(v.Get("bucket")), v.Get("instrument")
	f.Search = store.SearchKey(v.Get("q"))
	switch f.Status {
	case "", "pending", "overdue", "unpaid", "disputed":
	default:
		return q, ruleInvalid("bad_status", "status", "status must be pending, overdue, unpaid or disputed")
	}
	if f.Bucket != "" {
		ok := false
		for _, b := range store.Buckets {
			ok = ok || b == f.Bucket
		}
		if !ok {
			return q, ruleInvalid("bad_bucket", "bucket", "unknown aging bucket %q", f.Bucket)
		}
	}
	if _, ok := store.GroupKeys[q.Group]; q.Group != "" && !ok {
		return q, ruleInvalid("bad_group", "group", "unknown grouping %q", q.Group)
	}
	for _, p := range []struct {
		name string
		dst  **int64
	}{{"min", &f.MinOpen}, {"max", &f.MaxOpen}} {
		if s := strings.TrimSpace(v.Get(p.name)); s != "" {
			a, err := money.Parse(s, cur, money.MarkUnknown)
			if err != nil {
				return q, ruleInvalid("bad_amount", p.name, "%s: %v", p.name, err)
			}
			*p.dst = &a.Minor
		}
	}
	for _, p := range []struct {
		name string
		dst  *civil.Date
	}{{"due_from", &f.DueFrom}, {"due_to", &f.DueTo}} {
		if s := strings.TrimSpace(v.Get(p.name)); s != "" {
			d, err := civil.Parse(s)
			if err != nil {
				return q, ruleInvalid("bad_date", p.name, "%s must be YYYY-MM-DD", p.name)
			}
			*p.dst = d
		}
	}
	return q, nil
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
	today, err := a.Today(ctx)
	if err != nil {
		return DebtList{}, err
	}
	var cur documentCursor
	if err := decodeCursor(q.Cursor, &cur); err != nil {
		return DebtList{}, err
	}
	q.Filter.Scope = actor.AgentScope()
	limit := clampLimit(q.Limit)
	out := DebtList{Items: []DebtView{}, Groups: []DebtGroupView{}, Totals: []DebtGroupView{}, Cap: TotalsCap, Limit: GroupsLimit}
	err = a.db.Read(ctx, func(tx *store.Tx) error {
		debts, err := tx.Debts(ctx, today, q.Filter, cur.Due, cur.ID, limit+1)
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
			gs, capped, err := tx.DebtGroups(ctx, today, q.Filter, by, GroupsLimit)
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

// SaveList saves a user's debt list under a name.
func (a *App) SaveList(ctx context.Context, sess Session, name string, query url.Values) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return ruleInvalid("required", "name", "a saved list needs a name")
	}
	company, err := a.Company(ctx)
	if err != nil {
		return err
	}
	clean := url.Values{}
	for _, p := range debtParams {
		if v := query.Get(p); v != "" {
			clean.Set(p, v)
		}
	}
	if _, err := ParseDebtQuery(clean, company.Currency); err != nil {
		return err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	return a.db.Write(ctx, func(tx *store.Tx) error {
		return tx.SaveList(ctx, store.SavedList{ID: id.String(), UserName: sess.User.Name, Name: name, Query: clean.Encode(), CreatedAt: a.now()})
	})
}

// Lists returns a user's saved lists.
func (a *App) Lists(ctx context.Context, sess Session) ([]store.SavedList, error) {
	var out []store.SavedList
	err := a.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.Lists(ctx, sess.User.Name)
		return err
	})
	return out, err
}

// DeleteList removes one of a user's saved lists.
func (a *App) DeleteList(ctx context.Context, sess Session, id string) error {
	return a.db.Write(ctx, func(tx *store.Tx) error { return tx.DeleteList(ctx, sess.User.Name, id) })
}
