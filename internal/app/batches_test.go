package app_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/dbtest"
	"cobro/internal/store"
)

// The file is read a batch ahead of the writes; what an import applies
// and reports must be what reading and writing in turn would: a file
// that fails to read keeps the batches before the failure and applies no
// partial one, and a batch that fails stops the reading.
func TestImportBatchesAroundFailures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _ := world(t, db)
		row := func(id, due string) string {
			return fmt.Sprintf("%s,C1,invoice,N-%s,2026-10-01,%s,EUR,100.00,100.00,\n", id, id, due)
		}
		var f strings.Builder
		f.WriteString("document_id,customer_id,kind,number,issue_date,due_date,currency,amount,open_amount,status\n")
		for i := 1; i <= 7; i++ {
			f.WriteString(row(fmt.Sprintf("B-%d", i), "2026-12-01"))
		}
		f.WriteString(row("B-8", "not a date")) // rejected
		for i := 9; i <= 11; i++ {
			f.WriteString(row(fmt.Sprintf("B-%d", i), "2026-12-01"))
		}
		// A record longer than any row may be stops the file.
		f.WriteString(`B-12,C1,invoice,"` + strings.Repeat("x", 2<<20) + "\"\n")
		f.WriteString(row("B-13", "2026-12-01"))

		var progress []int
		rep, err := a.ImportDocuments(ctx, sys, strings.NewReader(f.String()), app.ImportOptions{File: "b.csv", Format: "csv",
			BatchSize: 3, Progress: func(r app.ImportReport) { progress = append(progress, r.Inserted) }})
		if err == nil {
			t.Fatal("a file that fails to read imported without an error")
		}
		// B-1..B-7, B-9, B-10 in three batches; B-11 was the start of a
		// fourth, which the failure leaves out.
		if rep.Inserted != 9 || rep.Rejected != 1 || rep.Rows != 11 || fmt.Sprint(progress) != "[3 6 9]" {
			t.Errorf("report %+v, progress %v", rep, progress)
		}
		page, err := a.CustomerDocuments(ctx, sys, "C1", false, "", 200)
		if err != nil {
			t.Fatal(err)
		}
		stored := map[string]bool{}
		for _, d := range page.Items {
			stored[d.ID] = true
		}
		for i := 1; i <= 13; i++ {
			id := fmt.Sprintf("B-%d", i)
			if want := i <= 10 && i != 8; stored[id] != want {
				t.Errorf("%s stored: %v, want %v", id, stored[id], want)
			}
		}
		checkClean(t, a)

		// A batch that fails (here: the import is cancelled by its second
		// batch) stops the reader, and nothing after it is applied.
		var g strings.Builder
		g.WriteString("document_id,customer_id,kind,number,issue_date,due_date,currency,amount,open_amount,status\n")
		for i := 1; i <= 300; i++ {
			g.WriteString(row(fmt.Sprintf("K-%d", i), "2026-12-01"))
		}
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		rep, err = a.ImportDocuments(cctx, sys, strings.NewReader(g.String()), app.ImportOptions{File: "k.csv", Format: "csv",
			BatchSize: 10, Progress: func(app.ImportReport) { cancel() }})
		if !errors.Is(err, context.Canceled) || rep.Inserted != 10 {
			t.Fatalf("cancelled import: %v, %+v", err, rep)
		}
		checkClean(t, a)
	})
}

// TestImportReaderStopsWhenApplyingPanics: the reader a batch ahead must
// not be left waiting forever (with the file open) when applying a batch
// panics and the panic is recovered above the import, as the server does.
func TestImportReaderStopsWhenApplyingPanics(t *testing.T) {
	a, _, _ := world(t, dbtest.Open(t, "sqlite"))
	var f strings.Builder
	f.WriteString("document_id,customer_id,kind,number,issue_date,due_date,currency,amount,open_amount,status\n")
	for i := range 50 {
		fmt.Fprintf(&f, "P-%d,C1,invoice,N-%d,2026-10-01,2026-12-01,EUR,1.00,1.00,\n", i, i)
	}
	readers := func() int {
		buf := make([]byte, 1<<20)
		return strings.Count(string(buf[:runtime.Stack(buf, true)]), "internal/app.batches[")
	}
	func() {
		defer func() { _ = recover() }()
		_, _ = a.ImportDocuments(context.Background(), sys, strings.NewReader(f.String()), app.ImportOptions{File: "p.csv", Format: "csv",
			BatchSize: 1, Progress: func(app.ImportReport) { panic("boom") }})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for readers() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the import's reader goroutine was left behind")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
