// Package i18n holds what cobro says to people in English and Spanish:
// message catalogs keyed by stable codes, and the choice of language from a
// user's setting or the browser's Accept-Language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"golang.org/x/text/language"
)

// Lang is a supported language: "en" or "es".
type Lang string

const (
	English Lang = "en"
	Spanish Lang = "es"
)

// The catalogue of a language is every file messages/<lang>/*.json, one
// per area of the product (so each area's messages live together); a key
// defined in two files is a build error caught at start.
//
//go:embed messages
var files embed.FS

var catalogs = map[Lang]map[string]string{}

func init() {
	for _, l := range []Lang{English, Spanish} {
		m, err := load(files, l)
		if err != nil {
			panic(err) // embedded: cannot happen in a built binary that passed its tests
		}
		catalogs[l] = m
	}
}

func load(fsys fs.FS, l Lang) (map[string]string, error) {
	names, err := fs.Glob(fsys, "messages/"+string(l)+"/*.json")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("i18n: no catalogue for %s", l)
	}
	m := map[string]string{}
	from := map[string]string{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		part := map[string]string{}
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("i18n: %s: %v", name, err)
		}
		for k, v := range part {
			if prev, dup := from[k]; dup {
				return nil, fmt.Errorf("i18n: key %q is in both %s and %s", k, prev, name)
			}
			m[k], from[k] = v, name
		}
	}
	return m, nil
}

var matcher = language.NewMatcher([]language.Tag{language.English, language.Spanish})

// Negotiate picks the language for a user: their setting when it is one we
// speak, else the best match of an Accept-Language header, else English.
func Negotiate(setting, acceptLanguage string) Lang {
	if l, ok := Parse(setting); ok {
		return l
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return English
	}
	return []Lang{English, Spanish}[i]
}

// Parse reads "en", "es", "es-ES", "EN"...
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "en" || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en_"):
		return English, true
	case s == "es" || strings.HasPrefix(s, "es-") || strings.HasPrefix(s, "es_"):
		return Spanish, true
	}
	return "", false
}

// T returns the message for key in lang, with {name} placeholders and
// {name, plural, ...} choices (plural.go) filled from args (name, value,
// name, value...). A key missing in lang falls back
// to English, then to the key itself: a missing translation shows, it does
// not break the page. Tests check both catalogs hold the same keys.
func T(lang Lang, key string, args ...any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		if msg, ok = catalogs[English][key]; !ok {
			msg = key
		}
	}
	return format(lang, msg, args)
}

// Template is the catalog's text for key in lang as written, with its
// placeholders unfilled, for a package that fills them by rules of its
// own (erpimport's optional [parts]); ok is false when lang lacks it.
func Template(lang Lang, key string) (string, bool) {
	msg, ok := catalogs[lang][key]
	return msg, ok
}

// Has reports whether key is in the catalog of lang.
func Has(lang Lang, key string) bool { _, ok := catalogs[lang][key]; return ok }

// Keys lists the keys of a language's catalog.
func Keys(lang Lang) []string {
	out := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		out = append(out, k)
	}
	return out
}
