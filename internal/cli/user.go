package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"cobro/internal/app"
	"cobro/internal/auth"
)

// cmdUser: cobro user add NAME --role ROLE [--agent CODE]. The password is
// read from standard input, never from the command line (where it would
// sit in the shell history and the process list).
func cmdUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage: cobro user add NAME --role agent|supervisor|administration|management [--agent CODE] < password")
	}
	fs := newFlags(e, "user add")
	dsn := dbFlag(fs)
	role := fs.String("role", "", "agent, supervisor, administration or management")
	agent := fs.String("agent", "", "for an agent: their agent code from the ERP")
	display := fs.String("display-name", "", "the name shown on pages")
	lang := fs.String("language", "", "es or en (the browser's language when blank)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("usage: cobro user add NAME --role ROLE [--agent CODE] < password")
	}
	fmt.Fprintln(e.stderr, "password (from standard input):")
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("no password on standard input")
	}
	password := strings.TrimRight(line, "\r\n")
	a, done, err := openApp(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	u := app.User{Name: pos[0], DisplayName: *display, Role: *role, Agent: *agent, Language: *lang}
	if err := a.AddUser(ctx, auth.System("cli"), u, password); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s added (%s)\n", u.Name, u.Role)
	return nil
}
