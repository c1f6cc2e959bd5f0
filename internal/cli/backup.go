package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"cobro/internal/i18n"
	"cobro/internal/store"
)

// cmdBackup: cobro backup [--db DSN] FILE. On SQLite, a consistent copy
// while the database serves (store.DB.Backup); on PostgreSQL, the
// pg_dump command that does it, and a non-zero exit, since cobro does not.
func cmdBackup(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "backup")
	dsn := dbFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("usage: cobro backup [--db DSN] FILE")
	}
	file, lang := pos[0], i18n.Lang(userLang())
	if !strings.HasPrefix(*dsn, "sqlite:") {
		cmd, noPassword, err := store.PgDumpCommand(*dsn, file)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stderr, i18n.T(lang, "cli.backup_postgres"))
		fmt.Fprintf(e.stderr, "\n  %s\n\n", cmd)
		if noPassword {
			fmt.Fprintln(e.stderr, i18n.T(lang, "cli.backup_postgres_password"))
		}
		return exitCode(2)
	}
	path := strings.TrimPrefix(*dsn, "sqlite:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	// Never create the database being backed up.
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no database at %s", path)
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, file); err != nil {
		return err
	}
	fi, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, i18n.T(lang, "cli.backup_done", "file", file, "mib", fmt.Sprintf("%.1f", float64(fi.Size())/(1<<20))))
	return nil
}
