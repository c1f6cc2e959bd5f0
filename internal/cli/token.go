package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"cobro/internal/auth"
)

const tokenUsage = `usage: cobro token create --name NAME (--role admin|integration | --user NAME)
       cobro token list
       cobro token revoke NAME|ID`

// cmdToken: cobro token create|list|revoke.
func cmdToken(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", tokenUsage)
	}
	switch args[0] {
	case "create":
		return cmdTokenCreate(ctx, e, args[1:])
	case "list":
		return cmdTokenList(ctx, e, args[1:])
	case "revoke":
		return cmdTokenRevoke(ctx, e, args[1:])
	}
	return fmt.Errorf("unknown token command %q\n%s", args[0], tokenUsage)
}

func cmdTokenCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token create")
	dsn := dbFlag(fs)
	name := fs.String("name", "", "a name for the token (shown in the audit log)")
	role := fs.String("role", "", "admin or integration")
	user := fs.String("user", "", "act as this user, with the user's rights")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *user != "" && *role != "" {
		return fmt.Errorf("give --role or --user, not both")
	}
	var r auth.Role
	if *user == "" {
		var err error
		if r, err = parseTokenRole(*role); err != nil {
			return fmt.Errorf("%w\n%s", err, tokenUsage)
		}
	}
	a, done, err := openApp(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	secret, err := a.CreateToken(ctx, *name, r, *user)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, secret)
	return nil
}

func cmdTokenList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token list")
	dsn := dbFlag(fs)
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("usage: cobro token list")
	}
	a, done, err := openApp(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	toks, err := a.Tokens(ctx, auth.System("cli"))
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tROLE\tUSER\tCREATED\tLAST USED\tSTATE")
	for _, t := range toks {
		state := "live"
		if t.Revoked() {
			state = "revoked " + stamp(t.RevokedAt)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, dash(t.User), stamp(t.CreatedAt), stamp(t.LastUsedAt), state)
	}
	return w.Flush()
}

func cmdTokenRevoke(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token revoke")
	dsn := dbFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("usage: cobro token revoke NAME|ID")
	}
	a, done, err := openApp(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	t, err := a.RevokeToken(ctx, auth.System("cli"), pos[0], "")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "token %s (%s) revoked\n", t.Name, t.ID)
	return nil
}

// stamp shows an instant in a listing: UTC to the minute, "-" for never.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
