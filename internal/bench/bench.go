// Package bench measures cobro against baselines run in the same run on
// the same data: what each capability costs over the plainest way a
// database could do the same work. The machines are noisy, so every
// figure is read as a ratio to a baseline measured in the same run.
//
// Each benchmark is an entry of Benchmarks: a name (for --only), what it
// measures, and a function that returns rows of the one table the command
// prints. A later issue adds its benchmark there.
package bench

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"time"
)

// Benchmark is one named benchmark of the command.
type Benchmark struct {
	Name  string // what --only selects
	About string // what it measures, and its baseline
	Run   func(ctx context.Context, s *Session) ([]Result, error)
}

// Benchmarks lists every benchmark, in the order they run. A benchmark
// may rely on those before it only through Session (the import leaves its
// database for the others; without it they import the data themselves).
func Benchmarks() []Benchmark {
	return []Benchmark{
		{"import", "app.ImportCustomers + app.ImportDocuments of generated CSV files into an empty database, " +
			"against prepared INSERTs in 10k-row transactions (SQLite) or COPY (PostgreSQL) of the same files; " +
			"then re-imports of the unchanged file and of one with 1% changed; peak memory", runImport},
		{"figures", "app.Customer and app.RecordCollection for a customer with 1,000 open documents, " +
			"against a raw point SELECT and a raw single-row INSERT + commit", runFigures},
		{"pages", "the customer list, customer sheet and debt list pages over loopback HTTP with concurrent clients, " +
			"then a mix with one request in ten to the debt list", runPages},
		{"load", "a bounded mixed load of credit checks, sheets and collections over loopback HTTP", runLoad},
		{"collect", "POST /api/v1/collections over loopback HTTP (advance payments, and allocated to a document) at 1, 4 and 16 clients, " +
			"against single-row INSERTs + commit at the same concurrency", runCollect},
		{"sync", "POST /field/sync of 500 offline collections signed in as an agent over loopback HTTP, then again (replayed), " +
			"against 500 single-row INSERTs + commit", runSync},
	}
}

// Config is one run of the benchmark command.
type Config struct {
	Scale   int      // documents (customers are a tenth)
	Kinds   []string // "sqlite", "postgres"
	PG      string   // PostgreSQL server URL; postgres is skipped without it
	Only    []string // benchmark names; all when empty
	Repeat  int      // times the import and its baseline run, alternating (median reported); default 1
	Clients int      // concurrent clients for the page and load benchmarks
	Calls   int      // calls per latency benchmark (default 2,000)
	// Batch is the rows per transaction of our imports; 0 is the app's
	// default, which is what the benchmark is for (others are experiments).
	Batch int
	// NoReimport leaves out the re-imports (for quicker A/B runs).
	NoReimport bool
	// AllOpen generates every document open (the debt list's worst case)
	// instead of today's 85% paid history.
	AllOpen bool
	// Child starts this program again to run one measured import in a
	// fresh process (see Child), so that its peak RSS is its own. Nil runs
	// the imports in this process, without a peak RSS.
	Child func(args ...string) *exec.Cmd
	// Alt, when set, starts another build's child (cobro-bench --child
	// of another commit) to run the same import in every repetition, in
	// turn with ours and the baseline: an A/B test of a change in one run.
	Alt func(args ...string) *exec.Cmd
	// CPUProfile, when set, is where the first measured import of each
	// database writes its CPU profile: CPUProfile.sqlite, and the
	// baseline's CPUProfile.sqlite.baseline.
	CPUProfile string
	// MemProfile, likewise, is where it writes a heap profile at its peak.
	MemProfile string
	Log        io.Writer // progress
}

func (c Config) wants(name string) bool { return len(c.Only) == 0 || slices.Contains(c.Only, name) }

// Result is one row of the table. Ratios are ours / baseline, so lower
// is better.
type Result struct {
	Bench    string  `json:"bench"`
	Name     string  `json:"name"`
	DB       string  `json:"db"`
	Unit     string  `json:"unit"` // of Ours, Baseline and the runs: "s", "ms", "MiB", "req/s"
	Ours     float64 `json:"ours"`
	Baseline float64 `json:"baseline,omitempty"` // 0: no baseline
	BaseWhat string  `json:"baseline_what,omitempty"`
	Ratio    float64 `json:"ratio,omitempty"`
	// Latencies, in milliseconds, when the row is one.
	P50     float64 `json:"p50_ms,omitempty"`
	P99     float64 `json:"p99_ms,omitempty"`
	BaseP50 float64 `json:"baseline_p50_ms,omitempty"`
	BaseP99 float64 `json:"baseline_p99_ms,omitempty"`
	// Runs are each repetition's ours and baseline, when repeated.
	Runs     []float64 `json:"runs,omitempty"`
	BaseRuns []float64 `json:"baseline_runs,omitempty"`
	Target   string    `json:"target,omitempty"`
	Met      *bool     `json:"met,omitempty"`
	Note     string    `json:"note,omitempty"`
}

