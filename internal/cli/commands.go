package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/erpimport"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
	"cobro/internal/server"
	"cobro/internal/web"
)

func parseTokenRole(s string) (auth.Role, error) {
	r, err := auth.ParseRole(s)
	if err != nil || (r != auth.Admin && r != auth.Integration) {
		return "", fmt.Errorf("--role must be admin or integration (got %q)", s)
	}
	return r, nil
}

func addrFlag(fsAddr func(name, value, usage string) *string) *string {
	def := os.Getenv("COBRO_ADDR")
	if def == "" {
		def = "127.0.0.1:8080"
	}
	return fsAddr("addr", def, "listen address HOST:PORT (env COBRO_ADDR)")
}

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve")
	dsn := dbFlag(fs)
	addr := addrFlag(fs.String)
	maxBody := fs.Int64("max-body", 32<<20, "largest request body or upload accepted, in bytes")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure (when served over HTTPS)")
	hashing := hashFlags(fs)
	metricsToken, metricsAddr := metricsFlags(fs)
	accessConfig := accessFlags(fs)
	dunningConfig := dunningFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	acc, err := accessConfig()
	if err != nil {
		return err
	}
	dun, err := dunningConfig()
	if err != nil {
		return err
	}
	a, db, done, err := openAppDB(ctx, e, *dsn, app.WithHasher(hashing()), app.WithSessionLimits(0, acc.sessionIdle))
	if err != nil {
		return err
	}
	defer done()
	if _, err := a.Company(ctx); err == app.ErrNoCompany {
		if err := a.SaveCompany(ctx, auth.System("cli"), app.DefaultCompany()); err != nil {
			return err
		}
		e.log.Warn("no company profile: created a default one; set it with cobro company --name ...")
	}
	pages, err := web.New(a, e.log, web.Config{SecureCookies: *secure, PublicURL: acc.publicURL, Proxies: acc.proxies})
	if err != nil {
		return err
	}
	runner := newRunner(e, a, db, dun)
	srv := server.New(a, e.log, server.Config{Addr: *addr, MaxBody: *maxBody, Extra: pages.Register, Metrics: runner.Collectors(),
		MetricsToken: *metricsToken, MetricsAddr: *metricsAddr, Proxies: acc.proxies})
	return serveWithJobs(ctx, runner, func(ctx context.Context) error {
		return srv.Run(ctx, func(addr string) {
			e.log.Info("serving", "url", "http://"+addr, "db", a.Database())
		})
	})
}

