package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"cobro/internal/auth"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// Env is where a session's databases live.
type Env struct {
	Kind    string // "sqlite" or "postgres"
	PG      string // PostgreSQL server URL (postgres only)
	TempDir string
	schemas []string // created on PostgreSQL, dropped by Cleanup
}

// FreshDSN returns the DSN of a new empty database of the env's kind: a
// file on SQLite, a schema of its own on PostgreSQL.
func (e *Env) FreshDSN(ctx context.Context, name string) (string, error) {
	if e.Kind == "sqlite" {
		return "sqlite:" + filepath.Join(e.TempDir, name+"-"+randomHex()+".db"), nil
	}
	admin, err := sql.Open("pgx", e.PG)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	schema := "bench_" + name + "_" + randomHex()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", err
	}
	e.schemas = append(e.schemas, schema)
	u, err := url.Parse(e.PG)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Drop removes a database FreshDSN made.
func (e *Env) Drop(ctx context.Context, dsn string) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(path + suffix)
		}
		return
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return
	}
	schema := u.Query().Get("search_path")
	if !slices.Contains(e.schemas, schema) {
		return
	}
	admin, err := sql.Open("pgx", e.PG)
	if err != nil {
		return
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err == nil {
		e.schemas = slices.DeleteFunc(e.schemas, func(s string) bool { return s == schema })
	}
}

// Cleanup drops the schemas this env created on PostgreSQL (files go
// with the run's temporary directory).
func (e *Env) Cleanup(ctx context.Context) {
	if e.Kind != "postgres" || len(e.schemas) == 0 {
		return
	}
	admin, err := sql.Open("pgx", e.PG)
	if err != nil {
		return
	}
	defer admin.Close()
	for _, s := range e.schemas {
		_, _ = admin.ExecContext(ctx, "DROP SCHEMA "+s+" CASCADE")
	}
	e.schemas = nil
}

func randomHex() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// freshMigrated returns a new empty database with cobro's schema: the
// real migrations, so the same tables and the same indexes.
func (e *Env) freshMigrated(ctx context.Context, name string) (string, error) {
	dsn, err := e.FreshDSN(ctx, name)
	if err != nil {
		return "", err
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return "", err
	}
	defer db.Close()
	return dsn, db.Migrate(ctx)
}

// freshOurs is freshMigrated with the company set up, as cobro's first
// run leaves it, ready for an import.
func (s *Session) freshOurs(ctx context.Context) (string, error) {
	dsn, err := s.freshMigrated(ctx, "ours")
	if err != nil {
		return "", err
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return "", err
	}
	defer db.Close()
	return dsn, newApp(db, s.Data).SaveCompany(ctx, auth.System("bench"),
		ledger.Company{Name: "Bench", Currency: "EUR", TimeZone: "UTC", Language: "es"})
}

// sqliteDSN opens a SQLite file the way internal/store/dialect.go opens its
// write connection (the store does not hand its pool out): the same
// driver, WAL, synchronous=FULL, foreign keys, BEGIN IMMEDIATE. Keep the
// two in step.
func sqliteDSN(path string) string {
	return path + "?_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=1&_synchronous=FULL&_txlock=immediate&_pragma=cache_size(-65536)&_pragma=wal_autocheckpoint(10000)"
}

// rawDB opens dsn with database/sql directly, bypassing the store: the
// baselines' connection.
func rawDB(dsn string) (*sql.DB, error) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		db, err := sql.Open("sqlite", sqliteDSN(path))
		if err == nil {
			db.SetMaxOpenConns(1)
		}
		return db, err
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("synchronous_commit", "on") // as the store does
	u.RawQuery = q.Encode()
	return sql.Open("pgx", u.String())
}

// Machine is what the figures were measured on.
type Machine struct {
	CPUs     int    `json:"cpus"`
	MemTotal string `json:"mem_total"`
	Go       string `json:"go"`
	Commit   string `json:"commit,omitempty"`
	SQLite   string `json:"sqlite,omitempty"`
	Postgres string `json:"postgres,omitempty"`
}

func machine(ctx context.Context, cfg Config) Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), MemTotal: memTotal()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				m.Commit = s.Value
			}
		}
	}
	if m.Commit == "" {
		if out, err := exec.CommandContext(ctx, "git", "rev-parse", "--short", "HEAD").Output(); err == nil {
			m.Commit = strings.TrimSpace(string(out))
		}
	}
	if db, err := sql.Open("sqlite", ":memory:"); err == nil {
		_ = db.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&m.SQLite)
		db.Close()
	}
	if cfg.PG != "" && slices.Contains(cfg.Kinds, "postgres") {
		if db, err := sql.Open("pgx", cfg.PG); err == nil {
			var fsync, sc string
			if db.QueryRowContext(ctx, "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')").
				Scan(&m.Postgres, &fsync, &sc) == nil {
				m.Postgres += fmt.Sprintf(" (fsync=%s, synchronous_commit=%s)", fsync, sc)
			}
			db.Close()
		}
	}
	return m
}

func memTotal() string {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
			return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	return ""
}

func newTempDir() (string, error) { return os.MkdirTemp("", "cobro-bench-") }

func removeAll(dir string) { _ = os.RemoveAll(dir) }

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// interleaved times n calls of ours and of base, alternating, after a
// warm-up of each, and returns both sorted: the two see the same machine.
func interleaved(n int, ours, base func(i int) error) (o, b []time.Duration, err error) {
	for i := 0; i < min(n/20+1, 50); i++ {
		if err := ours(-1 - i); err != nil {
			return nil, nil, err
		}
		if err := base(-1 - i); err != nil {
			return nil, nil, err
		}
	}
	o, b = make([]time.Duration, n), make([]time.Duration, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		if err := ours(i); err != nil {
			return nil, nil, err
		}
		o[i] = time.Since(start)
		start = time.Now()
		if err := base(i); err != nil {
			return nil, nil, err
		}
		b[i] = time.Since(start)
	}
	slices.Sort(o)
	slices.Sort(b)
	return o, b, nil
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[int(float64(len(d)-1)*p)]
}

func msf(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
