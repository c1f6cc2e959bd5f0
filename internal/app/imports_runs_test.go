package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/dbtest"
	"cobro/internal/jobs"
	"cobro/internal/store"
)

// pageCustomers is a customers file as the import page receives it: row 4
// has no currency, row 5 a bad one, row 6 is a total the mapping skips.
const pageCustomers = "Código cliente;Nombre;Moneda;Estado\n" +
	"P-1;Uno S.L.;EUR;\n" +
	"P-2;Dos S.L.;EUR;\n" +
	"P-3;Tres S.L.;;\n" +
	"P-4;Cuatro S.L.;XXX;\n" +
	"Total;;;Total\n"

// TestImportFromThePage: a file checked on the page is kept, applied by
// the background job with the same import the command line runs, and
// listed in the history with its counts and its rejected cells, which
// read in either language; the command line's imports are listed too.
func TestImportFromThePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := newApp(t, db)
		alba := auth.Actor{Name: "alba", Role: auth.Administration, Source: "127.0.0.1"}
		p, err := a.PreviewImport(ctx, alba, app.PreviewRequest{Kind: "customers", File: "clientes.csv", Data: []byte(pageCustomers)})
		if err != nil || p.UploadID == "" || p.Report == nil {
			t.Fatalf("preview %+v: %v", p, err)
		}
		mapping := []byte(`{"skip_when": {"Estado": ["Total"]}}`)
		// Checked again from the kept file, with a mapping: the total row is skipped.
		p, err = a.PreviewImport(ctx, alba, app.PreviewRequest{Kind: "customers", UploadID: p.UploadID, Mapping: mapping})
		if err != nil || p.Report == nil || p.Report.Rejected != 2 || p.Report.Inserted != 2 || p.Report.Skipped != 1 || p.File != "clientes.csv" {
			t.Fatalf("second check %+v %+v: %v", p, p.Report, err)
		}
		if _, err := a.ApplyImport(ctx, alba, app.ApplyRequest{UploadID: p.UploadID, Kind: "customers", Mapping: []byte(`{"columns": {"x": "nope"}}`)}); err == nil {
			t.Fatal("a bad mapping was queued")
		}
		if _, err := a.ApplyImport(ctx, auth.Actor{Name: "marta", Role: auth.Management}, app.ApplyRequest{UploadID: p.UploadID, Kind: "customers"}); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("management applied an import: %v", err)
		}
		run, err := a.ApplyImport(ctx, alba, app.ApplyRequest{UploadID: p.UploadID, Kind: "customers", Mapping: mapping})
		if err != nil {
			t.Fatal(err)
		}
		v, err := a.ImportProgress(ctx, alba, run)
		if err != nil || v.State != app.RunQueued || v.Source != app.SourcePage || v.File != "clientes.csv" || v.Actor != "alba" {
			t.Fatalf("queued run %+v: %v", v, err)
		}
		r := jobs.New(db, jobs.Config{Now: a.Now})
		jobs.Imports(r, a)
		if _, err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		v, err = a.ImportProgress(ctx, alba, run)
		if err != nil || v.ID != run || v.State != app.RunDone || v.Total != 4 || v.Rows != 4 || v.Inserted != 2 || v.Rejected != 2 ||
			v.Skipped != 1 || v.Applied() != 2 || v.Percent() != 100 {
			t.Fatalf("applied run %+v: %v", v, err)
		}
		if c, err := a.Customer(ctx, sys, "P-2"); err != nil || c.Name != "Dos S.L." {
			t.Fatalf("P-2 not imported: %+v %v", c, err)
		}
		errs, err := a.ImportRunErrors(ctx, alba, run, 100)
		if err != nil || len(errs) != 2 || errs[0].Line != 4 || errs[0].Column != "currency" || errs[1].Line != 5 {
			t.Fatalf("errors %v: %v", errs, err)
		}
		if en, es := errs[1].Reason("en"), errs[1].Reason("es"); en == es || !strings.Contains(es, "XXX") {
			t.Errorf("the reason in English %q and Spanish %q", en, es)
		}
		// The command line's import is in the history, newest first.
		if _, err := a.ImportCustomers(ctx, sys, strings.NewReader(pageCustomers), app.ImportOptions{File: "cli.csv"}); err != nil {
			t.Fatal(err)
		}
		h, err := a.ImportHistory(ctx, alba, 10)
		if err != nil || len(h) != 2 || h[0].File != "cli.csv" || h[0].Source != app.SourceCLI || h[0].Unchanged != 2 || h[0].State != app.RunDone ||
			h[1].ID != run {
			t.Fatalf("history %+v: %v", h, err)
		}
		if errs, err := a.ImportRunErrors(ctx, alba, h[0].ID, 100); err != nil || len(errs) != 4 {
			t.Fatalf("the command line's errors (the total row too): %v %v", errs, err)
		}
		// An atomic import with rejected rows is listed, applying nothing.
		if _, err := a.ImportCustomers(ctx, sys, strings.NewReader(pageCustomers), app.ImportOptions{File: "atomic.csv", Atomic: true}); !errors.Is(err, app.ErrAtomicRejected) {
			t.Fatal(err)
		}
		h, _ = a.ImportHistory(ctx, alba, 1)
		if len(h) != 1 || h[0].File != "atomic.csv" || h[0].State != app.RunFailed || h[0].Applied() != 0 || h[0].Rejected != 3 || h[0].ErrorCode != "atomic_rejected" {
			t.Fatalf("atomic run %+v", h)
		}
	})
}

