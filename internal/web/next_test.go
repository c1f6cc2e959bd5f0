package web

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
)

func TestSafeNext(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/customers", "/customers"},
		{"/customers?status=overdue&agent=AG1", "/customers?status=overdue&agent=AG1"},
		{"/debts?q=n%C3%BA%C3%B1ez", "/debts?q=n%C3%BA%C3%B1ez"},
		{"/customers/C%2F1", "/customers/C%2F1"},
		{"/customers/C-1#docs", "/customers/C-1"},
		{"/debts/", "/debts/"},
		{"/a/../../customers", "/customers"},
		{"/./customers", "/customers"},
		{"/a//b", "/a/b"},
		// Other hosts, however spelled.
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r/evil.example", "/"},
		{"\t//evil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/%0a/evil.example", "/"},
		{"/%2F/evil.example", "/"},
		{"/%2f%2fevil.example", "/"},
		{"/\\evil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"\\\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"http:/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"customers", "/"},
		{"/\x00", "/"},
		{"/\x7f", "/"},
		{"/\u0085/evil.example", "/"},
		{"/\xff", "/"},
		{"/x?next=%0d%0aSet-Cookie:x", "/"},
		{"/" + strings.Repeat("a", maxNext), "/"},
	} {
		if got := safeNext(c.in); got != c.want {
			t.Errorf("safeNext(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzSafeNext: whatever comes in, what goes out is a local path that a
// browser resolves on this site, with nothing it would drop or rewrite.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/customers?x=1", "//evil.example", "/\t/evil.example", "/%09/evil.example",
		"/\\evil", "/%5C%5Cevil", "https://evil.example", "/a/../b", "/x#y", "/\u2028//e"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://cobro.example/login")
	f.Fuzz(func(t *testing.T, in string) {
		out := safeNext(in)
		if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || strings.ContainsAny(out, "\\#") ||
			strings.ContainsFunc(out, func(r rune) bool { return unicode.IsControl(r) || r > unicode.MaxASCII }) {
			t.Fatalf("safeNext(%q) = %q", in, out)
		}
		u, err := url.Parse(out)
		if err != nil {
			t.Fatalf("safeNext(%q) = %q does not parse: %v", in, out, err)
		}
		if got := base.ResolveReference(u); got.Host != base.Host || got.Scheme != base.Scheme {
			t.Fatalf("safeNext(%q) = %q leads to %s", in, out, got)
		}
		if again := safeNext(out); again != out {
			t.Fatalf("safeNext is not stable: %q -> %q -> %q", in, out, again)
		}
	})
}
