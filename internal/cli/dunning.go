package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/civil"
	"cobro/internal/jobs"
	"cobro/internal/notify"
)

// dunningFlags are the reminders' settings of cobro serve and cobro demo:
// the SMTP server (env COBRO_SMTP_*) and the hour of the daily run.
func dunningFlags(fs *flag.FlagSet) func() (jobs.DunningConfig, error) {
	addr := fs.String("smtp-addr", os.Getenv("COBRO_SMTP_ADDR"), "SMTP server HOST:PORT for the reminder emails; none: they wait in the outbox (env COBRO_SMTP_ADDR)")
	from := fs.String("smtp-from", os.Getenv("COBRO_SMTP_FROM"), "From address of the reminders, e.g. 'Cobros <cobros@example.com>' (env COBRO_SMTP_FROM)")
	tls := fs.String("smtp-tls", envOr("COBRO_SMTP_TLS", notify.TLSOpportunistic), "starttls (when offered), starttls-required, or tls (implicit) (env COBRO_SMTP_TLS)")
	user := fs.String("smtp-user", os.Getenv("COBRO_SMTP_USER"), "SMTP AUTH user (env COBRO_SMTP_USER; the password in COBRO_SMTP_PASSWORD)")
	hour := fs.String("dunning-hour", envOr("COBRO_DUNNING_HOUR", "9"), "hour of the company's business days the reminders run (0-23) (env COBRO_DUNNING_HOUR)")
	return func() (jobs.DunningConfig, error) {
		var cfg jobs.DunningConfig
		h, err := strconv.Atoi(*hour)
		if err != nil || h < 0 || h > 23 {
			return cfg, fmt.Errorf("--dunning-hour %q: must be an hour from 0 to 23", *hour)
		}
		cfg.Hour = time.Duration(h) * time.Hour
		if h == 0 {
			cfg.Hour = time.Minute // just after midnight, not the default
		}
		if *addr == "" {
			return cfg, nil
		}
		m, err := notify.NewMailer(notify.SMTPConfig{Addr: *addr, From: *from, TLS: *tls, Username: *user,
			Password: os.Getenv("COBRO_SMTP_PASSWORD")})
		if err != nil {
			return cfg, err
		}
		cfg.Mailer = m
		return cfg, nil
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// cmdDunning: cobro dunning run [--as-of DATE] [--dry-run].
func cmdDunning(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "run" {
		return fmt.Errorf("usage: cobro dunning run [--db DSN] [--as-of YYYY-MM-DD] [--dry-run]")
	}
	fs := newFlags(e, "dunning run")
	dsn := dbFlag(fs)
	asOf := fs.String("as-of", "", "the company's day to run for, YYYY-MM-DD (default: today)")
	dry := fs.Bool("dry-run", false, "only print what would be sent; record nothing")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	var o app.DunningOptions
	o.DryRun = *dry
	if *asOf != "" {
		d, err := civil.Parse(*asOf)
		if err != nil {
			return fmt.Errorf("--as-of %q: must be a date YYYY-MM-DD", *asOf)
		}
		o.AsOf = d
	}
	a, done, err := openApp(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	rep, err := a.RunDunning(ctx, auth.System("cli"), o)
	if err != nil {
		return err
	}
	for _, it := range rep.Items {
		line := fmt.Sprintf("%s\t%s\t%s\t%s", it.CustomerID, it.Step.Key, it.Step.Channel, it.State)
		switch {
		case it.State == "wait":
			line += "\tuntil " + it.Until.String()
		case it.Reason != "":
			line += "\t" + it.Reason
		default:
			for _, d := range it.Reminder.Documents {
				line += "\t" + d.Number
			}
		}
		fmt.Fprintln(e.stdout, line)
	}
	verb := "recorded"
	if rep.DryRun {
		verb = "would record"
	}
	fmt.Fprintf(e.stdout, "dunning %s: %d customers with open debts; %s %d emails, %d tasks, %d skipped; %d waiting; %d decided before\n",
		rep.AsOf, rep.Customers, verb, rep.Queued, rep.Tasks, rep.Skipped, rep.Waiting, rep.Done)
	return nil
}
