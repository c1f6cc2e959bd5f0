package cli

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"cobro/internal/app"
	"cobro/internal/proxy"
)

// access is what a server is told about who is who: the address links
// sent outside point to, the proxies whose X-Forwarded-For is believed,
// and how long an unused session lives.
type access struct {
	publicURL   string
	proxies     proxy.Trust
	sessionIdle time.Duration
}

// accessFlags adds --public-url, --trusted-proxies and --session-idle
// (defaults from COBRO_PUBLIC_URL, COBRO_TRUSTED_PROXIES and
// COBRO_SESSION_IDLE) and returns what reads them after parsing.
func accessFlags(fs *flag.FlagSet) func() (access, error) {
	public := fs.String("public-url", os.Getenv("COBRO_PUBLIC_URL"),
		"the address people reach cobro at, for links sent outside, e.g. https://cobro.example.com (env COBRO_PUBLIC_URL; default: the request's host)")
	proxies := fs.String("trusted-proxies", os.Getenv("COBRO_TRUSTED_PROXIES"),
		"comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (env COBRO_TRUSTED_PROXIES; default: none)")
	idleDef := app.DefaultSessionIdle.String()
	if v := os.Getenv("COBRO_SESSION_IDLE"); v != "" {
		idleDef = v
	}
	idle := fs.String("session-idle", idleDef, "a session ends after this long without a request (env COBRO_SESSION_IDLE)")
	return func() (access, error) {
		var c access
		var err error
		if c.publicURL, err = parsePublicURL(*public); err != nil {
			return c, err
		}
		if c.proxies, err = proxy.Parse(*proxies); err != nil {
			return c, fmt.Errorf("--trusted-proxies: %w", err)
		}
		if c.sessionIdle, err = time.ParseDuration(*idle); err != nil || c.sessionIdle < time.Minute {
			return c, fmt.Errorf("--session-idle %q: a duration of at least 1m, such as 12h or 30m", *idle)
		}
		return c, nil
	}
}

// parsePublicURL checks --public-url: http or https, a host, nothing
// after the path.
func parsePublicURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("--public-url %q: an http or https address such as https://cobro.example.com", s)
	}
	return strings.TrimRight(u.String(), "/"), nil
}
