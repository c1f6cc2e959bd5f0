package web

import (
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNext bounds the after-sign-in address kept in a form or a link.
const maxNext = 2048

// safeNext is where to go after signing in or changing the language: a
// path on this site, normalised, or "/" when next is anything else. A
// browser drops tabs and newlines from an address and reads a backslash
// as a slash, so "/\t/evil.example" or "/\\evil.example" would take it
// to another host: next is refused whole when it holds a control
// character or a backslash, raw or percent-encoded, when it is not
// valid UTF-8, when it names a scheme or a host, or when its path does
// not begin with exactly one slash. The fragment is dropped.
func safeNext(next string) string {
	if next == "" || len(next) > maxNext || !utf8.ValidString(next) || unsafeChars(next) {
		return "/"
	}
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	if unsafeChars(u.Path) || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	if q, err := url.QueryUnescape(u.RawQuery); err != nil || unsafeChars(q) {
		return "/"
	}
	clean := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && clean != "/" {
		clean += "/"
	}
	out := url.URL{Path: clean, RawQuery: u.RawQuery}
	if clean == u.Path {
		out.RawPath = u.RawPath // keep the request's own escaping
	}
	s := out.String()
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return "/"
	}
	return s
}

// unsafeChars reports a control character (ASCII or Unicode) or a
// backslash in s.
func unsafeChars(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r == '\\' || unicode.IsControl(r) || r == utf8.RuneError })
}
