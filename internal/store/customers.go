package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"cobro/internal/ledger"
	"cobro/internal/money"
)

// Account is a customer with its stored figures and what its live credit
// reservations hold (credit_accounts, read with it: a point read).
type Account struct {
	ledger.Customer
	Figures  ledger.Figures
	Reserved int64
}

// Risk is the customer's whole risk: open debts and instruments not
// cleared (the ledger's figures) plus the orders reserved against its
// limit. Each term is bounded by money.MaxTotal, so the sum cannot leave
// int64.
func (a Account) Risk() int64 { return a.Figures.Risk() + a.Reserved }

// OverLimit reports whether the whole risk exceeds the credit limit.
func (a Account) OverLimit() bool { return ledger.OverLimit(a.Risk(), a.CreditLimit) }

// Available is the credit limit less the whole risk; false when no limit
// is set.
func (a Account) Available() (int64, bool) {
	if a.CreditLimit == nil {
		return 0, false
	}
	return *a.CreditLimit - a.Risk(), true
}

// customerCols are read from table customers (unaliased).
var customerCols = `id, name, tax_id, email, phone, language, agent, segment, zone, route, credit_limit_minor, currency,
	balance_minor, overdue_minor, disputed_minor, in_hand_minor, unallocated_minor, conflict_minor, open_count, overdue_count, owed_minor, ` +
	reservedSQL("customers")

func scanAccount(s interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var limit sql.NullInt64
	var cur string
	f := &a.Figures
	err := s.Scan(&a.ID, &a.Name, &a.TaxID, &a.Email, &a.Phone, &a.Language, &a.Agent, &a.Segment, &a.Zone, &a.Route,
		&limit, &cur, &f.Balance, &f.Overdue, &f.Disputed, &f.InHand, &f.Unallocated, &f.Conflict, &f.OpenCount, &f.OverdueCount, &f.Owed, &a.Reserved)
	if limit.Valid {
		a.CreditLimit = &limit.Int64
	}
	a.Currency = money.Currency(cur)
	return a, err
}

// chunk is how many ids go in one IN list: well under both databases'
// limits on bound parameters.
const chunk = 500

