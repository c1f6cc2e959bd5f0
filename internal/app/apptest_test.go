package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/store"
)

// Helpers shared by the tests of package app: a settable clock, a small
// world loaded through the ERP import, and checks.

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var sys = auth.System("test")

func eur(m int64) money.Amount { return money.New(m, "EUR") }

// startDay is the world's first day; its clock starts at 09:00 UTC (10:00
// in Madrid).
var startDay = civil.Date{Year: 2026, Month: time.November, Day: 23}

var madrid = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		panic(err)
	}
	return loc
}()

// newApp sets up the company on a fresh database, with a clock.
func newApp(t testing.TB, db *store.DB) (*app.App, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(startDay.Year, startDay.Month, startDay.Day, 9, 0, 0, 0, time.UTC)}
	a := app.New(db, app.WithClock(clk.now))
	if err := a.SaveCompany(context.Background(), sys, ledger.Company{Name: "T", Currency: "EUR", TimeZone: "Europe/Madrid", Language: "es"}); err != nil {
		t.Fatal(err)
	}
	return a, clk
}

// world is a small ledger loaded through the CSV import: customers C1
// (limit 5,000.00), C2 (another agent) and C3, each with eight invoices
// F<c>-0..7 of 100.00, 200.00 ... 800.00 falling due on 2026-11-20..27 and
// a credit note A<c> of 50.00.
func world(t testing.TB, db *store.DB) (*app.App, *clock, []string) {
	t.Helper()
	a, clk := newApp(t, db)
	b := newBook("", startDay)
	b.load(t, a)
	var docs []string
	for _, d := range b.docs {
		if d.kind == ledger.Invoice {
			docs = append(docs, d.id)
		}
	}
	return a, clk, docs
}

// erpDoc is a document as the ERP exports it.
type erpDoc struct {
	id, customer string
	kind         ledger.Kind
	amount, open int64
	due          civil.Date
	disputed     bool
}

// book is what the ERP holds for one world: three customers, their
// invoices and credit notes. Ids start with prefix, so that many worlds
// share one database.
type book struct {
	prefix    string
	customers []string
	docs      []erpDoc
}

func newBook(prefix string, start civil.Date) *book {
	b := &book{prefix: prefix}
	for c := 1; c <= 3; c++ {
		cust := fmt.Sprintf("%sC%d", prefix, c)
		b.customers = append(b.customers, cust)
		for i := range 8 {
			amount := int64(10000 * (i + 1))
			b.docs = append(b.docs, erpDoc{id: fmt.Sprintf("%sF%d-%d", prefix, c, i), customer: cust, kind: ledger.Invoice,
				amount: amount, open: amount, due: start.AddDays(i - 3)})
		}
		b.docs = append(b.docs, erpDoc{id: fmt.Sprintf("%sA%d", prefix, c), customer: cust, kind: ledger.CreditNote,
			amount: 5000, open: 5000, due: start.AddDays(-30)})
	}
	return b
}

// customersCSV is the customers file, Spanish style (semicolons, decimal
// comma).
func (b *book) customersCSV() string {
	var s strings.Builder
	s.WriteString("customer_id;name;currency;agent;credit_limit\n")
	for i, c := range b.customers {
		agent, limit := "A1", ""
		if i == 0 {
			limit = "5.000,00"
		}
		if i == 1 {
			agent = "A2"
		}
		fmt.Fprintf(&s, "%s;Cliente %s;EUR;%s;%s\n", c, c, agent, limit)
	}
	return s.String()
}

// documentsCSV is the documents file with the ERP's current open amounts,
// written with a decimal comma (semicolons, DD/MM/YYYY, Spanish words) or a
// decimal point (commas, ISO dates, English words), thousands grouped.
func (b *book) documentsCSV(mark money.DecimalMark) string {
	sep, date := ",", func(d civil.Date) string { return d.String() }
	kinds := map[ledger.Kind]string{ledger.Invoice: "invoice", ledger.CreditNote: "credit_note", ledger.Returned: "returned"}
	if mark == money.MarkComma {
		sep = ";"
		date = func(d civil.Date) string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year) }
		kinds = map[ledger.Kind]string{ledger.Invoice: "Factura", ledger.CreditNote: "Abono", ledger.Returned: "Impagado"}
	}
	var s strings.Builder
	s.WriteString(strings.Join([]string{"document_id", "customer_id", "kind", "number", "issue_date", "due_date", "currency",
		"amount", "open_amount", "status"}, sep) + "\n")
	for _, d := range b.docs {
		status := ""
		if d.disputed {
			status = "disputed"
		}
		// A value holding the separator ("1,234.56" in a comma-separated
		// file) is quoted, as spreadsheets write it.
		quote := func(v string) string {
			if strings.Contains(v, sep) {
				return `"` + v + `"`
			}
			return v
		}
		s.WriteString(strings.Join([]string{d.id, d.customer, kinds[d.kind], "N-" + d.id, date(d.due.AddDays(-30)), date(d.due), "EUR",
			quote(decimal(d.amount, mark)), quote(decimal(d.open, mark)), status}, sep) + "\n")
	}
	return s.String()
}