// TestImportJobFileError: a file the import cannot read ends its run
// failed with the file's error, and the job is not retried; a kept file
// is purged after app.UploadRetention.
func TestImportJobFileError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, clk := newApp(t, db)
		p, err := a.PreviewImport(ctx, sys, app.PreviewRequest{Kind: "documents", File: "x.csv", Data: []byte("a;b\n1;2\n")})
		if err != nil || p.Problem == nil {
			t.Fatalf("preview %+v: %v", p, err)
		}
		run, err := a.ApplyImport(ctx, sys, app.ApplyRequest{UploadID: p.UploadID, Kind: "documents"})
		if err != nil {
			t.Fatal(err)
		}
		r := jobs.New(db, jobs.Config{Now: a.Now})
		jobs.Imports(r, a)
		if n, err := r.RunDue(ctx); err != nil || n < 1 {
			t.Fatal(n, err)
		}
		v, err := a.ImportProgress(ctx, sys, run)
		if err != nil || v.State != app.RunFailed || v.ErrorCode != "missing_column" {
			t.Fatalf("run %+v: %v", v, err)
		}
		b, err := a.Jobs(ctx, sys, "dead", 10)
		if err != nil || len(b.Jobs) != 1 || b.Jobs[0].Kind != app.JobImport || b.Jobs[0].Attempts != 1 {
			t.Fatalf("the job: %+v %v", b.Jobs, err)
		}
		clk.add(app.UploadRetention + time.Hour)
		if n, err := a.PurgeUploads(ctx); err != nil || n != 1 {
			t.Fatalf("purged %d: %v", n, err)
		}
		if _, err := a.ApplyImport(ctx, sys, app.ApplyRequest{UploadID: p.UploadID, Kind: "documents"}); err == nil {
			t.Fatal("a purged file was queued")
		}
		if v, err := a.ImportProgress(ctx, sys, run); err != nil || v.State != app.RunFailed {
			t.Fatalf("the run outlives its file: %+v %v", v, err)
		}
	})
}

