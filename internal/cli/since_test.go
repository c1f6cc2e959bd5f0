package cli

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"cobro/internal/store"
)

// cobro company --since records when the company was set up, the
// earliest a collection may be dated.
func TestCompanySince(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	if code, out, errs := run(t, "", "company", "--db", db, "--name", "Levante S.L.", "--since", "2026-01-15"); code != 0 {
		t.Fatalf("company: %d %s %s", code, out, errs)
	}
	if code, _, errs := run(t, "", "company", "--db", db, "--name", "Levante S.L.", "--since", "15/01/2026"); code == 0 || errs == "" {
		t.Fatalf("a bad --since must fail: %d %s", code, errs)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got time.Time
	if err := s.Read(ctx, func(tx *store.Tx) error { got, err = tx.CompanySetUp(ctx); return err }); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("set up %v, want %v", got, want)
	}
}
