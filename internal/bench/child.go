package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"cobro/internal/app"
	"cobro/internal/auth"
	"cobro/internal/store"
)

// ChildResult is what one measured import did, as a child process prints
// it on its standard output.
type ChildResult struct {
	Took     time.Duration `json:"took"`
	PeakHeap uint64        `json:"peak_heap"` // Go heap in use, sampled every 10 ms
	PeakRSS  uint64        `json:"peak_rss"`  // the process's VmHWM; 0 when run in-process
	// CPU is the child process's user + system time (0 in-process): less
	// sensitive than Took to other work on the machine. On PostgreSQL it
	// leaves out the server's.
	CPU time.Duration `json:"cpu"`
	// Others is the CPU time everything but this process used while it
	// ran, in % of all the machine's CPUs (from /proc/stat): on SQLite,
	// other work competing with the load; on PostgreSQL it includes the
	// server.
	Others  float64        `json:"others_cpu_pct"`
	Reports []ImportCounts `json:"reports,omitempty"`
}

// ImportCounts is the part of an app.ImportReport the benchmark checks.
type ImportCounts struct {
	Kind                                         string
	Took                                         time.Duration
	Rows, Inserted, Updated, Unchanged, Rejected int
	FirstError                                   string `json:",omitempty"`
}

// load is one measured load: what a child process is told to run.
type load struct {
	DSN, Customers, Documents string // either file may be empty
	Today                     time.Time
	Batch                     int    // rows per transaction of our import; 0: the app's default
	CPUProfile, MemProfile    string // files to write, if any
}

// args are the child's command-line arguments for the load.
func (l load) args(kind string) []string {
	a := []string{kind, "-dsn", l.DSN, "-customers", l.Customers, "-documents", l.Documents, "-batch", strconv.Itoa(l.Batch),
		"-cpuprofile", l.CPUProfile, "-memprofile", l.MemProfile}
	if !l.Today.IsZero() {
		a = append(a, "-today", l.Today.Format(time.DateOnly))
	}
	return a
}

func parseLoad(args []string) (string, load, error) {
	var l load
	if len(args) == 0 {
		return "", l, errors.New("child: import or baseline?")
	}
	fs := flag.NewFlagSet("child "+args[0], flag.ContinueOnError)
	fs.StringVar(&l.DSN, "dsn", "", "database")
	fs.StringVar(&l.Customers, "customers", "", "customers CSV")
	fs.StringVar(&l.Documents, "documents", "", "documents CSV")
	today := fs.String("today", "", "the clock's day (YYYY-MM-DD)")
	fs.IntVar(&l.Batch, "batch", 0, "rows per transaction of our import (0: the app's default)")
	fs.StringVar(&l.CPUProfile, "cpuprofile", "", "CPU profile of the load")
	fs.StringVar(&l.MemProfile, "memprofile", "", "heap profile at the load's peak")
	if err := fs.Parse(args[1:]); err != nil {
		return "", l, err
	}
	if *today != "" {
		t, err := time.Parse(time.DateOnly, *today)
		if err != nil {
			return "", l, err
		}
		l.Today = t.Add(12 * time.Hour)
	}
	if args[0] != "import" && args[0] != "baseline" {
		return "", l, fmt.Errorf("child: unknown %q", args[0])
	}
	return args[0], l, nil
}

// Child is the entry point of a child process (cobro-bench --child ...):
// it runs one measured load into an existing database and prints a
// ChildResult as JSON. A fresh process per measurement makes its peak RSS
// that load's own.
//
//	import   -dsn DSN [-customers FILE] [-documents FILE] [-today YYYY-MM-DD] [-batch N] [-cpuprofile FILE] [-memprofile FILE]
//	baseline -dsn DSN -customers FILE -documents FILE [-cpuprofile FILE] [-memprofile FILE]
func Child(ctx context.Context, args []string, stdout io.Writer) error {
	kind, l, err := parseLoad(args)
	if err != nil {
		return err
	}
	res, err := measure(ctx, kind, l)
	if err != nil {
		return err
	}
	res.PeakRSS = vmHWM()
	return json.NewEncoder(stdout).Encode(res)
}

func measure(ctx context.Context, kind string, l load) (ChildResult, error) {
	if kind == "baseline" {
		return baselineInProcess(ctx, l)
	}
	if l.Today.IsZero() {
		l.Today = time.Now()
	}
	return importInProcess(ctx, l)
}

// runChild runs one measured load in a child process when the config can
// start one, else in this process.
func (s *Session) runChild(ctx context.Context, kind string, l load) (ChildResult, error) {
	if s.Cfg.Child == nil {
		return measure(ctx, kind, l)
	}
	return runCmd(s.Cfg.Child(l.args(kind)...), kind)
}

