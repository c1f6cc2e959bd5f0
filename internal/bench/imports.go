package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/store"
)

func newApp(db *store.DB, d *Data) *app.App {
	return app.New(db, app.WithClock(func() time.Time { return d.Today }),
		app.WithHasher(auth.NewHasher(auth.HashParams{Memory: 1024, Time: 1, Threads: 1}, 4)))
}

// ImportResult is what the import benchmark measured.
type ImportResult struct {
	Ours, Baseline []ChildResult // one per repetition
	Alt            []ChildResult // the other build's (Config.Alt), one per repetition
	// Reimport are the re-imports of the unchanged file; Changed those of
	// the file with 1% changed and back (each changes the same 1%).
	Reimport, Changed  []ChildResult
	OursDSN            string       // the database ours imported into, left for the next benchmarks
	Reimported, Change ImportCounts // the first of each
}

// Import measures cobro's import of the generated files into an empty
// migrated database against the plainest load of the same files into
// another (SQLite: prepared INSERTs in 10,000-row transactions;
// PostgreSQL: COPY), each in a fresh child process, Cfg.Repeat times in
// alternating order; then, on the last database ours filled, a
// re-import of the unchanged documents file and one of the file with 1%
// changed.
func Import(ctx context.Context, s *Session) (ImportResult, error) {
	var r ImportResult
	d := s.Data
	for i := 0; i < s.Cfg.Repeat; i++ {
		ours, err := s.freshOurs(ctx)
		if err != nil {
			return r, err
		}
		base, err := s.freshMigrated(ctx, "baseline")
		if err != nil {
			return r, err
		}
		ol := load{DSN: ours, Customers: d.CustomersCSV, Documents: d.DocumentsCSV, Today: d.Today, Batch: s.Cfg.Batch}
		bl := load{DSN: base, Customers: d.CustomersCSV, Documents: d.DocumentsCSV}
		if i == 0 && s.Cfg.CPUProfile != "" {
			ol.CPUProfile, bl.CPUProfile = s.Cfg.CPUProfile+"."+s.Kind, s.Cfg.CPUProfile+"."+s.Kind+".baseline"
		}
		if i == 0 && s.Cfg.MemProfile != "" {
			ol.MemProfile, bl.MemProfile = s.Cfg.MemProfile+"."+s.Kind, s.Cfg.MemProfile+"."+s.Kind+".baseline"
		}
		runOurs := func() error {
			s.settle(ctx)
			s.logf("import %d/%d: ours", i+1, s.Cfg.Repeat)
			o, err := s.runChild(ctx, "import", ol)
			if err != nil {
				return err
			}
			for _, c := range o.Reports {
				if c.Rejected > 0 || c.Inserted != c.Rows {
					return fmt.Errorf("our import of %s: %+v", c.Kind, c)
				}
			}
			r.Ours = append(r.Ours, o)
			return nil
		}
		runBase := func() error {
			s.settle(ctx)
			s.logf("import %d/%d: baseline", i+1, s.Cfg.Repeat)
			b, err := s.runChild(ctx, "baseline", bl)
			if err != nil {
				return err
			}
			r.Baseline = append(r.Baseline, b)
			return nil
		}
		order := []func() error{runOurs, runBase}
		var alt string
		if s.Cfg.Alt != nil {
			if alt, err = s.freshOurs(ctx); err != nil {
				return r, err
			}
			order = append(order, func() error {
				s.settle(ctx)
				s.logf("import %d/%d: the other build", i+1, s.Cfg.Repeat)
				al := ol
				al.DSN, al.CPUProfile, al.MemProfile = alt, "", ""
				a, err := runCmd(s.Cfg.Alt(al.args("import")...), "other build")
				r.Alt = append(r.Alt, a)
				return err
			})
		}
		// Each load goes first in turn.
		for k := range order {
			if err := order[(i+k)%len(order)](); err != nil {
				return r, err
			}
		}
		if err := sameRows(ctx, ours, base); err != nil {
			return r, err
		}
		if alt != "" {
			if err := sameRows(ctx, alt, base); err != nil {
				return r, err
			}
			s.Drop(ctx, alt)
		}
		s.Drop(ctx, base)
		if i < s.Cfg.Repeat-1 {
			s.Drop(ctx, ours)
			continue
		}
		r.OursDSN = ours
	}
	// On the database ours filled: the unchanged file, the file with 1%
	// changed, and back to the first file (the same 1% changed back),
	// Repeat times.
	if s.Cfg.NoReimport {
		return r, nil
	}
	for i := 0; i < s.Cfg.Repeat; i++ {
		for k, f := range []string{d.DocumentsCSV, d.ChangedCSV, d.DocumentsCSV} {
			s.settle(ctx)
			s.logf("re-import %d/%d: %s", i+1, s.Cfg.Repeat, []string{"unchanged", "1% changed", "1% changed back"}[k])
			c, err := s.runChild(ctx, "import", load{DSN: r.OursDSN, Documents: f, Today: d.Today, Batch: s.Cfg.Batch})
			if err != nil {
				return r, err
			}
			got := c.Reports[0]
			if k == 0 {
				if got.Inserted != 0 || got.Updated != 0 || got.Rejected != 0 || got.Unchanged != d.Documents {
					return r, fmt.Errorf("re-import of the unchanged file: %+v", got)
				}
				r.Reimport = append(r.Reimport, c)
				continue
			}
			if got.Updated != d.Changed || got.Inserted != 0 || got.Rejected != 0 {
				return r, fmt.Errorf("re-import with %d changed documents: %+v", d.Changed, got)
			}
			r.Changed = append(r.Changed, c)
		}
	}
	r.Reimported, r.Change = r.Reimport[0].Reports[0], r.Changed[0].Reports[0]
	return r, nil
}