// Accounts reads the customers with these ids (missing ones are simply
// absent from the map). With lock, the rows are locked in id order until
// the transaction ends: every writer that moves a customer's figures takes
// this lock first, so concurrent writers queue per customer, never deadlock.
func (t *Tx) Accounts(ctx context.Context, ids []string, lock bool) (map[string]Account, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make(map[string]Account, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		q := `SELECT ` + customerCols + ` FROM customers WHERE id IN (` + t.inList(n) + `) ORDER BY id`
		if lock {
			q += t.d.forUpdate()
		}
		rows, err := t.query(ctx, q, anys(ids[:n])...)
		if err != nil {
			return nil, fmt.Errorf("store: customers: %w", err)
		}
		for rows.Next() {
			a, err := scanAccount(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: customers: %w", err)
			}
			out[a.ID] = a
			if lock {
				t.markLocked(a.ID)
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: customers: %w", err)
		}
		ids = ids[n:]
	}
	return out, nil
}

// Account reads one customer; ErrNotFound if there is none.
func (t *Tx) Account(ctx context.Context, id string, lock bool) (Account, error) {
	m, err := t.Accounts(ctx, []string{id}, lock)
	if err != nil {
		return Account{}, err
	}
	a, ok := m[id]
	if !ok {
		return Account{}, fmt.Errorf("store: customer %q: %w", id, ErrNotFound)
	}
	return a, nil
}

// InsertCustomer adds a new customer with zero figures.
func (t *Tx) InsertCustomer(ctx context.Context, c ledger.Customer, now time.Time) error {
	ctx = t.ctxOf(ctx) // its prepared statements run with ctx too
	ts := Stamp(now)
	stmt, err := t.prepared(ctx, `INSERT INTO customers (id, name, search_key, tax_id, email, phone, language, agent, segment, zone, route,
		credit_limit_minor, currency, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$14)`)
	if err != nil {
		return err
	}
	_, err = stmt.ExecContext(ctx, c.ID, c.Name, CustomerKey(c.ID, c.Name, c.TaxID), c.TaxID, c.Email, c.Phone, c.Language, c.Agent, c.Segment, c.Zone, c.Route,
		nullInt(c.CreditLimit), string(c.Currency), ts)
	if err != nil {
		return fmt.Errorf("store: insert customer %q: %w", c.ID, err)
	}
	return t.writeTerms(ctx, []ledger.Customer{c}, false)
}

// InsertCustomers adds new customers with zero figures: one prepared
// INSERT per row on SQLite, one statement of arrays on PostgreSQL (which
// would otherwise pay a round trip per customer).
func (t *Tx) InsertCustomers(ctx context.Context, cs []ledger.Customer, now time.Time) error {
	if len(cs) == 0 {
		return nil
	}
	if !t.RowLocks() {
		for _, c := range cs {
			if err := t.InsertCustomer(ctx, c, now); err != nil {
				return err
			}
		}
		return nil
	}
	// COPY, unless another writer inserted one of them since the caller
	// looked: then the statement below fails on it, as it should.
	ts := Stamp(now)
	done, err := t.copyNew(ctx, "customers", customerCopyCols, len(cs), func(i int) []any {
		c := cs[i]
		return []any{c.ID, c.Name, CustomerKey(c.ID, c.Name, c.TaxID), c.TaxID, c.Email, c.Phone, c.Language, c.Agent,
			c.Segment, c.Zone, c.Route, string(c.Currency), nullInt(c.CreditLimit), ts, ts}
	})
	if err != nil {
		return err
	}
	if done {
		// Their search terms too: the rows writeTerms would insert.
		var terms [][2]string
		for _, c := range cs {
			for _, term := range SearchTerms(c.ID, c.Name, c.TaxID) {
				terms = append(terms, [2]string{term, c.ID})
			}
		}
		done, err = t.copyNew(ctx, "customer_terms", []string{"term", "customer_id"}, len(terms), func(i int) []any {
			return []any{terms[i][0], terms[i][1]}
		})
		if err != nil || done {
			return err
		}
		return t.writeTerms(ctx, cs, false)
	}
	cols := make([][]string, 12)
	limits := make([]*int64, len(cs))
	for i, c := range cs {
		for k, v := range []string{c.ID, c.Name, CustomerKey(c.ID, c.Name, c.TaxID), c.TaxID, c.Email, c.Phone, c.Language, c.Agent,
			c.Segment, c.Zone, c.Route, string(c.Currency)} {
			cols[k] = append(cols[k], v)
		}
		limits[i] = c.CreditLimit
	}
	_, err = t.exec(ctx, `INSERT INTO customers (id, name, search_key, tax_id, email, phone, language, agent, segment, zone, route,
		currency, credit_limit_minor, created_at, updated_at)
		SELECT v.*, $14, $14 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
			$9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[]) AS v`,
		cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], cols[9], cols[10], cols[11], limits, ts)
	if err != nil {
		return fmt.Errorf("store: insert customers: %w", err)
	}
	return t.writeTerms(ctx, cs, false)
}

var customerCopyCols = []string{"id", "name", "search_key", "tax_id", "email", "phone", "language", "agent", "segment", "zone", "route",
	"currency", "credit_limit_minor", "created_at", "updated_at"}

