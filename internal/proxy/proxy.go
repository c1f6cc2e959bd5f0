// Package proxy decides which address a request comes from. Behind a
// reverse proxy every request arrives from the proxy, and the client's
// address travels in X-Forwarded-For; but anyone can send that header, so
// it is believed only from the proxies configured as trusted. Throttling
// and the audit log use the address it gives.
package proxy

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Trust is the set of proxies whose X-Forwarded-For is believed. The zero
// Trust believes no one: the client is the connection's peer.
type Trust struct {
	nets []netip.Prefix
}

// Parse reads a comma-separated list of CIDRs or single addresses
// ("10.0.0.0/8, 192.168.1.7"); "" trusts no proxy.
func Parse(list string) (Trust, error) {
	var t Trust
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return Trust{}, fmt.Errorf("trusted proxy %q: not an address or CIDR", f)
			}
			f = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()).String()
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return Trust{}, fmt.Errorf("trusted proxy %q: not an address or CIDR", f)
		}
		t.nets = append(t.nets, p.Masked())
	}
	return t, nil
}

// String lists the trusted networks.
func (t Trust) String() string {
	s := make([]string, len(t.nets))
	for i, p := range t.nets {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

func (t Trust) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t.nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr is the address a request comes from: the connection's peer,
// unless the peer is a trusted proxy; then X-Forwarded-For is read from
// the right (the hop the proxy itself added) and the first address that
// is not a trusted proxy is the client. Entries left of it, which the
// client could have written, are never read. A malformed entry stops the
// walk at the last trusted hop.
func (t Trust) ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || len(t.nets) == 0 || !t.trusted(peer) {
		return host
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = a.Unmap()
		if !t.trusted(client) {
			break
		}
	}
	return client.String()
}