// settle lets the writes of the previous load reach the disk before the
// next one is timed, so that neither pays for the other's: a checkpoint
// on PostgreSQL, then the kernel's dirty pages.
func (s *Session) settle(ctx context.Context) {
	if s.Kind == "postgres" {
		if db, err := rawDB(s.PG); err == nil {
			_, _ = db.ExecContext(ctx, "CHECKPOINT") // needs a superuser; harmless without
			db.Close()
		}
	}
	syscall.Sync()
}

// sameRows checks that ours and the baseline stored the same rows: the
// same counts and the same amounts.
func sameRows(ctx context.Context, ours, base string) error {
	q := `SELECT (SELECT count(*) FROM customers), (SELECT coalesce(sum(credit_limit_minor), 0) FROM customers),
		(SELECT count(*) FROM documents), (SELECT coalesce(sum(amount_minor), 0) FROM documents),
		(SELECT coalesce(sum(erp_open_minor), 0) FROM documents), (SELECT coalesce(sum(open_minor), 0) FROM documents),
		(SELECT coalesce(sum(disputed), 0) FROM documents)`
	var got [2][7]int64
	for i, dsn := range []string{ours, base} {
		db, err := rawDB(dsn)
		if err != nil {
			return err
		}
		g := &got[i]
		err = db.QueryRowContext(ctx, q).Scan(&g[0], &g[1], &g[2], &g[3], &g[4], &g[5], &g[6])
		db.Close()
		if err != nil {
			return err
		}
	}
	if got[0] != got[1] {
		return fmt.Errorf("ours and the baseline stored different rows: %v and %v", got[0], got[1])
	}
	return nil
}

func durations(cs []ChildResult) []float64 {
	out := make([]float64, len(cs))
	for i, c := range cs {
		out[i] = c.Took.Seconds()
	}
	return out
}

func peaks(cs []ChildResult, rss bool) float64 {
	var m uint64
	for _, c := range cs {
		v := c.PeakHeap
		if rss {
			v = c.PeakRSS
		}
		m = max(m, v)
	}
	return mib(m)
}