func cmdCompany(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "company")
	dsn := dbFlag(fs)
	def := app.DefaultCompany()
	name := fs.String("name", "", "company name (required)")
	taxID := fs.String("tax-id", "", "tax id")
	address := fs.String("address", "", "postal address")
	currency := fs.String("currency", string(def.Currency), "base currency (ISO 4217)")
	tz := fs.String("time-zone", def.TimeZone, "IANA time zone: 'today' is computed in it")
	lang := fs.String("language", def.Language, "default language of documents: es or en")
	howToPayEN := fs.String("how-to-pay-en", "", "how to pay, printed on statements in English")
	howToPayES := fs.String("how-to-pay-es", "", "how to pay, printed on statements in Spanish")
	tolerance := fs.String("settlement-tolerance", "", "how far an agent's settlement may be off before a supervisor must approve it (an amount, e.g. 5.00)")
	since := fs.String("since", "", "YYYY-MM-DD: the company was set up then (collections may be dated from that day, 90 days back at most)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	var setUp time.Time
	if *since != "" {
		d, err := civil.Parse(*since)
		if err != nil {
			return fmt.Errorf("--since: %w", err)
		}
		setUp = time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	}
	cur, err := money.ParseCurrency(*currency)
	if err != nil {
		return fmt.Errorf("--currency: %w", err)
	}
	a, done, err := openApp(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	c := ledger.Company{Name: *name, TaxID: *taxID, Address: *address, Currency: cur, TimeZone: *tz, Language: *lang,
		HowToPayEN: *howToPayEN, HowToPayES: *howToPayES, SettlementTolerance: money.Zero(cur)}
	if *tolerance != "" {
		mark := money.MarkPoint
		if money.Sniff(*tolerance) == money.CommaEvidence {
			mark = money.MarkComma
		}
		if c.SettlementTolerance, err = money.Parse(*tolerance, cur, mark); err != nil || c.SettlementTolerance.Minor < 0 {
			return fmt.Errorf("--settlement-tolerance: %q is not an amount of zero or more", *tolerance)
		}
	}
	if err := a.SaveCompany(ctx, auth.System("cli"), c); err != nil {
		return err
	}
	if !setUp.IsZero() {
		if err := a.BackdateCompany(ctx, auth.System("cli"), setUp); err != nil {
			return err
		}
	}
	fmt.Fprintln(e.stdout, "company profile saved")
	return nil
}

// snapshotFlag is --snapshot (the customers in the file) or
// --snapshot=all (every customer).
type snapshotFlag struct{ v app.Snapshot }

func (s *snapshotFlag) String() string   { return string(s.v) }
func (s *snapshotFlag) IsBoolFlag() bool { return true }
func (s *snapshotFlag) Set(v string) error {
	switch v {
	case "true", "customers":
		s.v = app.SnapshotCustomers
	case "all":
		s.v = app.SnapshotAll
	case "false":
		s.v = app.NoSnapshot
	default:
		return fmt.Errorf("--snapshot takes no value (the customers in the file) or =all")
	}
	return nil
}

func cmdImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import")
	dsn := dbFlag(fs)
	mapPath := fs.String("map", "", "mapping file (JSON) from the ERP's columns and codes to cobro's")
	preset := fs.String("preset", "", "a mapping shipped with cobro for a tool's export (cobro import presets lists them)")
	dry := fs.Bool("dry-run", false, "validate only; write nothing")
	atomic := fs.Bool("atomic", false, "one transaction: apply every row or none")
	decimal := fs.String("decimal", "", "decimal mark of amounts: comma or point (detected when absent)")
	dateFormat := fs.String("date-format", "", "format of dates: "+strings.Join(erpimport.DateFormats, ", ")+" (detected when absent; wins over the mapping)")
	format := fs.String("format", "", "csv, xlsx or json (from the file name when absent)")
	sheet := fs.String("sheet", "", "XLSX: the sheet to read (the first when absent)")
	batch := fs.Int("batch", 0, "rows per transaction (default 2000)")
	newCustomers := fs.Bool("new-customers", false, "documents: create a customer for each unknown customer_id (name from customer_name, currency from the row)")
	var snap snapshotFlag
	fs.Var(&snap, "snapshot", "the file holds all open items of its customers (=all: of every customer); close the rest")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) >= 1 && len(pos) <= 2 && pos[0] == "presets" {
		return printPresets(e, pos[1:])
	}
	if len(pos) != 2 || !slices.Contains([]string{"customers", "documents", "payments", "receipts"}, pos[0]) {
		return fmt.Errorf("usage: cobro import customers|documents|payments|receipts FILE [flags], or cobro import presets")
	}
	kind, path := pos[0], pos[1]
	if snap.v != app.NoSnapshot && kind != "documents" {
		return fmt.Errorf("--snapshot applies to documents")
	}
	if *newCustomers && kind != "documents" {
		return fmt.Errorf("--new-customers applies to documents")
	}
	opt := app.ImportOptions{File: path, DryRun: *dry, Atomic: *atomic, Snapshot: snap.v, BatchSize: *batch, Sheet: *sheet,
		NewCustomers: *newCustomers}
	switch strings.ToLower(*decimal) {
	case "":
	case "comma":
		opt.Decimal = money.MarkComma
	case "point":
		opt.Decimal = money.MarkPoint
	default:
		return fmt.Errorf("--decimal must be comma or point")
	}
	if *dateFormat != "" {
		if !slices.Contains(erpimport.DateFormats, *dateFormat) {
			return fmt.Errorf("--date-format must be one of %s", strings.Join(erpimport.DateFormats, ", "))
		}
		opt.DateFormat = *dateFormat
	}
	if *format != "" {
		opt.Format = erpimport.Format(strings.ToLower(*format))
	} else {
		opt.Format = erpimport.FormatFromName(path)
	}
	if opt.Mapping, err = loadMapping(*mapPath, *preset); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// Imports log nothing per request; progress goes to stderr as text.
	e.log = slog.New(slog.DiscardHandler)
	a, done, err := openApp(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	opt.Progress = func(r app.ImportReport) {
		fmt.Fprintf(e.stderr, "\r%s: %d rows read, %d inserted, %d updated, %d unchanged, %d rejected, %d closed",
			kind, r.Rows, r.Inserted, r.Updated, r.Unchanged, r.Rejected, r.Closed)
	}
	actor := auth.System("cli")
	var rep app.ImportReport
	switch kind {
	case "customers":
		rep, err = a.ImportCustomers(ctx, actor, f, opt)
	case "documents":
		rep, err = a.ImportDocuments(ctx, actor, f, opt)
	case "payments":
		rep, err = a.ImportPayments(ctx, actor, f, opt)
	default:
		rep, err = a.ImportReceipts(ctx, actor, f, opt)
	}
	fmt.Fprintln(e.stderr)
	printReport(e, rep, err)
	if err != nil {
		return err
	}
	if rep.Rejected > 0 {
		return exitCode(1)
	}
	return nil
}

