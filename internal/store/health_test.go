package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cobro/internal/dbtest"
	"cobro/internal/ledger"
	"cobro/internal/store"
)

// saveCompany is a write of the kind every change makes.
func saveCompany(ctx context.Context, db *store.DB) error {
	return db.Write(ctx, func(tx *store.Tx) error {
		return tx.SaveCompany(ctx, ledger.Company{Name: "X", Currency: "EUR", TimeZone: "Europe/Madrid", Language: "es"}, day("2026-11-23"))
	})
}

// TestStorageUnavailableSQLite fills the disk under a SQLite database, then
// makes its file system read-only: writes and the write probe fail with
// ErrUnavailable (not as any other error), reads go on.
func TestStorageUnavailableSQLite(t *testing.T) {
	ctx := context.Background()
	dir := dbtest.SmallDisk(t, 4<<20)
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "cobro.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Writable(ctx, time.Now()); err != nil {
		t.Fatalf("a fresh database must be writable: %v", err)
	}
	if err := saveCompany(ctx, db); err != nil {
		t.Fatal(err)
	}
	dbtest.Fill(t, dir)
	// The WAL may still have room in pages it already holds: write until
	// the disk refuses (at most what the disk holds).
	var werr error
	big := strings.Repeat("x", 16<<10)
	for i := 0; i < 1000 && werr == nil; i++ {
		werr = db.Write(ctx, func(tx *store.Tx) error {
			return tx.InsertCustomer(ctx, ledger.Customer{ID: fmt.Sprint("C-", i), Name: big, Currency: "EUR"}, time.Now())
		})
	}
	if !errors.Is(werr, store.ErrUnavailable) {
		t.Fatalf("a write on a full disk: want ErrUnavailable, got %v", werr)
	}
	if _, err := company(ctx, db); err != nil {
		t.Fatalf("reads go on when the disk is full: %v", err)
	}

}

// TestReadOnlySQLite: a database file that cannot be written (immutable:
// root cannot write it either) reads, and fails every write and the write
// probe with ErrUnavailable; on a read-only mount, SQLite cannot even open
// it (it needs its -shm file), and says so as ErrUnavailable.
func TestReadOnlySQLite(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "cobro.db")
	db, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := saveCompany(ctx, db); err != nil {
		t.Fatal(err)
	}
	db.Close()

	t.Run("mount", func(t *testing.T) {
		_, err := store.Open(ctx, "sqlite:"+filepath.Join(dbtest.ReadOnly(t, dir), "cobro.db"))
		if !errors.Is(err, store.ErrUnavailable) {
			t.Fatalf("open on a read-only mount: want ErrUnavailable, got %v", err)
		}
	})
	t.Run("file", func(t *testing.T) {
		dbtest.Immutable(t, path)
		ro, err := store.Open(ctx, "sqlite:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		if _, err := company(ctx, ro); err != nil {
			t.Fatalf("reads work on a read-only file: %v", err)
		}
		if err := saveCompany(ctx, ro); !errors.Is(err, store.ErrUnavailable) {
			t.Fatalf("a write on a read-only file: want ErrUnavailable, got %v", err)
		}
		if err := ro.Writable(ctx, time.Now()); !errors.Is(err, store.ErrUnavailable) {
			t.Fatalf("write probe on a read-only file: want ErrUnavailable, got %v", err)
		}
	})
}

// TestStorageUnavailablePostgres opens a database whose sessions are
// read-only (default_transaction_read_only, as on a hot standby or a
// database an operator locked).
func TestStorageUnavailablePostgres(t *testing.T) {
	ctx := context.Background()
	dsn := dbtest.DSN(t, "postgres")
	rw, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if err := rw.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rw.Writable(ctx, time.Now()); err != nil {
		t.Fatalf("a fresh database must be writable: %v", err)
	}
	u, _ := url.Parse(dsn)
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	u.RawQuery = q.Encode()
	ro, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Writable(ctx, time.Now()); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("write probe on a read-only database: want ErrUnavailable, got %v", err)
	}
	if err := saveCompany(ctx, ro); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("a write on a read-only database: want ErrUnavailable, got %v", err)
	}
	// A statement's own error is not the storage's.
	err = rw.Write(ctx, func(tx *store.Tx) error {
		c := ledger.Customer{ID: "C-1", Name: "X", Currency: "EUR"}
		if err := tx.InsertCustomer(ctx, c, time.Now()); err != nil {
			return err
		}
		return tx.InsertCustomer(ctx, c, time.Now())
	})
	if err == nil || errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("a unique violation is not the storage's: %v", err)
	}
}

// TestUnreachablePostgres: a PostgreSQL server that does not answer is
// the storage's failure too.
func TestUnreachablePostgres(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = store.Open(ctx, "postgres://cobro@"+addr+"/cobro?connect_timeout=5")
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("open an unreachable server: want ErrUnavailable, got %v", err)
	}
}

// TestReadOnlyPostgresDatabase: a database an operator made read-only
// (ALTER DATABASE … SET default_transaction_read_only = on) after it was
// migrated: every new session of cobro's is read-only.
func TestReadOnlyPostgresDatabase(t *testing.T) {
	base := dbtest.DSN(t, "postgres") // skips (or fails under CI) without PostgreSQL
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("t_ro_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop the test database %s: %v", name, err)
		}
		admin.Close()
	})
	u, _ := url.Parse(base)
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	rw, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rw.Close()
	if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+name+" SET default_transaction_read_only = on"); err != nil {
		t.Fatal(err)
	}
	ro, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := company(ctx, ro); err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reads work on a read-only database: %v", err)
	}
	if err := ro.Writable(ctx, time.Now()); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("write probe on a read-only database: want ErrUnavailable, got %v", err)
	}
	if err := saveCompany(ctx, ro); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("a write on a read-only database: want ErrUnavailable, got %v", err)
	}
}

func company(ctx context.Context, db *store.DB) (ledger.Company, error) {
	var c ledger.Company
	err := db.Read(ctx, func(tx *store.Tx) error {
		var err error
		c, _, err = tx.Company(ctx, false)
		return err
	})
	return c, err
}

// TestMigrateHowToPay: the one how-to-pay text of a profile before
// migration 13 becomes the text of the company's language, and back.
func TestMigrateHowToPay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.MigrateDownTo(ctx, 12); err != nil {
			t.Fatal(err)
		}
		if err := db.RawExec(ctx, `INSERT INTO company (id, name, currency, time_zone, language, how_to_pay, figures_as_of)
			VALUES (1, 'X', 'EUR', 'Europe/London', 'en', 'Bank transfer', '2026-11-23')`); err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		c, err := company(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if c.HowToPayEN != "Bank transfer" || c.HowToPayES != "" {
			t.Fatalf("after migration 13: en %q es %q", c.HowToPayEN, c.HowToPayES)
		}
		if err := db.MigrateDownTo(ctx, 12); err != nil {
			t.Fatalf("down: %v", err)
		}
	})
}
