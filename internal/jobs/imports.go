package jobs

import (
	"context"
	"time"

	"cobro/internal/app"
)

// KindPurgeUploads forgets the files the import page kept longer than
// app.UploadRetention, daily.
const KindPurgeUploads = "imports.purge_uploads"

// Imports registers on r the import page's background work: applying an
// uploaded file (app.JobImport, queued by app.ApplyImport; a failure that
// another attempt would meet again is not retried) and forgetting old
// uploads.
func Imports(r *Runner, a *app.App) {
	r.Register(Kind{Name: app.JobImport, MaxAttempts: app.ImportJobAttempts, Handle: func(ctx context.Context, j Job) error {
		err := a.RunImportJob(ctx, app.ImportJob{ID: j.ID, Payload: j.Payload})
		if app.FinalImportError(err) {
			return Permanent(err)
		}
		return err
	}})
	r.Register(Kind{Name: KindPurgeUploads, Handle: func(ctx context.Context, _ Job) error {
		n, err := a.PurgeUploads(ctx)
		if n > 0 {
			r.cfg.Log.Info("purged import uploads", "count", n)
		}
		return err
	}})
	r.Every(KindPurgeUploads, Every(24*time.Hour))
}