// userLang is the language of the person at the terminal, from the
// environment (LC_ALL, LC_MESSAGES, LANG): "es" or "en".
func userLang() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l, ok := i18n.Parse(strings.SplitN(os.Getenv(v), ".", 2)[0]); ok {
			return string(l)
		}
	}
	return "en"
}

func printReport(e *env, r app.ImportReport, err error) {
	for _, w := range r.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	lang := userLang()
	for _, er := range r.Errors {
		fmt.Fprintln(e.stderr, er.Localized(lang))
	}
	if r.Rejected > len(r.Errors) {
		fmt.Fprintf(e.stderr, "(%d more rejected rows not listed)\n", r.Rejected-len(r.Errors))
	}
	verb := "applied"
	switch {
	case err != nil && r.Inserted+r.Updated+r.Closed > 0 && !r.Atomic:
		verb = "STOPPED (the batches before the error were applied; fix the file and run it again to complete it)"
	case err != nil:
		verb = "NOT applied"
	case r.DryRun:
		verb = "validated (dry run: nothing written)"
	case !r.Applied:
		verb = "NOT applied"
	}
	fmt.Fprintf(e.stdout, "%s %s: %d rows, %d inserted, %d updated, %d unchanged, %d rejected, %d closed\n",
		r.Kind, verb, r.Rows, r.Inserted, r.Updated, r.Unchanged, r.Rejected, r.Closed)
	if len(r.NewAgents) > 0 {
		fmt.Fprintf(e.stdout, "new agents: %s\n", strings.Join(r.NewAgents, ", "))
	}
	printNewCustomers(e, r)
}

// hashFlags are the password hashing settings of a server: argon2id's
// memory and passes, and how many hashes may run at once (each holds its
// memory while it runs, so this bounds what a burst of sign-ins can take).
func hashFlags(fs *flag.FlagSet) func() *auth.Hasher {
	d := auth.DefaultHashParams
	mem := fs.Uint("hash-memory", uint(d.Memory), "argon2id memory per password hash, in KiB")
	passes := fs.Uint("hash-time", uint(d.Time), "argon2id passes per password hash")
	conc := fs.Int("hash-concurrency", 4, "password hashes computed at once, at most")
	return func() *auth.Hasher {
		return auth.NewHasher(auth.HashParams{Memory: uint32(*mem), Time: uint32(*passes), Threads: d.Threads}, *conc)
	}
}