// decimal writes minor units of euros with the decimal mark and thousands
// separators: 123456 is "1.234,56" or "1,234.56".
func decimal(minor int64, mark money.DecimalMark) string {
	s := money.New(minor, "EUR").Decimal()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	thousands := ","
	if mark == money.MarkComma {
		thousands = "."
	}
	var g strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			g.WriteString(thousands)
		}
		g.WriteRune(r)
	}
	out := g.String() + string(rune(mark)) + frac
	if neg {
		out = "-" + out
	}
	return out
}

// tb is what the helpers need of a *testing.T or a *rapid.T.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

func (b *book) load(t tb, a *app.App) {
	t.Helper()
	ctx := context.Background()
	if rep, err := a.ImportCustomers(ctx, sys, strings.NewReader(b.customersCSV()), app.ImportOptions{File: "customers.csv", Format: "csv"}); err != nil || rep.Rejected > 0 {
		t.Fatalf("import customers: %v %v", err, rep.Errors)
	}
	b.sync(t, a, money.MarkComma)
}

// sync imports the book's documents as they are now.
func (b *book) sync(t tb, a *app.App, mark money.DecimalMark) {
	t.Helper()
	rep, err := a.ImportDocuments(context.Background(), sys, strings.NewReader(b.documentsCSV(mark)), app.ImportOptions{File: "documents.csv", Format: "csv"})
	if err != nil || rep.Rejected > 0 {
		t.Fatalf("import documents: %v %v", err, rep.Errors)
	}
}

// checkClean fails the test when app.Check finds a broken invariant.
func checkClean(t testing.TB, a *app.App) {
	t.Helper()
	vs, err := a.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("violation: %s %s: %s (%s)", v.Entity, v.ID, v.Rule, v.Detail)
	}
	if len(vs) > 0 {
		t.FailNow()
	}
}

// allCollections lists every collection, following the cursor.
func allCollections(ctx context.Context, a *app.App, q app.CollectionQuery) ([]app.CollectionView, error) {
	var out []app.CollectionView
	q.Limit = 200
	for {
		p, err := a.Collections(ctx, sys, q)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			return out, nil
		}
		q.Cursor = p.NextCursor
	}
}

func countCollections(ctx context.Context, a *app.App) (int, error) {
	cs, err := allCollections(ctx, a, app.CollectionQuery{})
	return len(cs), err
}

// idemOf is the idempotency of a request as the API computes it: its key
// and a hash of what was asked.
func idemOf(key, what string, body any) app.Idem {
	b, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	return app.Idem{Key: key, Hash: app.HashRequest([]byte(what), b)}
}

// replayedID is the collection id in a replayed answer.
func replayedID(r *app.Replay) (string, error) {
	var v app.CollectionView
	if err := json.Unmarshal(r.Body, &v); err != nil {
		return "", fmt.Errorf("replay body %q: %w", r.Body, err)
	}
	return v.ID, nil
}

// ruleCode is the code of a rule error, "" for no error, and the error
// itself for any other error.
func ruleCode(err error) string {
	var re *ledger.RuleError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &re):
		return re.Code
	}
	return "error: " + err.Error()
}

// long reports whether the long suites were asked for (COBRO_LONG=1).
func long() bool { return os.Getenv("COBRO_LONG") != "" }

// withRapid runs fn with rapid's number of checks (sequences) and average
// steps per sequence set to checks and steps, unless they were given on the
// command line (-rapid.checks, -rapid.steps) or in the environment
// (RAPID_CHECKS, RAPID_STEPS).
func withRapid(t *testing.T, checks, steps int, fn func()) {
	t.Helper()
	given := map[string]bool{"rapid.checks": os.Getenv("RAPID_CHECKS") != "", "rapid.steps": os.Getenv("RAPID_STEPS") != ""}
	flag.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	for name, n := range map[string]int{"rapid.checks": checks, "rapid.steps": steps} {
		f := flag.Lookup(name)
		if f == nil || given[name] {
			continue
		}
		old := f.Value.String()
		if err := f.Value.Set(strconv.Itoa(n)); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = f.Value.Set(old) }()
	}
	fn()
}
