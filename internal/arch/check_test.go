package arch

import (
	"bufio"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// graph is a module's production imports: package (its directory relative
// to the module root, e.g. "internal/web") → file (relative to the root) →
// what the file imports. The module's own packages are named like the keys
// ("internal/store"); others keep their import path ("net/http").
// Test files are left out: a face's tests may open a database.
type graph map[string]map[string][]string

// load reads the imports of every package under root, skipping testdata.
func load(root string) (graph, error) {
	mod, err := modulePath(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, err
	}
	g := graph{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		pkg := filepath.ToSlash(filepath.Dir(rel))
		if g[pkg] == nil {
			g[pkg] = map[string][]string{}
		}
		imps := []string{}
		for _, is := range f.Imports {
			p, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: %w", rel, err)
			}
			if own, ok := strings.CutPrefix(p, mod+"/"); ok {
				p = own
			}
			imps = append(imps, p)
		}
		g[pkg][rel] = imps
		return nil
	})
	return g, err
}

func modulePath(gomod string) (string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(m), `"`), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s: no module line", gomod)
}

// rule forbids some imports to some packages.
type rule struct {
	name   string
	pkgs   []string // the packages bound by it
	forbid []string // import paths; each forbids its subpackages too
	// except lists files (relative to the module root) allowed a forbidden
	// import for now. An exception that is no longer used is a violation
	// too, so that it is removed with the last import it excused.
	except []string
}

// under reports whether import path p is path or one of its subpackages.
func under(p, path string) bool { return p == path || strings.HasPrefix(p, path+"/") }

// own reports whether an import names one of the module's packages.
func own(g graph, ranks map[string]int, p string) bool {
	_, ok := g[p]
	_, ranked := ranks[p]
	return ok || ranked
}

// check returns every broken rule of g, one line each, sorted: the layers
// (a package imports only the module's packages of a lower rank, and every
// package has a rank), then the named rules.
func check(g graph, ranks map[string]int, rules []rule) []string {
	var out []string
	for pkg, files := range g {
		r, ok := ranks[pkg]
		if !ok {
			out = append(out, fmt.Sprintf("%s: not in the table of layers: give it a rank", pkg))
			continue
		}
		for file, imps := range files {
			for _, p := range imps {
				if !own(g, ranks, p) {
					continue
				}
				if rp, ok := ranks[p]; ok && rp >= r {
					out = append(out, fmt.Sprintf("%s imports %s: layer %d may only import lower layers (%s is %d)", file, p, r, p, rp))
				}
			}
		}
	}
	for _, rl := range rules {
		used := map[string]bool{}
		for _, pkg := range rl.pkgs {
			for file, imps := range g[pkg] {
				for _, p := range imps {
					for _, f := range rl.forbid {
						if !under(p, f) {
							continue
						}
						if slices.Contains(rl.except, file) {
							used[file] = true
							continue
						}
						out = append(out, fmt.Sprintf("%s imports %s: %s", file, p, rl.name))
					}
				}
			}
		}
		for _, file := range rl.except {
			if !used[file] {
				out = append(out, fmt.Sprintf("%s: no longer needs its exception to %q: remove it", file, rl.name))
			}
		}
	}
	slices.Sort(out)
	return out
}