func runImport(ctx context.Context, s *Session) ([]Result, error) {
	r, err := Import(ctx, s)
	if err != nil {
		return nil, err
	}
	s.loaded = r.OursDSN
	d := s.Data
	ours, base := durations(r.Ours), durations(r.Baseline)
	mo, mb := median(ours), median(base)
	// Each run's ratio compares two loads that ran one after the other;
	// their median is steadier than the ratio of the medians when the
	// machine's speed drifts during the run.
	var each []float64
	for i := range ours {
		each = append(each, ours[i]/base[i])
	}
	ratio := median(each)
	baseWhat := "prepared INSERTs, 10k rows/tx"
	if s.Kind == "postgres" {
		baseWhat = "COPY"
	}
	ratios := fmtRatios(each)
	files := mib(uint64(fileSize(d.DocumentsCSV) + fileSize(d.CustomersCSV)))
	name := fmt.Sprintf("import %d customers + %d documents", d.Customers, d.Documents)
	if s.Cfg.Batch > 0 {
		name += fmt.Sprintf(" (batches of %d, not the default)", s.Cfg.Batch)
	}
	rows := float64(d.Documents + d.Customers)
	res := []Result{{
		Name: name, Unit: "s",
		Ours: mo, Baseline: mb, BaseWhat: baseWhat, Ratio: ratio, Runs: ours, BaseRuns: base,
		Target: "≤ 1.5x", Met: met(ratio <= 1.5),
		Note: fmt.Sprintf("ratio: the median of %d runs' own, %s; customers %.2f s against %.2f, documents %.2f s against %.2f; "+
			"%.0f rows/s against %.0f; files %.0f MiB%s%s",
			len(ours), ratios, part(r.Ours, "customers"), part(r.Baseline, "customers"),
			part(r.Ours, "documents"), part(r.Baseline, "documents"), rows/mo, rows/mb, files, cpuNote(r.Ours, r.Baseline), busyNote(s.Kind, r)),
	}}
	if len(r.Reimport) > 0 {
		res = append(res, reimportResults(r, mo)...)
	}
	if len(r.Alt) > 0 {
		alt := durations(r.Alt)
		var each, vsOurs []float64
		for i := range alt {
			each, vsOurs = append(each, alt[i]/base[i]), append(vsOurs, alt[i]/ours[i])
		}
		res = slices.Insert(res, 1, Result{Name: "  the same import by the other build (--ab)", Unit: "s", Ours: median(alt), Baseline: mb, BaseWhat: baseWhat,
			Ratio: median(each), Runs: alt, BaseRuns: base,
			Note: fmt.Sprintf("its time over ours: median %.2fx (%s); customers %.2f s, documents %.2f s%s; peak RSS %.0f MiB, Go heap %.0f MiB",
				median(vsOurs), fmtRatios(vsOurs), part(r.Alt, "customers"), part(r.Alt, "documents"), cpuNote(r.Alt, r.Baseline),
				peaks(r.Alt, true), peaks(r.Alt, false))})
	}
	mem := Result{Name: "peak memory of our import", Unit: "MiB", Ours: peaks(r.Ours, false), Baseline: peaks(r.Baseline, false),
		BaseWhat: "the baseline's", Target: "flat with file size",
		Note: fmt.Sprintf("Go heap in use; re-imports up to %.0f MiB", max(peaks(r.Reimport, false), peaks(r.Changed, false)))}
	if rss := peaks(r.Ours, true); rss > 0 {
		mem.Name, mem.Ours, mem.Baseline = "peak RSS of our import (own process)", rss, peaks(r.Baseline, true)
		mem.Note = fmt.Sprintf("VmHWM; Go heap in use %.0f MiB (baseline %.0f); re-imports RSS up to %.0f MiB",
			peaks(r.Ours, false), peaks(r.Baseline, false), max(peaks(r.Reimport, true), peaks(r.Changed, true)))
	}
	mem.Ratio = mem.Ours / mem.Baseline
	return append(res, mem), nil
}

// part is the median time of one file's part of the runs.
func part(cs []ChildResult, kind string) float64 {
	var v []float64
	for _, c := range cs {
		for _, r := range c.Reports {
			if r.Kind == kind {
				v = append(v, r.Took.Seconds())
			}
		}
	}
	return median(v)
}

func fmtRatios(v []float64) string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = fmt.Sprintf("%.2fx", x)
	}
	return strings.Join(out, " ")
}

// cpuNote compares the CPU time of the two sides' processes, when known.
func cpuNote(ours, base []ChildResult) string {
	var o, b []float64
	for i := range ours {
		if ours[i].CPU == 0 || base[i].CPU == 0 {
			return ""
		}
		o, b = append(o, ours[i].CPU.Seconds()), append(b, base[i].CPU.Seconds())
	}
	return fmt.Sprintf("; process CPU %.2f s against %.2f", median(o), median(b))
}

// busyNote says how much CPU the rest of the machine used during the
// runs: on SQLite that is other work competing (the parent waits), on
// PostgreSQL mostly the server.
func busyNote(kind string, r ImportResult) string {
	var worst float64
	for _, cs := range [][]ChildResult{r.Ours, r.Baseline, r.Alt} {
		for _, c := range cs {
			worst = max(worst, c.Others)
		}
	}
	if kind == "sqlite" && worst > 20 {
		return fmt.Sprintf("; OTHER WORK used up to %.0f%% of the CPUs during a run: rerun", worst)
	}
	return fmt.Sprintf("; the rest of the machine used up to %.0f%% of the CPUs during a run", worst)
}

// reimportResults are the rows of the re-imports, against our first
// import (mo seconds).
func reimportResults(r ImportResult, mo float64) []Result {
	return []Result{{
		Name: "re-import the unchanged documents file", Unit: "s", Ours: median(durations(r.Reimport)),
		Baseline: mo, BaseWhat: "our first import", Ratio: median(durations(r.Reimport)) / mo, Runs: durations(r.Reimport),
		Target: "< 1x, writes nothing", Met: met(median(durations(r.Reimport)) < mo), // Import checked it wrote nothing
		Note: fmt.Sprintf("median of %d; each: inserted %d, updated %d, unchanged %d", len(r.Reimport),
			r.Reimported.Inserted, r.Reimported.Updated, r.Reimported.Unchanged),
	}, {
		Name: "re-import with 1% of documents changed", Unit: "s", Ours: median(durations(r.Changed)),
		Baseline: mo, BaseWhat: "our first import", Ratio: median(durations(r.Changed)) / mo, Runs: durations(r.Changed), Target: "< 1x",
		Met: met(median(durations(r.Changed)) < mo),
		Note: fmt.Sprintf("median of %d (to the changed file and back); each: inserted %d, updated %d, unchanged %d", len(r.Changed),
			r.Change.Inserted, r.Change.Updated, r.Change.Unchanged),
	}}
}