func runCmd(cmd *exec.Cmd, what string) (ChildResult, error) {
	var res ChildResult
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	busy0, total0 := cpuTicks()
	if err := cmd.Run(); err != nil {
		return res, fmt.Errorf("child %s: %w: %s", what, err, strings.TrimSpace(stderr.String()))
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return res, fmt.Errorf("child %s: %w: %q", what, err, stdout.String())
	}
	res.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if busy1, total1 := cpuTicks(); total1 > total0 {
		// /proc/stat counts in 1/100 s.
		others := float64(busy1-busy0) - res.CPU.Seconds()*100
		res.Others = max(0, 100*others/float64(total1-total0))
	}
	return res, nil
}

// cpuTicks reads the machine's busy and total CPU time from /proc/stat.
func cpuTicks() (busy, total uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	for i, v := range f[1:] {
		n, _ := strconv.ParseUint(v, 10, 64)
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}

// importInProcess imports the files (customers first; either may be
// empty) with the app, timing the imports only.
func importInProcess(ctx context.Context, l load) (ChildResult, error) {
	var res ChildResult
	db, err := store.Open(ctx, l.DSN)
	if err != nil {
		return res, err
	}
	defer db.Close()
	a := newApp(db, &Data{Today: l.Today})
	stop, err := startProfile(l.CPUProfile)
	if err != nil {
		return res, err
	}
	start := time.Now()
	res.PeakHeap, err = peakHeap(l.MemProfile, func() error {
		for _, f := range []struct{ kind, path string }{{"customers", l.Customers}, {"documents", l.Documents}} {
			if f.path == "" {
				continue
			}
			start := time.Now()
			rep, err := importFile(ctx, a, f.kind, f.path, l.Batch)
			if err != nil {
				return err
			}
			c := ImportCounts{Kind: f.kind, Took: time.Since(start), Rows: rep.Rows, Inserted: rep.Inserted, Updated: rep.Updated, Unchanged: rep.Unchanged, Rejected: rep.Rejected}
			if len(rep.Errors) > 0 {
				c.FirstError = rep.Errors[0].Error()
			}
			res.Reports = append(res.Reports, c)
		}
		return nil
	})
	res.Took = time.Since(start)
	stop()
	return res, err
}

func importFile(ctx context.Context, a *app.App, kind, path string, batch int) (app.ImportReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return app.ImportReport{}, err
	}
	defer f.Close()
	opt := app.ImportOptions{File: path, BatchSize: batch}
	if kind == "customers" {
		return a.ImportCustomers(ctx, auth.System("bench"), f, opt)
	}
	return a.ImportDocuments(ctx, auth.System("bench"), f, opt)
}

func baselineInProcess(ctx context.Context, l load) (ChildResult, error) {
	var res ChildResult
	stop, err := startProfile(l.CPUProfile)
	if err != nil {
		return res, err
	}
	start := time.Now()
	res.PeakHeap, err = peakHeap(l.MemProfile, func() error {
		var took []time.Duration
		var err error
		if path, ok := strings.CutPrefix(l.DSN, "sqlite:"); ok {
			took, err = baselineSQLite(ctx, path, l.Customers, l.Documents)
		} else {
			took, err = baselinePostgres(ctx, l.DSN, l.Customers, l.Documents)
		}
		// The customers file loads two tables (customers, customer_terms).
		for i, t := range took {
			kind := "documents"
			if i < 2 {
				kind = "customers"
			}
			if n := len(res.Reports); n > 0 && res.Reports[n-1].Kind == kind {
				res.Reports[n-1].Took += t
				continue
			}
			res.Reports = append(res.Reports, ImportCounts{Kind: kind, Took: t})
		}
		return err
	})
	res.Took = time.Since(start)
	stop()
	return res, err
}

func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// peakHeap samples the Go heap in use (live objects and the free space of
// the spans holding them: MemStats.HeapInuse) every 10 ms while fn runs.
// With a profile path, it writes a heap profile there each time the peak
// grows by a tenth: the last one shows what the peak was made of.
func peakHeap(profile string, fn func() error) (uint64, error) {
	runtime.GC()
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	var peak atomic.Uint64
	var profiled uint64
	read := func() {
		metrics.Read(samples)
		v := samples[0].Value.Uint64() + samples[1].Value.Uint64()
		if v > peak.Load() {
			peak.Store(v)
		}
		if profile != "" && v > profiled+profiled/10 {
			profiled = v
			if f, err := os.Create(profile); err == nil {
				_ = pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	err := fn()
	close(stop)
	<-done
	read()
	return peak.Load(), err
}

// vmHWM is the process's peak resident set size, from /proc/self/status.
func vmHWM() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
