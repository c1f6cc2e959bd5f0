// Package demo fills a database with a realistic Spanish distributor: six
// agents and their routes, 600 shops, bars, pharmacies, workshops and
// wholesalers (Spanish and English), a year of invoices and how they were
// paid, and the last weeks of collections in the field. It goes through
// the app's own use cases (imports, collections, acknowledgements), never
// SQL, so the demo exercises the real paths and `cobro check` holds on it.
// The same seed gives the same data around the same day.
package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/ledger"
)

// Options size the demo.
type Options struct {
	Seed      uint64
	Customers int // default 600, with about 12 documents each
	// Today is the day the data is built around: the real today in the
	// company's zone for a demo, a fixed one in tests.
	Today civil.Date
}

// DefaultCustomers is the demo's size unless Options say otherwise.
const DefaultCustomers = 600

// Company is the demo company.
var Company = ledger.Company{
	Name:     "Distribuciones Levante S.L.",
	TaxID:    cifOf('B', "4612345"),
	Address:  "Av. del Puerto 112, 46023 Valencia",
	Currency: "EUR",
	TimeZone: "Europe/Madrid",
	Language: "es",
	HowToPayES: "Transferencia a ES91 2100 0418 4502 0005 1332 (CaixaBank) indicando el número de factura, " +
		"o en efectivo, cheque o pagaré a su agente comercial.",
	HowToPayEN: "Bank transfer to ES91 2100 0418 4502 0005 1332 (CaixaBank) quoting the invoice number, " +
		"or cash, cheque or promissory note to your sales agent.",
}

// Users are the demo's sign-ins, one per role. The last one is created
// last: its presence says the demo was built to the end.
var Users = []app.User{
	{Name: "ana", DisplayName: "Ana Martínez", Role: "agent", Agent: "AG01", Language: "es"},
	{Name: "sergio", DisplayName: "Sergio Ruiz", Role: "supervisor", Language: "es"},
	{Name: "alba", DisplayName: "Alba Navarro", Role: "administration", Language: "es"},
	{Name: "marta", DisplayName: "Marta Gil", Role: "management", Language: "en"},
}

// Password is every demo user's password.
const Password = "cobro-demo-2026"

// Generated reports what Seed created.
type Generated struct {
	Customers     int
	Documents     int // every document imported, paid or not
	OpenDocuments int // with something open in the ERP
	Collections   int
	Settlements   int // the agents' weeks settled (verified) or handed in
	Took          time.Duration
}

// data is the whole demo, generated before anything is written.
type data struct {
	custs  []*customer
	docs   []*doc
	visits []*visit
}

func generate(opt Options) (*data, error) {
	loc, err := time.LoadLocation(Company.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	d := &data{custs: newCustomers(rng, opt.Customers)}
	d.docs = documents(rng, d.custs, opt.Today)
	setLimits(rng, d.custs, d.docs)
	d.visits = plan(rng, d.custs, d.docs, opt.Today, loc)
	return d, nil
}

// Seed creates the company, customers, documents, collections and users
// in an empty database. It is not resumable: Inspect tells a finished demo
// from one that was interrupted.
func Seed(ctx context.Context, a *app.App, opt Options) (Generated, error) {
	start := time.Now()
	if opt.Customers <= 0 {
		opt.Customers = DefaultCustomers
	}
	if opt.Today.IsZero() {
		return Generated{}, errors.New("demo: Options.Today is required")
	}
	d, err := generate(opt)
	if err != nil {
		return Generated{}, err
	}
	sys := auth.System("demo")
	sys.Source = "demo"
	if err := a.SaveCompany(ctx, sys, Company); err != nil {
		return Generated{}, fmt.Errorf("demo company: %w", err)
	}
	// The demo's collections go back weeks: the company was set up before.
	setUp := time.Date(opt.Today.Year, opt.Today.Month, opt.Today.Day, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -60)
	if err := a.BackdateCompany(ctx, sys, setUp); err != nil {
		return Generated{}, fmt.Errorf("demo company: %w", err)
	}
	rep, err := a.ImportCustomers(ctx, erp, bytes.NewReader(customersCSV(d.custs)), app.ImportOptions{File: "demo-customers.csv"})
	if err := importErr("customers", rep, err); err != nil {
		return Generated{}, err
	}
	g := Generated{Customers: rep.Inserted}
	rep, err = a.ImportDocuments(ctx, erp, bytes.NewReader(documentsCSV(d.docs)), app.ImportOptions{File: "demo-documents.csv"})
	if err := importErr("documents", rep, err); err != nil {
		return Generated{}, err
	}
	g.Documents = rep.Inserted
	for _, doc := range d.docs {
		if doc.open > 0 {
			g.OpenDocuments++
		}
	}
	l := &loader{a: a, today: opt.Today}
	if g.Collections, err = l.collections(ctx, d.visits); err != nil {
		return g, err
	}
	if g.Settlements, err = l.settlements(ctx, civil.Of(setUp)); err != nil {
		return g, fmt.Errorf("demo settlements: %w", err)
	}
	for _, u := range Users {
		if err := a.AddUser(ctx, sys, u, Password); err != nil {
			return g, fmt.Errorf("demo user %s: %w", u.Name, err)
		}
	}
	g.Took = time.Since(start)
	return g, nil
}

// State is what a database holds, as far as the demo is concerned.
type State int

const (
	Empty   State = iota // nothing, or only the default company profile: Seed may fill it
	Ready                // a finished demo
	Partial              // a demo whose creation was interrupted
	Foreign              // another company's data: never touched
)

func (s State) String() string {
	return [...]string{"empty", "a finished demo", "an unfinished demo", "another company's data"}[s]
}

// Inspect says what the database behind a holds.
func Inspect(ctx context.Context, a *app.App) (State, error) {
	c, err := a.Company(ctx)
	if errors.Is(err, app.ErrNoCompany) {
		return Empty, nil
	}
	if err != nil {
		return 0, err
	}
	if c.Name != Company.Name || c.TaxID != Company.TaxID {
		page, err := a.Customers(ctx, auth.System("demo"), app.CustomerQuery{Limit: 1})
		if err != nil {
			return 0, err
		}
		if c.Name == app.DefaultCompany().Name && len(page.Items) == 0 {
			return Empty, nil // `cobro serve` set a default profile on an empty database
		}
		return Foreign, nil
	}
	_, err = a.User(ctx, auth.System("demo"), Users[len(Users)-1].Name)
	switch {
	case errors.Is(err, app.ErrNotFound):
		return Partial, nil
	case err != nil:
		return 0, err
	}
	return Ready, nil
}
