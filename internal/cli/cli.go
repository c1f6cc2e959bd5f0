// Package cli is cobro's composition root: the only place that reads flags
// and the environment, opens the database and wires the packages together.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"cobro/internal/app"
	"cobro/internal/i18n"
	"cobro/internal/store"
)

const usage = `cobro — receivables and field collections

Usage:
  cobro demo    [--db DSN] [--addr HOST:PORT] [--reset] [--seed N] [--customers N]
                                                    serve realistic demo data (creates it on first run)
  cobro serve   [--db DSN] [--addr HOST:PORT]       serve the API (env COBRO_DB, COBRO_ADDR)
                [--metrics-token TOKEN] [--metrics-addr HOST:PORT]  (env COBRO_METRICS_TOKEN, COBRO_METRICS_ADDR)
                [--public-url URL] [--trusted-proxies CIDRS] [--session-idle 12h]
                [--smtp-addr HOST:PORT --smtp-from ADDR] [--smtp-tls starttls|starttls-required|tls]
                [--smtp-user USER] [--dunning-hour 9]  (env COBRO_SMTP_ADDR, _FROM, _TLS, _USER, _PASSWORD)
  cobro migrate [--db DSN]                          create or update the database schema
  cobro company [--db DSN] --name NAME [--tax-id ID] [--address TEXT] [--currency EUR]
                [--time-zone Europe/Madrid] [--language es|en] [--how-to-pay-en TEXT] [--how-to-pay-es TEXT]
  cobro import customers|documents|receipts FILE [--db DSN] [--map MAPPING.json] [--dry-run]
                [--atomic] [--snapshot[=all]] [--decimal comma|point] [--format csv|xlsx|json] [--sheet NAME]
  cobro token create [--db DSN] --name NAME (--role admin|integration | --user NAME)
  cobro token list   [--db DSN]                       every token: id, name, role or user, last use
  cobro token revoke [--db DSN] NAME|ID               the token stops working at once
  cobro user add NAME --role agent|supervisor|administration|management [--agent CODE] < password
  cobro user list    [--db DSN]                       users with role, agent, last sign-in
  cobro user disable|enable [--db DSN] NAME           disabling ends the user's sessions, refuses their tokens
  cobro user passwd  [--db DSN] NAME < password       a new password; the user's sessions end
  cobro check   [--db DSN]                          verify every ledger invariant
  cobro dunning run [--db DSN] [--as-of YYYY-MM-DD] [--dry-run]   the reminders due: each step once
  cobro backup  [--db DSN] FILE                     a consistent copy of a SQLite database, while it serves

DSN: sqlite:PATH (default sqlite:cobro.db) or postgres://user:pass@host:port/db
`

// env is what a command may touch of the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
	created        []string // SQLite DSNs whose file this command created (firstrun.go)
}

// Main runs the command line and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmds := map[string]func(context.Context, *env, []string) error{
		"demo": cmdDemo, "serve": cmdServe, "migrate": cmdMigrate, "company": cmdCompany,
		"import": cmdImport, "token": cmdToken, "check": cmdCheck, "user": cmdUser,
		"backup": cmdBackup, "dunning": cmdDunning,
	}
	run, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "cobro: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := run(ctx, e, args[1:])
	if err != nil {
		e.dropCreated(ctx)
	}
	var ec exitCode
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ec):
		return int(ec)
	case errors.Is(err, flag.ErrHelp):
		return 2
	}
	fmt.Fprintf(stderr, "cobro %s: %v\n", args[0], err)
	if errors.Is(err, store.ErrUnavailable) {
		fmt.Fprintln(stderr, i18n.T(i18n.Lang(userLang()), "cli.storage_unavailable"))
	}
	return 1
}

// exitCode ends a command with a code after it has said why.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// flags is a FlagSet that accepts flags before and after positional
// arguments ("import documents FILE --db X").
func newFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("cobro "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func dbFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("COBRO_DB")
	if def == "" {
		def = "sqlite:cobro.db"
	}
	return fs.String("db", def, "database: sqlite:PATH or postgres://... (env COBRO_DB)")
}

// openApp opens and migrates the database and returns the app on it.
func openApp(ctx context.Context, e *env, dsn string, opts ...app.Option) (*app.App, func(), error) {
	a, _, done, err := openAppDB(ctx, e, dsn, opts...)
	return a, done, err
}

// openAppDB is openApp that also returns the database, for the parts the
// composition root wires beside the app (the job runner).
func openAppDB(ctx context.Context, e *env, dsn string, opts ...app.Option) (*app.App, *store.DB, func(), error) {
	e.noteNew(dsn)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	return app.New(db, append([]app.Option{app.WithLogger(e.log)}, opts...)...), db, func() { db.Close() }, nil
}

func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "migrate")
	dsn := dbFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	_, done, err := openApp(ctx, e, *dsn)
	if err != nil {
		return err
	}
	done()
	fmt.Fprintln(e.stdout, "database is up to date")
	return nil
}

func cmdCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "check")
	dsn := dbFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	a, done, err := openApp(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	if _, err := a.Today(ctx); err != nil {
		return err
	}
	vs, err := a.Check(ctx)
	if err != nil {
		return err
	}
	for _, v := range vs {
		fmt.Fprintf(e.stdout, "VIOLATION %s %s: %s (%s)\n", v.Entity, v.ID, v.Rule, v.Detail)
	}
	if len(vs) > 0 {
		fmt.Fprintf(e.stdout, "%d violation(s)\n", len(vs))
		return exitCode(1)
	}
	fmt.Fprintln(e.stdout, "ledger is consistent: every invariant holds")
	return nil
}
