package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// TestBackupWhileWriting backs up a SQLite database while collections are
// recorded into it: every backup is a database whose ledger is consistent
// (cobro check), holding the collections committed before it.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "c.db")
	if code, out, errs := run(t, "", "company", "--db", db, "--name", "Levante S.L.", "--currency", "EUR"); code != 0 {
		t.Fatalf("company: %d %s %s", code, out, errs)
	}
	custs := write(t, dir, "customers.csv", "customer_id;name;currency;agent\nC-1;Ferretería Núñez;EUR;AG1\n")
	var docs strings.Builder
	docs.WriteString("document_id;customer_id;kind;issue_date;due_date;currency;amount;open_amount\n")
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&docs, "F-%d;C-1;invoice;01/10/2026;01/12/2026;EUR;100,00;100,00\n", i)
	}
	for _, imp := range [][]string{{"customers", custs}, {"documents", write(t, dir, "docs.csv", docs.String())}} {
		if code, out, errs := run(t, "", "import", imp[0], imp[1], "--db", db); code != 0 {
			t.Fatalf("import %s: %d %s %s", imp[0], code, out, errs)
		}
	}

	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := app.New(s)
	var recorded atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; i < 400; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_, _, err := a.RecordCollection(ctx, auth.System("t"), app.Idem{Key: fmt.Sprint("k", i), Hash: "h"}, app.CollectionRequest{
				CustomerID: "C-1", Amount: eur(4000), Instrument: instrument("cash"),
				Allocations: []app.AllocationRequest{{DocumentID: fmt.Sprint("F-", i), Amount: eur(4000)}}})
			if err != nil {
				t.Errorf("collection %d: %v", i, err)
				return
			}
			recorded.Add(1)
		}
	})
	for recorded.Load() < 5 {
		runtime.Gosched()
	}
	for i := 0; i < 3; i++ {
		before := recorded.Load()
		file := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		code, out, errs := run(t, "", "backup", "--db", db, file)
		if code != 0 || !strings.Contains(out, "Backup written to "+file) {
			t.Fatalf("backup: %d %s %s", code, out, errs)
		}
		if code, out, errs := run(t, "", "check", "--db", "sqlite:"+file); code != 0 || !strings.Contains(out, "every invariant holds") {
			t.Fatalf("the backup taken while writing is not consistent: %d %s %s", code, out, errs)
		}
		n := collections(t, "sqlite:"+file)
		if n < before {
			t.Errorf("backup %d holds %d collections; %d were committed before it started", i, n, before)
		}
		if matches, _ := filepath.Glob(file + ".partial-*"); len(matches) > 0 {
			t.Errorf("a temporary file is left behind: %v", matches)
		}
	}
	close(stop)
	wg.Wait()
	if recorded.Load() == 400 {
		t.Log("the writer finished before the backups: they did not overlap writes")
	}

	// An existing file is never overwritten; no database is created.
	keep := write(t, dir, "keep.db", "precious")
	if code, _, errs := run(t, "", "backup", "--db", db, keep); code == 0 || !strings.Contains(errs, "exists") {
		t.Errorf("backup over an existing file: %d %s", code, errs)
	}
	if b, _ := os.ReadFile(keep); string(b) != "precious" {
		t.Error("backup overwrote an existing file")
	}
	missing := filepath.Join(dir, "missing.db")
	if code, _, errs := run(t, "", "backup", "--db", "sqlite:"+missing, filepath.Join(dir, "b.db")); code == 0 || !strings.Contains(errs, "no database") {
		t.Errorf("backup of a missing database: %d %s", code, errs)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("backup created the database it was asked to copy")
	}
}

func collections(t *testing.T, dsn string) int64 {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := app.New(s)
	page, err := a.Collections(context.Background(), auth.System("t"), app.CollectionQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return int64(len(page.Items))
}

// TestBackupPostgres: cobro says pg_dump is the tool, prints the command
// for the DSN and exits non-zero; the command as printed works.
func TestBackupPostgres(t *testing.T) {
	dsn := dbtest.DSN(t, "postgres")
	if code, out, errs := run(t, "", "migrate", "--db", dsn); code != 0 {
		t.Fatalf("migrate: %d %s %s", code, out, errs)
	}
	file := filepath.Join(t.TempDir(), "cobro.dump")
	code, out, errs := run(t, "", "backup", "--db", dsn, file)
	if code == 0 || !strings.Contains(errs, "pg_dump") {
		t.Fatalf("backup on PostgreSQL: want a non-zero exit naming pg_dump, got %d %s %s", code, out, errs)
	}
	var cmd string
	for _, l := range strings.Split(errs, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "pg_dump ") {
			cmd = l
		}
	}
	if !strings.Contains(cmd, "--format=custom") || !strings.Contains(cmd, "--schema=") {
		t.Fatalf("no pg_dump command for the DSN's schema:\n%s", errs)
	}
	if _, err := exec.LookPath("pg_dump"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pg_dump is required under CI")
		}
		t.Skip("pg_dump not installed")
	}
	if out, err := exec.Command("sh", "-c", cmd).CombinedOutput(); err != nil {
		t.Fatalf("the printed command fails: %v\n%s\n%s", err, cmd, out)
	}
	list, err := exec.Command("pg_restore", "--list", file).CombinedOutput()
	if err != nil || !strings.Contains(string(list), "TABLE") || !strings.Contains(string(list), "customers") {
		t.Fatalf("pg_restore --list of the dump: %v\n%s", err, list)
	}
}
