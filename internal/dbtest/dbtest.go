// Package dbtest runs a test against every database cobro supports: a
// fresh SQLite file, and a fresh schema on the PostgreSQL server named by
// COBRO_TEST_POSTGRES. Without that variable the PostgreSQL half is skipped
// with a message on stderr, unless CI=true, where it fails.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"cobro/internal/store"
)

// EnvPostgres names the variable holding the test server's URL.
const EnvPostgres = "COBRO_TEST_POSTGRES"

var warnOnce sync.Once

// Each runs fn as subtests "sqlite" and "postgres", each with a migrated
// empty database that is removed afterwards.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) { fn(t, Open(t, kind)) })
	}
}

// Open returns a migrated empty database of kind ("sqlite" or
// "postgres"), closed and removed when the test ends.
func Open(t testing.TB, kind string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), DSN(t, kind))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// DSN returns the DSN of a fresh, empty database of kind ("sqlite" or
// "postgres"), dropped when the test ends. It skips (or fails under CI)
// when PostgreSQL is asked for but not configured.
func DSN(t testing.TB, kind string) string {
	t.Helper()
	if kind == "sqlite" {
		return "sqlite:" + filepath.Join(t.TempDir(), "cobro.db")
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: PostgreSQL is required under CI (scripts/test.sh starts one)", EnvPostgres)
		}
		warnOnce.Do(func() {
			msg := fmt.Sprintf("dbtest: %s not set: PostgreSQL tests SKIPPED in %s (run scripts/test.sh for both databases)\n",
				EnvPostgres, filepath.Base(os.Args[0]))
			fmt.Fprint(os.Stderr, msg)
			// go test ./... shows nothing of a passing package's output, so
			// the warning also goes to the terminal when there is one.
			if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
				fmt.Fprint(tty, msg)
				tty.Close()
			}
		})
		t.Skipf("%s not set: PostgreSQL skipped", EnvPostgres)
	}
	schema := "t_" + randomHex(6)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
