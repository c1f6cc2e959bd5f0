package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readmeBlock is the bash block under the README's "## Running it".
func readmeBlock(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "## Running it")
	if !ok {
		t.Fatal(`README.md has no "## Running it"`)
	}
	_, after, ok = strings.Cut(after, "```bash\n")
	block, _, ok2 := strings.Cut(after, "```")
	if !ok || !ok2 {
		t.Fatal(`no bash block under "## Running it"`)
	}
	return strings.Split(strings.TrimSpace(block), "\n")
}

// shellWords splits a line as a POSIX shell would for the README's simple
// commands: words, '…' and "…" quotes, a trailing # comment, one pipe.
func shellWords(t *testing.T, line string) (stdin string, words []string) {
	t.Helper()
	var cur strings.Builder
	var out [][]string
	var cmd []string
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(line[i+1:], c)
			if end < 0 {
				t.Fatalf("unclosed quote: %s", line)
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				cmd, inWord = append(cmd, cur.String()), false
				cur.Reset()
			}
		case c == '#' && !inWord:
			i = len(line)
		case c == '|' && !inWord:
			out, cmd = append(out, cmd), nil
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		cmd = append(cmd, cur.String())
	}
	out = append(out, cmd)
	switch {
	case len(out) == 2 && len(out[0]) > 0 && out[0][0] == "echo":
		return strings.Join(out[0][1:], " ") + "\n", out[1]
	case len(out) == 1:
		return "", out[0]
	}
	t.Fatalf("a pipe the test does not know: %s", line)
	return "", nil
}

// TestReadmeRunningIt runs the README's "Running it" commands, in order,
// through the CLI entry point, in a fresh directory holding only the
// files the README names (docs/examples): each must succeed as written.
// cobro serve runs for a moment on a free port, then stops as with Ctrl-C.
func TestReadmeRunningIt(t *testing.T) {
	lines := readmeBlock(t)
	examples, err := filepath.Abs("../../docs/examples")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "docs", "examples"), os.DirFS(examples)); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv("COBRO_DB", "")
	t.Setenv("COBRO_ADDR", "")
	ran := map[string]bool{}
	for _, line := range lines {
		stdin, words := shellWords(t, line)
		if len(words) == 0 {
			continue
		}
		if words[0] == "go" {
			continue // go build: the test runs the same code in-process
		}
		if words[0] != "./cobro" {
			t.Fatalf("a README command the test does not know: %s", line)
		}
		args := words[1:]
		ran[args[0]] = true
		if args[0] == "serve" {
			for i, a := range args {
				if a == "--addr" {
					args[i+1] = "127.0.0.1:0" // the README's port may be taken here
				}
			}
			var out, errb bytes.Buffer
			e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, log: slog.New(slog.NewJSONHandler(&errb, nil))}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			err := cmdServe(ctx, e, args[1:])
			cancel()
			if err != nil || !strings.Contains(errb.String(), `"msg":"serving"`) {
				t.Fatalf("%s\n%v\n%s", line, err, errb.String())
			}
			continue
		}
		code, out, errs := run(t, stdin, args...)
		if code != 0 {
			t.Fatalf("README command failed (%d): %s\n%s%s", code, line, out, errs)
		}
		if args[0] == "token" && !strings.HasPrefix(out, "cobro_") {
			t.Errorf("%s printed no token: %q", line, out)
		}
	}
	for _, want := range []string{"migrate", "company", "import", "token", "user", "serve", "check"} {
		if !ran[want] {
			t.Errorf("the README block no longer runs cobro %s: update this test's expectations", want)
		}
	}
}

// TestFailedCommandLeavesNoDatabase: a command that fails on a directory
// with no database creates none (it used to leave an empty cobro.db).
func TestFailedCommandLeavesNoDatabase(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("COBRO_DB", "")
	for _, args := range [][]string{
		{"token", "create", "--name", "ana-phone", "--user", "ana"},
		{"check"},
		{"import", "customers", "missing.csv"},
		{"backup", "b.db"},
		{"company", "--name", "X", "--time-zone", "Mars/Olympus"},
	} {
		if code, _, _ := run(t, "", args...); code == 0 {
			t.Errorf("%v succeeded on a fresh directory", args)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			t.Errorf("%v failed and left %s behind", args, e.Name())
			os.Remove(e.Name())
		}
	}
	// A failed command that wrote something (an import applies its valid
	// rows and exits 1 for a rejected one) keeps what it wrote.
	custs := write(t, dir, "customers.csv", "customer_id,name,currency\nC-1,Bar Sol,EUR\nC-2,,EUR\n")
	if code, out, errs := run(t, "", "import", "customers", custs); code != 1 || !strings.Contains(out, "1 inserted") {
		t.Fatalf("import with a rejected row on a fresh directory: %d %s %s", code, out, errs)
	}
	if _, err := os.Stat("cobro.db"); err != nil {
		t.Fatalf("the rows a failed import applied were removed with the database: %v", err)
	}
	for _, name := range []string{"cobro.db", "cobro.db-wal", "cobro.db-shm", custs} {
		os.Remove(name)
	}

	// A command that succeeds creates it, of course.
	if code, _, errs := run(t, "", "migrate"); code != 0 {
		t.Fatal(errs)
	}
	if _, err := os.Stat("cobro.db"); err != nil {
		t.Fatalf("migrate created no cobro.db: %v", err)
	}
	// And a failure on an existing database keeps it.
	if code, _, _ := run(t, "", "token", "create", "--name", "x", "--user", "nobody"); code == 0 {
		t.Fatal("a token for a missing user")
	}
	if _, err := os.Stat("cobro.db"); err != nil {
		t.Fatalf("a failed command removed an existing database: %v", err)
	}
}
