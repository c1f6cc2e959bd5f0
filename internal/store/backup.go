package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrBackupElsewhere is Backup on PostgreSQL: its backups are pg_dump's
// (PgDumpCommand says how).
var ErrBackupElsewhere = errors.New("store: PostgreSQL is backed up with pg_dump, not by cobro")

// Backup writes a consistent copy of a SQLite database to file, while
// the database serves: VACUUM INTO reads one snapshot (writers go on in
// the WAL meanwhile) and writes a compact database, WAL included, which
// a copy of the .db file alone would not be. The copy is written beside
// file under a temporary name, synced, checked (PRAGMA quick_check) and
// only then renamed to file, so file is either the whole backup or
// absent. An existing file is never overwritten.
func (db *DB) Backup(ctx context.Context, file string) error {
	if db.dialect.name() != "sqlite" {
		return ErrBackupElsewhere
	}
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("store: backup: %s exists; give a new file name", file)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: backup: %w", err)
	}
	tmp, err := tempName(file)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	// A connection of its own, not the writer's: the snapshot is a read,
	// and the writer keeps serving.
	conn, err := sql.Open("sqlite", sqlitePath(db.dsn)+"?_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, tmp); err != nil {
		return db.unavailable(fmt.Errorf("store: backup into %s: %w", file, err))
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := quickCheck(ctx, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, file); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return syncFile(filepath.Dir(file))
}

// tempName is a name beside file that does not exist yet (VACUUM INTO
// refuses an existing file).
func tempName(file string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(file), filepath.Base(file)+".partial-*")
	if err != nil {
		return "", fmt.Errorf("store: backup: %w", err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return "", fmt.Errorf("store: backup: %w", err)
	}
	return name, nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("store: backup: sync %s: %w", path, err)
	}
	return nil
}

// quickCheck opens a backup and has SQLite check its structure.
func quickCheck(ctx context.Context, path string) error {
	c, err := sql.Open("sqlite", path)
	if err != nil {
		return fmt.Errorf("store: backup check: %w", err)
	}
	defer c.Close()
	var res string
	if err := c.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil {
		return fmt.Errorf("store: backup check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("store: backup check: the copy is damaged: %s", res)
	}
	return nil
}

// libpqParams are the URL parameters pg_dump (libpq) knows; the others in
// a cobro DSN are pgx's or the session's and pg_dump would refuse them.
var libpqParams = map[string]bool{"sslmode": true, "sslrootcert": true, "sslcert": true, "sslkey": true,
	"sslpassword": true, "sslnegotiation": true, "connect_timeout": true, "application_name": true,
	"target_session_attrs": true, "passfile": true, "options": true, "host": true, "port": true,
	"user": true, "dbname": true, "channel_binding": true, "gssencmode": true, "krbsrvname": true}

// PgDumpCommand is the pg_dump command that backs up the PostgreSQL
// database of dsn into file (custom format, for pg_restore), and whether
// the DSN's password was left out of it (pg_dump then takes it from
// PGPASSWORD or ~/.pgpass, not from a command line the shell history and
// the process list keep).
func PgDumpCommand(dsn, file string) (cmd string, noPassword bool, err error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", false, fmt.Errorf("store: not a postgres:// DSN")
	}
	args := []string{"pg_dump", "--format=custom", "--file=" + shellQuote(file)}
	q := u.Query()
	if sp := q.Get("search_path"); sp != "" {
		for _, s := range strings.Split(sp, ",") {
			args = append(args, "--schema="+shellQuote(strings.TrimSpace(s)))
		}
	}
	keep := url.Values{}
	for k, v := range q {
		if libpqParams[k] {
			keep[k] = v
		}
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			noPassword = true
			u.User = url.User(u.User.Username())
		}
	}
	u.RawQuery = encodeSorted(keep)
	args = append(args, "--dbname="+shellQuote(u.String()))
	return strings.Join(args, " "), noPassword, nil
}

func encodeSorted(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, x := range v[k] {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(x))
		}
	}
	return strings.Join(parts, "&")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@=,+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
