package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

func value(v float64, unit string) string {
	switch unit {
	case "s", "ms":
		return fmt.Sprintf("%.2f %s", v, unit)
	}
	return fmt.Sprintf("%.0f %s", v, unit)
}

// cells are a result's cells: ours, baseline, ratio, met. A latency shows
// p50 and p99 of both.
func (r Result) cells(no string) [4]string {
	c := [4]string{value(r.Ours, r.Unit), "—", "—", "—"}
	if r.P99 > 0 {
		c[0] = fmt.Sprintf("p50 %.2f, p99 %.2f ms", r.P50, r.P99)
	}
	if r.Baseline > 0 {
		c[1] = value(r.Baseline, r.Unit)
		if r.BaseP99 > 0 {
			c[1] = fmt.Sprintf("p50 %.2f, p99 %.2f ms", r.BaseP50, r.BaseP99)
		}
		if r.BaseWhat != "" {
			c[1] += " (" + r.BaseWhat + ")"
		}
		c[2] = fmt.Sprintf("%.2fx", r.Ratio)
		if r.BaseP99 > 0 {
			c[2] = fmt.Sprintf("%.2fx, %.2fx", r.Ratio, r.P99/r.BaseP99)
		}
	}
	if r.Met != nil {
		c[3] = "yes"
		if !*r.Met {
			c[3] = no
		}
	}
	return c
}

// Print writes the table.
func Print(w io.Writer, rep Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "what\tdb\tours\tbaseline (same run)\tratio\ttarget\tmet\tnote")
	for _, r := range rep.Results {
		c := r.cells("NO")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.DB, c[0], c[1], c[2], orDash(r.Target), c[3], r.Note)
	}
	tw.Flush()
	for _, s := range rep.Skipped {
		fmt.Fprintln(w, s)
	}
}

// Markdown writes the table as Markdown, for docs/benchmarks.md.
func Markdown(w io.Writer, rep Report) {
	fmt.Fprintln(w, "| what | db | ours | baseline (same run) | ratio | target | met | note |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	esc := strings.NewReplacer("|", "/").Replace
	for _, r := range rep.Results {
		c := r.cells("**no**")
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", esc(r.Name), r.DB, c[0], esc(c[1]), c[2], orDash(r.Target), c[3], esc(r.Note))
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// WriteJSON writes the report, for comparisons over time.
func WriteJSON(path string, rep Report) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
