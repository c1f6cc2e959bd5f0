package arch

import (
	"strings"
	"testing"
)

// ranks are the layers of docs/architecture.md: a package imports only the
// module's packages of a lower rank, never one of its own rank or above.
// A new package takes the rank of its kind; packages listed before they
// exist have their place kept.
//
//	money ← ledger ← {credit, dunning, matching} ← store ← app ← {web, api, jobs, demo} ← cli
var ranks = map[string]int{
	// the foundations: standard library only
	"internal/money": 0, "internal/civil": 0, "internal/auth": 0, "internal/export": 0, "internal/config": 0, "internal/proxy": 0,
	"internal/arch": 0,
	// the domain, and the catalogue that words it
	"internal/ledger": 1, "internal/i18n": 1, "internal/jsonin": 1,
	// pure rules on the domain; readers of files; printed documents
	"internal/credit": 2, "internal/dunning": 2, "internal/matching": 2,
	"internal/erpimport": 2, "internal/bankfile": 2,
	"internal/pdf": 2, "internal/notify": 2, "internal/delivery": 2,
	// all SQL
	"internal/store": 3,
	// the use cases; the test harness that opens databases
	"internal/app": 4, "internal/dbtest": 4,
	// the faces
	"internal/web": 5, "internal/api": 5, "internal/jobs": 5, "internal/demo": 5, "internal/apitest": 5,
	// the HTTP server around the faces
	"internal/server": 6,
	// the composition root, and the harnesses that build whole systems
	"internal/cli": 7, "internal/bench": 7, "internal/crash": 7,
	"cmd/cobro": 8, "cmd/cobro-bench": 8,
}

var (
	domain = []string{"internal/money", "internal/civil", "internal/ledger", "internal/credit", "internal/dunning", "internal/matching"}
	// jobs is not a face: the runner's queue is a table, its SQL in store
	// (store/jobs.go), so it may import store beside app.
	faces   = []string{"internal/web", "internal/api", "internal/demo", "internal/apitest"}
	readers = []string{"internal/erpimport", "internal/bankfile"}
)

// rules are the directions beyond the ranks, by name.
var rules = []rule{
	{name: "the domain imports no SQL, HTTP or storage", pkgs: domain,
		forbid: []string{"database/sql", "net/http", "internal/store"}},
	{name: "faces know the app, not the store", pkgs: faces, forbid: []string{"internal/store"}},
	{name: "app leaves HTTP to the faces", pkgs: []string{"internal/app"}, forbid: []string{"net/http"}},
	{name: "app leaves query and form parsing to the faces", pkgs: []string{"internal/app"}, forbid: []string{"net/url"}},
	{name: "readers never write", pkgs: readers, forbid: []string{"database/sql", "internal/store", "internal/app"}},
}

func TestImportDirections(t *testing.T) {
	g, err := load("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"internal/ledger", "internal/app", "internal/web", "cmd/cobro"} {
		if len(g[p]) == 0 {
			t.Fatalf("no files read for %s: the loader is broken", p)
		}
	}
	if v := check(g, ranks, rules); len(v) > 0 {
		t.Fatalf("import rules broken:\n%s", strings.Join(v, "\n"))
	}
}

// TestRanksFollowTheDirections keeps the table itself honest: moving a
// package's rank to let an import through must break the directions of
// docs/architecture.md, and so this test.
func TestRanksFollowTheDirections(t *testing.T) {
	chain := [][]string{
		{"internal/money", "internal/civil"},
		{"internal/ledger"},
		{"internal/credit", "internal/dunning", "internal/matching", "internal/erpimport", "internal/bankfile"},
		{"internal/store"},
		{"internal/app"},
		{"internal/web", "internal/api", "internal/jobs", "internal/demo"},
		{"internal/server"},
		{"internal/cli"},
		{"cmd/cobro"},
	}
	for i := 1; i < len(chain); i++ {
		for _, lower := range chain[i-1] {
			for _, upper := range chain[i] {
				if ranks[lower] >= ranks[upper] {
					t.Errorf("%s (rank %d) must be below %s (rank %d)", lower, ranks[lower], upper, ranks[upper])
				}
			}
		}
	}
	for _, group := range [][]string{domain, faces, readers} {
		for _, p := range group {
			if _, ok := ranks[p]; !ok {
				t.Errorf("%s is bound by a rule but has no rank", p)
			}
		}
	}
}