// TestSavedMappings: a mapping saved under a name reads a later upload.
func TestSavedMappings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := newApp(t, db)
		if err := a.SaveMapping(ctx, sys, "", "customers", []byte(`{}`)); err == nil {
			t.Error("a mapping without a name was saved")
		}
		if err := a.SaveMapping(ctx, sys, "ERP", "customers", []byte(`{"columns": {"x": "nope"}}`)); err == nil {
			t.Error("a bad mapping was saved")
		}
		if err := a.SaveMapping(ctx, sys, "Nuestro ERP", "customers", []byte(`{"skip_when": {"Estado": ["Total"]}}`)); err != nil {
			t.Fatal(err)
		}
		list, err := a.SavedMappings(ctx, sys)
		if err != nil || len(list) != 1 || list[0].Name != "Nuestro ERP" || !strings.Contains(string(list[0].Mapping), "skip_when") {
			t.Fatalf("saved %+v: %v", list, err)
		}
		p, err := a.PreviewImport(ctx, sys, app.PreviewRequest{Kind: "customers", File: "c.csv", Data: []byte(pageCustomers), Preset: app.SavedPrefix + "Nuestro ERP"})
		if err != nil || p.Report == nil || p.Report.Skipped != 1 || !strings.Contains(string(p.Mapping), "skip_when") {
			t.Fatalf("preview with the saved mapping %+v: %v", p, err)
		}
		if _, err := a.PreviewImport(ctx, sys, app.PreviewRequest{Kind: "customers", File: "c.csv", Data: []byte(pageCustomers), Preset: app.SavedPrefix + "other"}); err == nil {
			t.Fatal("an unknown saved mapping was used")
		}
	})
}

// TestImportJobAttempts: an attempt stopped before it starts leaves the
// queued run to the next one; an attempt after a run already started (a
// server that died after committing) records a run of its own, and the
// first keeps what it applied.
func TestImportJobAttempts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := newApp(t, db)
		var b strings.Builder
		b.WriteString("customer_id;name;currency\n")
		for i := range 5 {
			b.WriteString("I-" + string(rune('0'+i)) + ";Cliente;EUR\n")
		}
		p, err := a.PreviewImport(ctx, sys, app.PreviewRequest{Kind: "customers", File: "c.csv", Data: []byte(b.String())})
		if err != nil {
			t.Fatal(err)
		}
		run, err := a.ApplyImport(ctx, sys, app.ApplyRequest{UploadID: p.UploadID, Kind: "customers"})
		if err != nil {
			t.Fatal(err)
		}
		queued, err := a.Jobs(ctx, sys, "queued", 10)
		if err != nil || len(queued.Jobs) != 1 {
			t.Fatal(queued, err)
		}
		job := app.ImportJob{ID: queued.Jobs[0].ID, Payload: jobPayload(t, db, queued.Jobs[0].ID)}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := a.RunImportJob(cctx, job); err == nil || app.FinalImportError(err) {
			t.Fatalf("a cancelled attempt: %v", err)
		}
		if v, err := a.ImportProgress(ctx, sys, run); err != nil || v.State != app.RunQueued {
			t.Fatalf("after the stop %+v: %v", v, err)
		}
		if err := a.RunImportJob(ctx, job); err != nil {
			t.Fatal(err)
		}
		if v, err := a.ImportProgress(ctx, sys, run); err != nil || v.ID != run || v.State != app.RunDone || v.Inserted != 5 || v.Total != 5 {
			t.Fatalf("the attempt that ran %+v: %v", v, err)
		}
		if err := a.RunImportJob(ctx, job); err != nil {
			t.Fatal(err)
		}
		h, err := a.ImportHistory(ctx, sys, 10)
		if err != nil || len(h) != 2 || h[0].ID == run || h[0].Unchanged != 5 || h[0].Inserted != 0 || h[1].ID != run || h[1].Inserted != 5 {
			t.Fatalf("history %+v: %v", h, err)
		}
	})
}

// jobPayload reads a job's payload from the store.
func jobPayload(t *testing.T, db *store.DB, id string) string {
	t.Helper()
	list, err := db.Jobs(context.Background(), store.JobFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range list {
		if j.ID == id {
			return j.Payload
		}
	}
	t.Fatalf("no job %s", id)
	return ""
}