// UpdateCustomer rewrites a customer's ERP fields (not its figures).
func (t *Tx) UpdateCustomer(ctx context.Context, c ledger.Customer, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE customers SET name=$2, search_key=$3, tax_id=$4, email=$5, phone=$6, language=$7, agent=$8,
		segment=$9, zone=$10, route=$11, credit_limit_minor=$12, currency=$13, updated_at=$14 WHERE id=$1`,
		c.ID, c.Name, CustomerKey(c.ID, c.Name, c.TaxID), c.TaxID, c.Email, c.Phone, c.Language, c.Agent, c.Segment, c.Zone, c.Route,
		nullInt(c.CreditLimit), string(c.Currency), Stamp(now))
	if err != nil {
		return fmt.Errorf("store: update customer %q: %w", c.ID, err)
	}
	return t.writeTerms(ctx, []ledger.Customer{c}, true)
}

// AddFigures adds delta to a customer's stored figures. The caller holds
// the customer's lock (Accounts with lock) and computed delta for the day
// the figures are kept for. The addition is checked on both databases: a
// figure that would leave int64 is ledger.ErrOutOfRange and nothing moves
// (SQLite would silently turn it into a float; PostgreSQL would fail with
// "bigint out of range").
func (t *Tx) AddFigures(ctx context.Context, id string, d ledger.Figures, now time.Time) error {
	ctx = t.ctxOf(ctx) // its prepared statements run with ctx too
	if d.IsZero() {
		return nil
	}
	risk, err := ledger.Figures{Balance: d.Balance}.Add(ledger.Figures{Balance: d.InHand})
	if err != nil {
		return fmt.Errorf("store: figures of %q: %w", id, err)
	}
	stmt, err := t.prepared(ctx, `UPDATE customers SET balance_minor = balance_minor + $2, overdue_minor = overdue_minor + $3,
		disputed_minor = disputed_minor + $4, in_hand_minor = in_hand_minor + $5, unallocated_minor = unallocated_minor + $6,
		conflict_minor = conflict_minor + $7, open_count = open_count + $8, overdue_count = overdue_count + $9,
		risk_minor = risk_minor + $10, owed_minor = owed_minor + $11, updated_at = $12 WHERE id = $1
		AND balance_minor BETWEEN $13 AND $14 AND overdue_minor BETWEEN $15 AND $16 AND disputed_minor BETWEEN $17 AND $18
		AND in_hand_minor BETWEEN $19 AND $20 AND unallocated_minor BETWEEN $21 AND $22 AND conflict_minor BETWEEN $23 AND $24
		AND open_count BETWEEN $25 AND $26 AND overdue_count BETWEEN $27 AND $28 AND risk_minor BETWEEN $29 AND $30
		AND owed_minor BETWEEN $31 AND $32`)
	if err != nil {
		return err
	}
	deltas := []int64{d.Balance, d.Overdue, d.Disputed, d.InHand, d.Unallocated, d.Conflict, d.OpenCount, d.OverdueCount, risk.Balance, d.Owed}
	args := []any{id}
	for _, v := range deltas {
		args = append(args, v)
	}
	args = append(args, Stamp(now))
	for _, v := range deltas {
		lo, hi := room(v)
		args = append(args, lo, hi)
	}
	res, err := stmt.ExecContext(ctx, args...)
	if err != nil {
		return fmt.Errorf("store: figures of %q: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var exists int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM customers WHERE id = $1`, id).Scan(&exists); err != nil {
		return fmt.Errorf("store: figures of %q: %w", id, err)
	}
	if exists == 0 {
		return fmt.Errorf("store: figures of %q: %w", id, ErrNotFound)
	}
	return fmt.Errorf("store: figures of %q: %w", id, ledger.ErrOutOfRange)
}

// room is the range a stored figure must be in for adding d to fit in int64.
func room(d int64) (lo, hi int64) {
	if d >= 0 {
		return math.MinInt64, math.MaxInt64 - d
	}
	return math.MinInt64 - d, math.MaxInt64
}

