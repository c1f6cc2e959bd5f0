package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary be the benchmark's child process, as
// cobro-bench --child is.
func TestMain(m *testing.M) {
	if os.Getenv("COBRO_BENCH_CHILD") == "1" {
		if err := Child(context.Background(), os.Args[1:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func testChild(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "COBRO_BENCH_CHILD=1")
	return cmd
}

// TestImportBenchmark keeps the command from rotting: the import
// benchmark end to end at a tiny scale on SQLite, each import in a child
// process as the command runs it, then the table and the JSON.
func TestImportBenchmark(t *testing.T) {
	ctx := context.Background()
	data, err := Generate(t.TempDir(), 3000)
	if err != nil {
		t.Fatal(err)
	}
	s := &Session{Env: Env{Kind: "sqlite", TempDir: t.TempDir()}, Data: data,
		Cfg: Config{Repeat: 2, Child: testChild, CPUProfile: filepath.Join(t.TempDir(), "cpu"), MemProfile: filepath.Join(t.TempDir(), "mem")}}
	r, err := Import(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if re := r.Reimported; re.Inserted != 0 || re.Updated != 0 || re.Rejected != 0 || re.Unchanged != data.Documents {
		t.Fatalf("re-import of the unchanged file: %+v, want %d unchanged and nothing written", re, data.Documents)
	}
	if r.Change.Updated != data.Changed || data.Changed != data.Documents/100 {
		t.Fatalf("re-import with 1%% changed: %+v, the file changed %d", r.Change, data.Changed)
	}
	if len(r.Reimport) != 2 || len(r.Changed) != 4 {
		t.Fatalf("%d re-imports of the unchanged file, %d of the changed one and back; want 2 and 4", len(r.Reimport), len(r.Changed))
	}
	if len(r.Ours) != 2 || len(r.Baseline) != 2 {
		t.Fatalf("%d and %d runs, want 2", len(r.Ours), len(r.Baseline))
	}
	for _, c := range append(r.Ours, r.Baseline...) {
		if c.Took <= 0 || c.PeakHeap == 0 || c.PeakRSS == 0 {
			t.Fatalf("a run measured nothing: %+v", c)
		}
	}
	for _, p := range []string{s.Cfg.CPUProfile + ".sqlite", s.Cfg.CPUProfile + ".sqlite.baseline", s.Cfg.MemProfile + ".sqlite"} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Fatalf("no profile %s: %v", p, err)
		}
	}

	// The whole command, with an A/B build (the same one here).
	rep, err := Run(ctx, Config{Scale: 3000, Kinds: []string{"sqlite", "postgres"}, Only: []string{"import"}, Child: testChild, Alt: testChild})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 5 || len(rep.Skipped) != 1 {
		t.Fatalf("results %+v, skipped %v", rep.Results, rep.Skipped)
	}
	var table bytes.Buffer
	Print(&table, rep)
	for _, want := range []string{"import 300 customers + 3000 documents", "prepared INSERTs", "re-import the unchanged documents file",
		"inserted 0, updated 0, unchanged 3000", "the other build", "peak RSS", "postgres: skipped"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	path := filepath.Join(t.TempDir(), "out", "latest.json")
	if err := WriteJSON(path, rep); err != nil {
		t.Fatal(err)
	}
	var back Report
	if b, err := os.ReadFile(path); err != nil || json.Unmarshal(b, &back) != nil || back.Results[0].Ours <= 0 {
		t.Fatalf("JSON: %v %+v", err, back)
	}
}

// TestGenerate checks the data is what the benchmarks claim: deterministic,
// ~15% open, credit notes and returned items, a customer with 1,000 open
// documents, and files that differ in 1% of the documents.
func TestGenerate(t *testing.T) {
	a, err := Generate(t.TempDir(), 20000)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(t.TempDir(), 20000)
	if err != nil {
		t.Fatal(err)
	}
	fa, _ := os.ReadFile(a.DocumentsCSV)
	fb, _ := os.ReadFile(b.DocumentsCSV)
	if !bytes.Equal(fa, fb) {
		t.Fatal("not deterministic")
	}
	st := a.Stats
	if st.Open < 2000 || st.Open > 4000 || st.Partial == 0 || st.CreditNotes < 400 || st.Returned < 200 || st.Disputed == 0 {
		t.Fatalf("stats %+v", st)
	}
	changed := 0
	heavyOpen := 0
	fc, _ := os.ReadFile(a.ChangedCSV)
	la, lc := strings.Split(string(fa), "\n"), strings.Split(string(fc), "\n")
	for i := range la {
		if la[i] != lc[i] {
			changed++
		}
		if f := strings.Split(la[i], ","); len(f) > 8 && f[1] == a.HeavyCustomer && f[8] != "0.00" {
			heavyOpen++
		}
	}
	if changed != 200 || a.Changed != 200 || heavyOpen != 1000 {
		t.Fatalf("%d lines changed (%d said), heavy customer has %d open", changed, a.Changed, heavyOpen)
	}
}

// TestFigures runs the figures benchmark on the data the import left.
func TestFigures(t *testing.T) {
	rep, err := Run(context.Background(), Config{Scale: 2000, Kinds: []string{"sqlite"}, Only: []string{"figures"}, Calls: 40})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 2 || rep.Results[0].P99 <= 0 || rep.Results[1].BaseP99 <= 0 {
		t.Fatalf("%+v", rep.Results)
	}
}
