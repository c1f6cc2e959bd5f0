package proxy

import (
	"net/http"
	"testing"
)

func TestClientAddr(t *testing.T) {
	trust, err := Parse("10.0.0.0/8, 192.168.1.7 ,::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		trust  Trust
		remote string
		xff    []string
		want   string
	}{
		// No trusted proxy: the header is never believed.
		{Trust{}, "203.0.113.9:5000", []string{"1.2.3.4"}, "203.0.113.9"},
		{Trust{}, "[2001:db8::1]:443", nil, "2001:db8::1"},
		// From an untrusted peer the header is ignored.
		{trust, "203.0.113.9:5000", []string{"1.2.3.4"}, "203.0.113.9"},
		{trust, "10.1.2.3:5000", nil, "10.1.2.3"},
		{trust, "10.1.2.3:5000", []string{"198.51.100.4"}, "198.51.100.4"},
		// The client's own claim, left of the proxy's entry, is not read.
		{trust, "10.1.2.3:5000", []string{"1.2.3.4, 198.51.100.4"}, "198.51.100.4"},
		{trust, "10.1.2.3:5000", []string{"1.2.3.4", "198.51.100.4"}, "198.51.100.4"},
		// Trusted hops are skipped.
		{trust, "10.1.2.3:5000", []string{"198.51.100.4, 192.168.1.7, 10.9.9.9"}, "198.51.100.4"},
		{trust, "[::1]:80", []string{"198.51.100.4"}, "198.51.100.4"},
		{trust, "10.1.2.3:5000", []string{"::ffff:198.51.100.4"}, "198.51.100.4"},
		// Every hop trusted: the leftmost one.
		{trust, "10.1.2.3:5000", []string{"10.0.0.5, 10.0.0.6"}, "10.0.0.5"},
		// Garbage stops at the last trusted hop.
		{trust, "10.1.2.3:5000", []string{"198.51.100.4, evil, 10.0.0.6"}, "10.0.0.6"},
		{trust, "10.1.2.3:5000", []string{"<script>"}, "10.1.2.3"},
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		for _, h := range c.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		if got := c.trust.ClientAddr(r); got != c.want {
			t.Errorf("trust %s, peer %s, X-Forwarded-For %q: %s, want %s", c.trust, c.remote, c.xff, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	if tr, err := Parse(""); err != nil || len(tr.nets) != 0 {
		t.Errorf("empty: %v %v", tr, err)
	}
	if tr, err := Parse("10.1.2.3/8,fd00::/8"); err != nil || tr.String() != "10.0.0.0/8,fd00::/8" {
		t.Errorf("masked: %v %v", tr, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0", "*"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
