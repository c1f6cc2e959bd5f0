package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"cobro/internal/app"
	"cobro/internal/auth"
)

const userUsage = `usage: cobro user add NAME --role agent|supervisor|administration|management [--agent CODE] < password
       cobro user list
       cobro user disable NAME
       cobro user enable NAME
       cobro user passwd NAME < password`

// cmdUser: cobro user add|list|disable|enable|passwd. Passwords are read
// from standard input, never from the command line (where they would sit
// in the shell history and the process list).
func cmdUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", userUsage)
	}
	switch args[0] {
	case "add":
		return cmdUserAdd(ctx, e, args[1:])
	case "list":
		return cmdUserList(ctx, e, args[1:])
	case "disable", "enable":
		return cmdUserDisable(ctx, e, args[0], args[1:])
	case "passwd":
		return cmdUserPasswd(ctx, e, args[1:])
	}
	return fmt.Errorf("unknown user command %q\n%s", args[0], userUsage)
}

func readPassword(e *env) (string, error) {
	fmt.Fprintln(e.stderr, "password (from standard input):")
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func cmdUserAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user add")
	dsn := dbFlag(fs)
	role := fs.String("role", "", "agent, supervisor, administration or management")
	agent := fs.String("agent", "", "for an agent: their agent code from the ERP")
	display := fs.String("display-name", "", "the name shown on pages")
	lang := fs.String("language", "", "es or en (the browser's language when blank)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("usage: cobro user add NAME --role ROLE [--agent CODE] < password")
	}
	password, err := readPassword(e)
	if err != nil {
		return err
	}
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

func cmdUserList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user list")
	dsn := dbFlag(fs)
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("usage: cobro user list")
	}
	a, done, err := openApp(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	us, err := a.Users(ctx, auth.System("cli"))
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tROLE\tAGENT\tLAST SIGN-IN\tTOKENS\tSTATE")
	for _, u := range us {
		state := "enabled"
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\n", u.Name, u.Role, dash(u.Agent), stamp(u.LastSignInAt), len(u.Tokens), state)
	}
	return w.Flush()
}

func cmdUserDisable(ctx context.Context, e *env, verb string, args []string) error {
	fs := newFlags(e, "user "+verb)
	dsn := dbFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("usage: cobro user %s NAME", verb)
	}
	a, done, err := openApp(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	if verb == "disable" {
		err = a.DisableUser(ctx, auth.System("cli"), pos[0], "")
	} else {
		err = a.EnableUser(ctx, auth.System("cli"), pos[0])
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s %sd\n", pos[0], verb)
	return nil
}

func cmdUserPasswd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user passwd")
	dsn := dbFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("usage: cobro user passwd NAME < password")
	}
	password, err := readPassword(e)
	if err != nil {
		return err
	}
	a, done, err := openApp(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	if err := a.SetPassword(ctx, auth.System("cli"), pos[0], password, ""); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "password of %s changed; their sessions ended\n", pos[0])
	return nil
}
