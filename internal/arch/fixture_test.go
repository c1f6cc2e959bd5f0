package arch

import (
	"slices"
	"strings"
	"testing"
)

// TestRulesCatchForbiddenImports runs the real table over testdata/mod, a
// module whose packages break each rule once (and keep one test file and
// one testdata file that would break them, which are not read).
func TestRulesCatchForbiddenImports(t *testing.T) {
	g, err := load("testdata/mod")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"internal/app/collections.go imports net/http: app leaves HTTP to the faces",
		"internal/app/other.go imports net/http/httptest: app leaves HTTP to the faces",
		"internal/erpimport/read.go imports internal/app: layer 2 may only import lower layers (internal/app is 4)",
		"internal/erpimport/read.go imports internal/app: readers never write",
		"internal/gadget: not in the table of layers: give it a rank",
		"internal/ledger/ledger.go imports database/sql: the domain imports no SQL, HTTP or storage",
		"internal/web/page.go imports internal/store: faces know the app, not the store",
	}
	slices.Sort(want)
	if got := check(g, ranks, rules); !slices.Equal(got, want) {
		t.Fatalf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestAddedImportFails adds one forbidden import at a time to the real
// graph: each must be reported, and nothing else.
func TestAddedImportFails(t *testing.T) {
	for _, c := range []struct {
		pkg, imp string
		want     []string
	}{
		{"internal/web", "internal/store", []string{"faces know the app, not the store"}},
		{"internal/api", "internal/store", []string{"faces know the app, not the store"}},
		{"internal/demo", "internal/store", []string{"faces know the app, not the store"}},
		{"internal/ledger", "net/http", []string{"the domain imports no SQL, HTTP or storage"}},
		{"internal/money", "database/sql", []string{"the domain imports no SQL, HTTP or storage"}},
		{"internal/app", "net/http", []string{"app leaves HTTP to the faces"}},
		{"internal/app", "net/url", []string{"app leaves query and form parsing to the faces"}},
		{"internal/erpimport", "internal/store", []string{"layer 2 may only import lower layers (internal/store is 3)", "readers never write"}},
		{"internal/ledger", "internal/app", []string{"layer 1 may only import lower layers (internal/app is 4)"}},
		{"internal/store", "internal/app", []string{"layer 3 may only import lower layers (internal/app is 4)"}},
		{"internal/web", "internal/api", []string{"layer 5 may only import lower layers (internal/api is 5)"}},
		{"internal/app", "internal/web", []string{"layer 4 may only import lower layers (internal/web is 5)"}},
	} {
		g, err := load("../..")
		if err != nil {
			t.Fatal(err)
		}
		file := c.pkg + "/added.go"
		g[c.pkg][file] = []string{c.imp}
		got := check(g, ranks, rules)
		var want []string
		for _, w := range c.want {
			want = append(want, file+" imports "+c.imp+": "+w)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s importing %s: got\n%s\nwant\n%s", c.pkg, c.imp, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestExceptionIsNamedAndTemporary: a file named in an exception may keep
// its import, another file of the package may not, and an exception no
// file uses any more is reported, so that it is removed.
func TestExceptionIsNamedAndTemporary(t *testing.T) {
	r := []rule{{name: "no http", pkgs: []string{"p"}, forbid: []string{"net/http"}, except: []string{"p/old.go", "p/gone.go"}}}
	g := graph{"p": {"p/old.go": {"net/http"}, "p/new.go": {"net/http", "strings"}}}
	got := check(g, map[string]int{"p": 0}, r)
	want := []string{
		`p/gone.go: no longer needs its exception to "no http": remove it`,
		"p/new.go imports net/http: no http",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
