package erpimport

import (
	"strconv"
	"strings"

	"cobro/internal/i18n"
)

// message is the text of one error code in each language the product
// speaks, from the one catalogue of internal/i18n (its "import.CODE"
// keys); the codes themselves are stable and documented in
// docs/import-format.md.
//
// In a template, {value} is the offending value, quoted; {1} and {2} are
// language-neutral facts (a currency, an amount, a column list) or, for
// file errors found by a parser, the parser's own words. A part in
// [brackets] is left out when a placeholder in it is empty, so that one
// template serves errors made with less information (those package app
// makes, for instance).
type message struct{ en, es string }

// messagePrefix is where the import's codes live in the catalogue.
const messagePrefix = "import."

// messages are the import's error codes with their templates.
var messages = func() map[string]message {
	out := map[string]message{}
	for _, key := range i18n.Keys(i18n.English) {
		code, ok := strings.CutPrefix(key, messagePrefix)
		if !ok {
			continue
		}
		en, _ := i18n.Template(i18n.English, key)
		es, _ := i18n.Template(i18n.Spanish, key)
		out[code] = message{en: en, es: es}
	}
	return out
}()

// render fills a template in lang ("es", else English) for code; ok is
// false when the code has no template.
func render(lang, code, value string, args []string) (string, bool) {
	m, ok := messages[code]
	if !ok {
		return "", false
	}
	t := m.en
	if isSpanish(lang) {
		t = m.es
	}
	fills := map[string]string{"{value}": ""}
	if value != "" {
		fills["{value}"] = strconv.Quote(value)
	}
	for i := 1; i <= 2; i++ {
		fills["{"+strconv.Itoa(i)+"}"] = ""
		if i <= len(args) {
			fills["{"+strconv.Itoa(i)+"}"] = args[i-1]
		}
	}
	fill := func(s string) (string, bool) {
		complete := true
		for k, v := range fills {
			if strings.Contains(s, k) {
				s = strings.ReplaceAll(s, k, v)
				complete = complete && v != ""
			}
		}
		return s, complete
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(t, '[')
		end := strings.IndexByte(t[open+1:], ']') + open + 1
		if open < 0 || end <= open {
			s, _ := fill(t)
			b.WriteString(s)
			return b.String(), true
		}
		s, _ := fill(t[:open])
		b.WriteString(s)
		if part, complete := fill(t[open+1 : end]); complete {
			b.WriteString(part)
		}
		t = t[end+1:]
	}
}

func isSpanish(lang string) bool {
	return strings.HasPrefix(strings.ToLower(lang), "es")
}
