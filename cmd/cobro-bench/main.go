// Command cobro-bench runs cobro's benchmarks against baselines measured
// in the same run and prints one table (see docs/benchmarks.md).
//
//	go run ./cmd/cobro-bench [--scale 100000] [--db sqlite|postgres|both] [--pg URL]
//	    [--only import,figures,pages,load] [--repeat 3] [--json FILE] [--cpuprofile FILE] [--memprofile FILE] [--markdown]
//	    [--batch N] [--ab OTHER-BUILD]
//
// Each measured import runs in a fresh child process of this command
// (cobro-bench --child ...), so that its peak RSS is its own.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"cobro/internal/bench"
)

func main() {
	// Stopped, it stops its child and removes what it created.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && os.Args[1] == "--child" {
		if err := bench.Child(ctx, os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "cobro-bench --child:", err)
			os.Exit(1)
		}
		return
	}
	os.Exit(run(ctx))
}

func run(ctx context.Context) int {
	names := make([]string, 0, 4)
	for _, b := range bench.Benchmarks() {
		names = append(names, b.Name)
	}
	scale := flag.Int("scale", 100000, "documents to generate (customers are a tenth); 1000000 for the full benchmark")
	db := flag.String("db", "both", "sqlite, postgres or both")
	pg := flag.String("pg", os.Getenv("COBRO_BENCH_POSTGRES"), "PostgreSQL server URL (env COBRO_BENCH_POSTGRES), with default durability; postgres is skipped without it")
	only := flag.String("only", "", "comma-separated benchmarks to run, of: "+strings.Join(names, ", "))
	repeat := flag.Int("repeat", 3, "times the import and its baseline run, alternating; the median is reported")
	calls := flag.Int("calls", 2000, "calls per latency benchmark")
	batch := flag.Int("batch", 0, "rows per transaction of our imports, for experiments (0: the app's default)")
	clients := flag.Int("clients", 20, "concurrent clients for the pages and load benchmarks")
	out := flag.String("json", "bench-results/latest.json", "where to write the results as JSON")
	md := flag.Bool("markdown", false, "also print the table as Markdown")
	memprofile := flag.String("memprofile", "", "heap profile at the peak of the first measured import: FILE.sqlite, FILE.postgres (and FILE.<db>.baseline)")
	cpuprofile := flag.String("cpuprofile", "", "CPU profiles: of the first measured import, FILE.sqlite and FILE.postgres (and FILE.<db>.baseline); of the pages, FILE.pages.<db>")
	noReimport := flag.Bool("no-reimport", false, "leave out the re-imports (quicker A/B runs)")
	allOpen := flag.Bool("all-open", false, "every document open (the debt list's worst case) instead of 85% paid history")
	ab := flag.String("ab", "", "another build of cobro-bench (e.g. of a branch) whose import runs in turn with ours and the baseline in every repetition")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: cobro-bench [flags]\n\nbenchmarks:")
		for _, b := range bench.Benchmarks() {
			fmt.Fprintf(os.Stderr, "  %-8s %s\n", b.Name, b.About)
		}
		fmt.Fprintln(os.Stderr, "\nflags:")
		flag.PrintDefaults()
	}
	flag.Parse()
	kinds := []string{"sqlite", "postgres"}
	switch *db {
	case "both":
	case "sqlite", "postgres":
		kinds = []string{*db}
	default:
		fmt.Fprintf(os.Stderr, "cobro-bench: --db %q: sqlite, postgres or both\n", *db)
		return 2
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cobro-bench:", err)
		return 1
	}
	cfg := bench.Config{Scale: *scale, Kinds: kinds, PG: *pg, Repeat: *repeat, Calls: *calls, Clients: *clients, Batch: *batch, NoReimport: *noReimport, AllOpen: *allOpen,
		CPUProfile: *cpuprofile, MemProfile: *memprofile, Log: os.Stderr,
		Child: func(args ...string) *exec.Cmd {
			return exec.CommandContext(ctx, self, append([]string{"--child"}, args...)...)
		}}
	if *ab != "" {
		cfg.Alt = func(args ...string) *exec.Cmd {
			return exec.CommandContext(ctx, *ab, append([]string{"--child"}, args...)...)
		}
	}
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cobro-bench:", err)
		return 1
	}
	bench.Print(os.Stdout, rep)
	if *md {
		fmt.Println()
		bench.Markdown(os.Stdout, rep)
	}
	if err := bench.WriteJSON(*out, rep); err != nil {
		fmt.Fprintln(os.Stderr, "cobro-bench:", err)
		return 1
	}
	fmt.Fprintln(os.Stderr, "results written to", *out)
	return 0
}