// Report is the whole run, as written to JSON.
type Report struct {
	Date    time.Time `json:"date"`
	Scale   int       `json:"scale"`
	Repeat  int       `json:"repeat"`
	Machine Machine   `json:"machine"`
	Data    DocStats  `json:"data"`
	AllOpen bool      `json:"all_open,omitempty"`
	Results []Result  `json:"results"`
	Skipped []string  `json:"skipped,omitempty"`
}

func met(ok bool) *bool { return &ok }

// Session is one database kind's share of a run: its data and where the
// benchmarks may find it loaded.
type Session struct {
	Env
	Data *Data
	Cfg  Config
	// loaded is a database holding Data, left by the import benchmark for
	// the benchmarks after it.
	loaded string
}

// Loaded returns the DSN of a database holding the generated data: the
// one the import benchmark left, or a new one imported now (unmeasured).
func (s *Session) Loaded(ctx context.Context) (string, error) {
	if s.loaded != "" {
		return s.loaded, nil
	}
	dsn, err := s.freshOurs(ctx)
	if err != nil {
		return "", err
	}
	if _, err := importInProcess(ctx, load{DSN: dsn, Customers: s.Data.CustomersCSV, Documents: s.Data.DocumentsCSV, Today: s.Data.Today}); err != nil {
		return "", err
	}
	s.loaded = dsn
	return dsn, nil
}

func (s *Session) logf(format string, args ...any) {
	if s.Cfg.Log != nil {
		fmt.Fprintf(s.Cfg.Log, "%s %s: %s\n", time.Now().Format("15:04:05"), s.Kind, fmt.Sprintf(format, args...))
	}
}

// Run generates the data once and runs the chosen benchmarks on each
// database asked for.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Repeat < 1 {
		cfg.Repeat = 1
	}
	if cfg.Calls <= 0 {
		cfg.Calls = 2000
	}
	if cfg.Clients <= 0 {
		cfg.Clients = 20
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	for _, o := range cfg.Only {
		if !slices.ContainsFunc(Benchmarks(), func(b Benchmark) bool { return b.Name == o }) {
			return Report{}, fmt.Errorf("no benchmark %q", o)
		}
	}
	rep := Report{Date: time.Now().UTC(), Scale: cfg.Scale, Repeat: cfg.Repeat, Machine: machine(ctx, cfg), AllOpen: cfg.AllOpen}
	tmp, err := newTempDir()
	if err != nil {
		return rep, err
	}
	defer removeAll(tmp)
	fmt.Fprintf(cfg.Log, "generating %d customers and %d documents...\n", customersFor(cfg.Scale), cfg.Scale)
	data, err := GenerateShape(tmp, cfg.Scale, cfg.AllOpen)
	if err != nil {
		return rep, err
	}
	rep.Data = data.Stats
	for _, kind := range cfg.Kinds {
		if kind == "postgres" && cfg.PG == "" {
			msg := "postgres: skipped (no --pg URL or COBRO_BENCH_POSTGRES)"
			fmt.Fprintln(cfg.Log, msg)
			rep.Skipped = append(rep.Skipped, msg)
			continue
		}
		s := &Session{Env: Env{Kind: kind, PG: cfg.PG, TempDir: tmp}, Data: data, Cfg: cfg}
		err := s.runAll(ctx, &rep)
		s.Cleanup(ctx)
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func (s *Session) runAll(ctx context.Context, rep *Report) error {
	for _, b := range Benchmarks() {
		if !s.Cfg.wants(b.Name) {
			continue
		}
		s.logf("%s...", b.Name)
		rs, err := b.Run(ctx, s)
		if err != nil {
			return fmt.Errorf("%s %s: %w", s.Kind, b.Name, err)
		}
		for i := range rs {
			rs[i].Bench, rs[i].DB = b.Name, s.Kind
		}
		rep.Results = append(rep.Results, rs...)
	}
	return nil
}
