package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestAccessFlags(t *testing.T) {
	parseAccess := func(args ...string) (access, error) {
		fs := newFlags(&env{stderr: &bytes.Buffer{}}, "serve")
		get := accessFlags(fs)
		if _, err := parse(fs, args); err != nil {
			return access{}, err
		}
		return get()
	}
	c, err := parseAccess()
	if err != nil || c.publicURL != "" || c.proxies.String() != "" || c.sessionIdle != 12*time.Hour {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	c, err = parseAccess("--public-url", "https://cobro.example.com/", "--trusted-proxies", "10.0.0.0/8,192.168.0.1", "--session-idle", "30m")
	if err != nil || c.publicURL != "https://cobro.example.com" || c.proxies.String() != "10.0.0.0/8,192.168.0.1/32" || c.sessionIdle != 30*time.Minute {
		t.Fatalf("flags: %+v %v", c, err)
	}
	t.Setenv("COBRO_PUBLIC_URL", "https://env.example/cobro")
	t.Setenv("COBRO_TRUSTED_PROXIES", "::1")
	t.Setenv("COBRO_SESSION_IDLE", "2h")
	if c, err = parseAccess(); err != nil || c.publicURL != "https://env.example/cobro" || c.proxies.String() != "::1/128" || c.sessionIdle != 2*time.Hour {
		t.Fatalf("environment: %+v %v", c, err)
	}
	for _, bad := range [][]string{
		{"--public-url", "cobro.example.com"}, {"--public-url", "ftp://x"}, {"--public-url", "https://x/?a=1"},
		{"--public-url", "https://user@x"}, {"--trusted-proxies", "10.0.0.0/99"}, {"--session-idle", "forever"},
		{"--session-idle", "1s"},
	} {
		if _, err := parseAccess(bad...); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%v: %v, want an error naming the flag", bad, err)
		}
	}
}
