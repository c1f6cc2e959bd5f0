package erpimport

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestMessages(t *testing.T) {
	placeholder := regexp.MustCompile(`\{[^}]*\}`)
	for code, m := range messages {
		for lang, text := range map[string]string{"en": m.en, "es": m.es} {
			if text == "" {
				t.Errorf("%s has no %s message", code, lang)
			}
			if strings.Count(text, "[") != strings.Count(text, "]") {
				t.Errorf("%s %s: unbalanced brackets", code, lang)
			}
			for _, p := range placeholder.FindAllString(text, -1) {
				if p != "{value}" && p != "{1}" && p != "{2}" {
					t.Errorf("%s %s: unknown placeholder %s", code, lang, p)
				}
			}
		}
		if placeholder.FindAllString(m.en, -1) == nil != (placeholder.FindAllString(m.es, -1) == nil) {
			t.Errorf("%s: the languages do not say the same", code)
		}
	}
	// Every code the package uses has messages.
	for _, code := range codesInSource(t) {
		if _, ok := messages[code]; !ok {
			t.Errorf("code %q has no messages", code)
		}
	}
}

// codesInSource finds the codes the package's code passes to the error
// constructors or assigns to a variable named code.
func codesInSource(t *testing.T) []string {
	files, _ := filepath.Glob("*.go")
	var codes []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		arg := map[string]int{"fail": 2, "broken": 1, "newFileError": 1, "newRowError": 4}
		lit := func(e ast.Expr) {
			if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
				s, _ := strconv.Unquote(b.Value)
				codes = append(codes, s)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if i, ok := arg[name]; ok && i < len(n.Args) {
					lit(n.Args[i])
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == "code" && i < len(n.Rhs) {
						lit(n.Rhs[i])
					}
				}
			}
			return true
		})
	}
	if len(codes) < 25 {
		t.Fatalf("found only %d codes in the source: %v", len(codes), codes)
	}
	return codes
}

// TestDocsListEveryCode keeps docs/import-format.md and the code table
// the same.
func TestDocsListEveryCode(t *testing.T) {
	doc, err := os.ReadFile("../../docs/import-format.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Error codes\n")
	if !ok {
		t.Fatal("docs/import-format.md has no \"## Error codes\" section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var listed []string
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first := strings.Split(line, "|")[1]
		for _, m := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(first, -1) {
			listed = append(listed, m[1])
		}
	}
	slices.Sort(listed)
	var codes []string
	for c := range messages {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	if !slices.Equal(listed, codes) {
		t.Fatalf("the docs list\n%v\nthe table has\n%v", listed, codes)
	}
}

func TestLocalized(t *testing.T) {
	e := newRowError("clientes.csv", 14, "due_date", "31/02/2026", "bad_date", "DD/MM/YYYY")
	if got := e.Error(); got != `clientes.csv: row 14, column "due_date": "31/02/2026" is not a valid date (DD/MM/YYYY)` {
		t.Errorf("English: %s", got)
	}
	if got := e.Localized("en"); got != e.Error() {
		t.Errorf("Localized(en): %s", got)
	}
	if got := e.Localized("es-ES"); got != `clientes.csv: fila 14, columna "due_date": "31/02/2026" no es una fecha válida (DD/MM/YYYY)` {
		t.Errorf("Spanish: %s", got)
	}
	e = newRowError("d.csv", 3, "open_amount", "60,00", "open_exceeds_amount", "60.00", "50.00")
	if e.Message != "the open amount 60.00 is greater than the amount 50.00" ||
		e.Localized("es") != `d.csv: fila 3, columna "open_amount": el importe pendiente 60.00 es mayor que el importe 50.00` {
		t.Errorf("%s / %s", e.Message, e.Localized("es"))
	}
	// An error made elsewhere, with no facts for the template: the
	// bracketed parts go.
	app := &RowError{File: "d.csv", Line: 2, Column: "credit_limit", Code: "currency_mismatch", Message: "the limit is in USD, the company's currency is EUR"}
	if got := app.Localized("es"); got != `d.csv: fila 2, columna "credit_limit": las monedas no coinciden` {
		t.Errorf("app error in Spanish: %s", got)
	}
	app = &RowError{File: "d.csv", Line: 2, Code: "no_such_code", Message: "something"}
	if got := app.Localized("es"); got != "d.csv: fila 2: something" {
		t.Errorf("unknown code: %s", got)
	}
	fe := newFileError("f.csv", "missing_column", "name, currency", nil, `"id;nombre"`)
	if fe.Error() != `f.csv: missing required columns: name, currency (the header read is "id;nombre"); name the file's columns with a mapping (--map FILE) or a preset (--preset NAME; cobro import presets lists them)` ||
		fe.Localized("es") != `f.csv: faltan columnas obligatorias: name, currency (la cabecera leída es "id;nombre"); indique las columnas del fichero con un fichero de correspondencias (--map FICHERO) o una plantilla (--preset NOMBRE; cobro import presets las lista)` {
		t.Errorf("%s / %s", fe.Error(), fe.Localized("es"))
	}
	fe = newFileError("f.csv", "ambiguous_decimal", "", nil)
	if !strings.HasSuffix(fe.Localized("es"), "decimales: indique --decimal comma o --decimal point") {
		t.Errorf("%s", fe.Localized("es"))
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("ñ", 100)
	e := newRowError("f", 2, "name", long, "field_too_long", "1000")
	if !strings.HasSuffix(e.Value, "…") || len(e.Value) > 84 || !strings.HasPrefix(long, strings.TrimSuffix(e.Value, "…")) {
		t.Errorf("clipped value %q", e.Value)
	}
}
