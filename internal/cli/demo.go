package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	// The zone database in the binary: the demo (Europe/Madrid) must run on
	// a machine with no system zoneinfo, as Windows has none.

	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/demo"
	"cobro/internal/server"
	"cobro/internal/web"
)

// cmdDemo serves realistic demo data, creating it on the first run and
// reusing it afterwards. It never touches a database holding anything
// else.
func cmdDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo")
	dsn := fs.String("db", "sqlite:cobro-demo.db", "database: sqlite:PATH or postgres://...")
	addr := addrFlag(fs.String)
	reset := fs.Bool("reset", false, "delete the SQLite demo file first and build the demo again around today")
	seed := fs.Uint64("seed", 2026, "random seed of the demo data: the same seed gives the same data")
	customers := fs.Int("customers", demo.DefaultCustomers, "how many customers the demo has (about 12 documents each)")
	dunningConfig := dunningFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	dun, err := dunningConfig()
	if err != nil {
		return err
	}
	path, isSQLite := strings.CutPrefix(*dsn, "sqlite:")
	if *reset && !isSQLite {
		return errors.New("--reset only deletes a SQLite demo file; to rebuild a demo on PostgreSQL, empty the database yourself")
	}
	a, db, done, err := openAppDB(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer func() { done() }()
	state, err := demo.Inspect(ctx, a)
	if err != nil {
		return err
	}
	if *reset && state != demo.Empty {
		if state == demo.Foreign {
			return fmt.Errorf("%s holds %s: --reset only deletes a demo", a.Database(), state)
		}
		done()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		a2, db2, done2, err := openAppDB(ctx, e, *dsn)
		if err != nil {
			done = func() {}
			return err
		}
		a, db, done, state = a2, db2, done2, demo.Empty
	}
	switch state {
	case demo.Ready:
		again := "empty the database to build it again"
		if isSQLite {
			again = "--reset builds it again around today"
		}
		fmt.Fprintf(e.stdout, "Reusing the demo already in %s (%s).\n", a.Database(), again)
	case demo.Empty:
		fmt.Fprintf(e.stdout, "Creating the demo in %s...\n", a.Database())
		loc, err := time.LoadLocation(demo.Company.TimeZone)
		if err != nil {
			return err
		}
		g, err := demo.Seed(ctx, a, demo.Options{Seed: *seed, Customers: *customers, Today: civil.Today(time.Now(), loc)})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Created %d customers, %d documents (%d open) and %d collections in %s.\n",
			g.Customers, g.Documents, g.OpenDocuments, g.Collections, g.Took.Round(100*time.Millisecond))
	case demo.Partial:
		again := "empty the database and run it again"
		if isSQLite {
			again = "run cobro demo --reset"
		}
		return fmt.Errorf("%s holds %s (was its creation interrupted?): %s", a.Database(), state, again)
	default:
		return fmt.Errorf("%s holds %s: cobro demo only fills an empty database; give another --db", a.Database(), state)
	}
	adminTok, err := a.CreateToken(ctx, "demo-admin", auth.Admin, "")
	if err != nil {
		return err
	}
	erpTok, err := a.CreateToken(ctx, "demo-erp", auth.Integration, "")
	if err != nil {
		return err
	}
	agent := demo.Users[0] // ana, an agent: what a phone in the field uses
	agentTok, err := a.CreateToken(ctx, "demo-"+agent.Name+"-phone", "", agent.Name)
	if err != nil {
		return err
	}
	pages, err := web.New(a, e.log, web.Config{})
	if err != nil {
		return err
	}
	runner := newRunner(e, a, db, dun)
	srv := server.New(a, e.log, server.Config{Addr: *addr, MaxBody: 32 << 20, Extra: pages.Register, Metrics: runner.Collectors()})
	return serveWithJobs(ctx, runner, func(ctx context.Context) error {
		return srv.Run(ctx, func(listen string) {
			demoBanner(e.stdout, "http://"+listen, adminTok, erpTok, agentTok)
		})
	})
}

// demoBanner tells what the demo serves and how to try it: one section
// each for the web sign-ins, the API tokens and a first request.
func demoBanner(w io.Writer, url, adminTok, erpTok, agentTok string) {
	var b strings.Builder
	fmt.Fprintf(&b, "\ncobro demo is running at %s\n", url)
	fmt.Fprintf(&b, "\nSign in at %s/login (password %q for all):\n", url, demo.Password)
	for _, u := range demo.Users {
		extra := ""
		if u.Agent != "" {
			extra = " (agent " + u.Agent + ": sees only their customers)"
		}
		fmt.Fprintf(&b, "  %-8s %s%s\n", u.Name, u.Role, extra)
	}
	agent := demo.Users[0]
	fmt.Fprintf(&b, "\nAPI tokens (new on every start):\n  admin:        %s\n  integration:  %s\n", adminTok, erpTok)
	fmt.Fprintf(&b, "  %-13s %s  (%s's rights: agent %s's customers only)\n", "agent "+agent.Name+":", agentTok, agent.Name, agent.Agent)
	fmt.Fprintf(&b, "\nTry:\n  curl -H 'Authorization: Bearer %s' '%s/api/v1/customers?status=over_limit&limit=5'\n", adminTok, url)
	fmt.Fprintf(&b, "  curl -H 'Authorization: Bearer %s' %s/api/v1/reports/summary\n", adminTok, url)
	fmt.Fprintf(&b, "  curl -H 'Authorization: Bearer %s' '%s/api/v1/collections?pending_erp=true&limit=5'\n", erpTok, url)
	fmt.Fprintf(&b, "  curl -H 'Authorization: Bearer %s' '%s/api/v1/customers?limit=5'   # as %s\n", agentTok, url, agent.Name)
	fmt.Fprintf(&b, "\nCtrl-C stops it.\n")
	fmt.Fprint(w, b.String())
}