// SetFigures overwrites a customer's stored figures (used by repair).
func (t *Tx) SetFigures(ctx context.Context, id string, f ledger.Figures, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE customers SET balance_minor = $2, overdue_minor = $3, disputed_minor = $4, in_hand_minor = $5,
		unallocated_minor = $6, conflict_minor = $7, open_count = $8, overdue_count = $9, risk_minor = $10, updated_at = $11,
		owed_minor = $12 WHERE id = $1`,
		id, f.Balance, f.Overdue, f.Disputed, f.InHand, f.Unallocated, f.Conflict, f.OpenCount, f.OverdueCount, f.Risk(), Stamp(now), f.Owed)
	return err
}

// EnsureAgents records agent codes seen for the first time and returns them.
func (t *Tx) EnsureAgents(ctx context.Context, codes []string, now time.Time) ([]string, error) {
	var added []string
	for _, c := range codes {
		if c == "" {
			continue
		}
		res, err := t.exec(ctx, `INSERT INTO agents (code, created_at) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING`, c, Stamp(now))
		if err != nil {
			return nil, fmt.Errorf("store: agent %q: %w", c, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added = append(added, c)
		}
	}
	return added, nil
}

// SearchKey folds text for case- and accent-insensitive search: SQLite's
// lower() knows only ASCII, and Spanish names are not ASCII.
func SearchKey(parts ...string) string {
	s := strings.Join(parts, " ")
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// CustomerIDs lists every customer id.
func (t *Tx) CustomerIDs(ctx context.Context) ([]string, error) {
	return t.queryStrings(ctx, "customer ids", `SELECT id FROM customers ORDER BY id`)
}

// CustomerFilter selects customers for a list.
type CustomerFilter struct {
	Scope   string // agent scope from auth: "" sees all
	Agent   string
	Segment string
	Zone    string
	Status  string // "", "overdue", "over_limit", "disputed", "open"
	Search  string // what the user typed: see searchCond
	Overdue bool
	// Sort is "id" (default), "name", "overdue" or "risk" (largest first).
	Sort string
	// After is the position of the last row seen: its sort value and id.
	AfterValue string
	AfterID    string
	Limit      int
}

// sortKeys maps a sort to its column and whether it runs largest first.
var sortKeys = map[string]struct {
	col     string
	desc    bool
	numeric bool
}{
	"":        {"id", false, false},
	"id":      {"id", false, false},
	"name":    {"search_key", false, false},
	"overdue": {"overdue_minor", true, true},
	"risk":    {"risk_minor", true, true},
}

// ValidSort reports whether s is a known sort.
func ValidSort(s string) bool { _, ok := sortKeys[s]; return ok }

// SortValue is the value of the sort column of a, for a cursor.
func SortValue(sort string, a Account) string {
	switch sort {
	case "name":
		return CustomerKey(a.ID, a.Name, a.TaxID)
	case "overdue":
		return fmt.Sprint(a.Figures.Overdue)
	case "risk":
		return fmt.Sprint(a.Figures.Risk())
	}
	return a.ID
}

// ListAccounts lists customers with their figures in the filter's order,
// after the cursor position (keyset pagination: deep pages cost the same
// as the first).
func (t *Tx) ListAccounts(ctx context.Context, f CustomerFilter) ([]Account, error) {
	key, ok := sortKeys[f.Sort]
	if !ok {
		return nil, fmt.Errorf("store: unknown sort %q", f.Sort)
	}
	q := `SELECT ` + customerCols + ` FROM customers WHERE 1 = 1`
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.AfterID != "" {
		if key.col == "id" {
			add("id > $%d", f.AfterID)
		} else {
			var v any = f.AfterValue
			if key.numeric {
				n, err := strconv.ParseInt(f.AfterValue, 10, 64)
				if err != nil {
					return nil, fmt.Errorf("store: cursor value %q: %w", f.AfterValue, err)
				}
				v = n
			}
			// Largest-first sorts break ties by id descending too, so one
			// index scanned backwards serves the whole order.
			op := ">"
			if key.desc {
				op = "<"
			}
			args = append(args, v, f.AfterID)
			q += fmt.Sprintf(" AND (%s %s $%d OR (%s = $%d AND id %s $%d))", key.col, op, len(args)-1, key.col, len(args)-1, op, len(args))
		}
	}
	if f.Scope != "" {
		add("agent = $%d", f.Scope)
	}
	if f.Agent != "" {
		add("agent = $%d", f.Agent)
	}
	if f.Segment != "" {
		add("segment = $%d", f.Segment)
	}
	if f.Zone != "" {
		add("zone = $%d", f.Zone)
	}
	if f.Search != "" {
		cond, a := searchCond("id", f.Search, len(args)+1)
		q += cond
		args = append(args, a...)
	}
	if f.Overdue || f.Status == "overdue" {
		q += ` AND overdue_minor > 0`
	}
	switch f.Status {
	case "over_limit":
		q += ` AND ` + overLimitSQL("customers")
	case "disputed":
		q += ` AND disputed_minor > 0`
	case "open":
		q += ` AND open_count > 0`
	}
	dir := ""
	if key.desc {
		dir = " DESC"
	}
	args = append(args, f.Limit)
	if key.col == "id" {
		q += fmt.Sprintf(` ORDER BY id LIMIT $%d`, len(args))
	} else {
		q += fmt.Sprintf(` ORDER BY %s%s, id%s LIMIT $%d`, key.col, dir, dir, len(args))
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list customers: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list customers: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// markLocked remembers that this transaction holds customer id's lock.
func (t *Tx) markLocked(id string) {
	if !t.RowLocks() {
		return
	}
	if t.locked == nil {
		t.locked = map[string]bool{}
	}
	t.locked[id] = true
}

// LockCustomers locks, in id order, the customers of ids this transaction
// does not hold yet (PostgreSQL; SQLite's single writer needs no locks).
func (t *Tx) LockCustomers(ctx context.Context, ids []string) error {
	if !t.RowLocks() {
		return nil
	}
	var missing []string
	for _, id := range ids {
		if !t.locked[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err := t.CustomerCurrencies(ctx, missing, true)
	return err
}

// CustomerCurrencies returns the currency of each of these customers that
// exists; with lock, their rows are locked in id order (see Accounts).
// It is the light form of Accounts for imports, which need no more.
func (t *Tx) CustomerCurrencies(ctx context.Context, ids []string, lock bool) (map[string]money.Currency, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make(map[string]money.Currency, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		q := `SELECT id, currency FROM customers WHERE id IN (` + t.inList(n) + `) ORDER BY id`
		args := anys(ids[:n])
		if t.RowLocks() {
			// PostgreSQL takes the ids as one array: one statement per
			// import batch, not one per 500 customers.
			n, q, args = len(ids), `SELECT id, currency FROM customers WHERE id = ANY($1) ORDER BY id`, []any{ids}
		}
		if lock {
			q += t.d.forUpdate()
		}
		rows, err := t.query(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("store: customers: %w", err)
		}
		for rows.Next() {
			var id, cur string
			if err := rows.Scan(&id, &cur); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = money.Currency(cur)
			if lock {
				t.markLocked(id)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// AddFiguresMany adds many customers' deltas in a few statements. The
// caller holds their locks, as for AddFigures.
func (t *Tx) AddFiguresMany(ctx context.Context, deltas map[string]ledger.Figures, now time.Time) error {
	ids := make([]string, 0, len(deltas))
	for id, d := range deltas {
		if !d.IsZero() {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	ts := Stamp(now)
	if t.d.name() == "sqlite" {
		// SQLite joins an UPDATE ... FROM (VALUES ...) by scanning; one
		// prepared single-row UPDATE per customer is faster there.
		for _, id := range ids {
			if err := t.AddFigures(ctx, id, deltas[id], now); err != nil {
				return err
			}
		}
		return nil
	}
	// PostgreSQL: one UPDATE joined to the deltas sent as arrays. The
	// "= ANY" lets it find the customers by primary key; joined to the
	// arrays alone, it hashes the whole table.
	cols := make([][]int64, 10)
	for _, id := range ids {
		d := deltas[id]
		for i, v := range []int64{d.Balance, d.Overdue, d.Disputed, d.InHand, d.Unallocated, d.Conflict, d.OpenCount, d.OverdueCount, d.Risk(), d.Owed} {
			cols[i] = append(cols[i], v)
		}
	}
	_, err := t.exec(ctx, `UPDATE customers SET balance_minor = customers.balance_minor + v.b, overdue_minor = customers.overdue_minor + v.o,
		disputed_minor = customers.disputed_minor + v.d, in_hand_minor = customers.in_hand_minor + v.h,
		unallocated_minor = customers.unallocated_minor + v.u, conflict_minor = customers.conflict_minor + v.c,
		open_count = customers.open_count + v.oc, overdue_count = customers.overdue_count + v.odc,
		risk_minor = customers.risk_minor + v.r, updated_at = $11, owed_minor = customers.owed_minor + v.ow
		FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[],
			$9::bigint[], $10::bigint[], $12::bigint[]) AS v(id, b, o, d, h, u, c, oc, odc, r, ow)
		WHERE customers.id = v.id AND customers.id = ANY($1)`, ids, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], ts, cols[9])
	if t.d.outOfRange(err) {
		return fmt.Errorf("store: figures: %w", ledger.ErrOutOfRange)
	}
	if err != nil {
		return fmt.Errorf("store: figures: %w", err)
	}
	return nil
}

// AllCustomerCurrencies returns every customer's currency, in one scan.
func (t *Tx) AllCustomerCurrencies(ctx context.Context) (map[string]money.Currency, error) {
	rows, err := t.query(ctx, `SELECT id, currency FROM customers`)
	if err != nil {
		return nil, fmt.Errorf("store: customers: %w", err)
	}
	defer rows.Close()
	out := map[string]money.Currency{}
	for rows.Next() {
		var id, cur string
		if err := rows.Scan(&id, &cur); err != nil {
			return nil, err
		}
		out[id] = money.Currency(cur)
	}
	return out, rows.Err()
}

// queryStrings runs a query of one text column and returns its values in
// order; what names the query in its error.
func (t *Tx) queryStrings(ctx context.Context, what, q string, args ...any) ([]string, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
