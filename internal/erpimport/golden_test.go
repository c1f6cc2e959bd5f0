package erpimport

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"cobro/internal/money"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestFileFullOfMistakes reads a realistic export of a Spanish ERP
// (semicolons, decimal comma, Windows line ends, a byte order mark, notes
// spanning lines) with the mistakes such files have, and compares the
// whole report with testdata/documents-with-mistakes.golden: every error
// with its row, column, code and message, in English and Spanish.
func TestFileFullOfMistakes(t *testing.T) {
	data, err := os.ReadFile("testdata/documents-with-mistakes.csv")
	if err != nil {
		t.Fatal(err)
	}
	res := readDocs(t, data, Options{File: "open-items.csv"})
	if res.err != nil {
		t.Fatal(res.err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rows %d, valid %d, rejected %d, decimal %q\n", res.sum.Rows, res.sum.Valid, res.sum.Rejected, rune(res.sum.Decimal))
	for _, w := range res.sum.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	for _, e := range res.errs {
		fmt.Fprintf(&b, "%s\t%d\t%s\t%s\t%q\n  %s\n  %s\n", e.File, e.Line, e.Column, e.Code, e.Value, e.Error(), e.Localized("es"))
	}
	for _, r := range res.rows {
		fmt.Fprintf(&b, "valid row %d: %s %s %s %s %s..%s %s/%s %s disputed=%v\n", r.Line, r.ID, r.CustomerID, r.Kind, r.Number,
			r.IssueDate, r.DueDate, r.Amount, r.Open.Decimal(), r.Instrument, r.Disputed)
	}
	got := b.String()
	const golden = "testdata/documents-with-mistakes.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("the report differs from %s (go test -run TestFileFullOfMistakes -update to rewrite it, then review the diff):\n%s",
			golden, diffLines(string(want), got))
	}
	if res.sum.Decimal != money.MarkComma {
		t.Fatal("the decimal comma was not detected")
	}
}

// diffLines shows the lines of got that differ from want.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d\n  want: %s\n  got:  %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}
