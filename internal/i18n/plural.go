package i18n

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// A message may choose its words by a number, ICU style, with the plural
// rules of its language (CLDR's, from golang.org/x/text/feature/plural):
//
//	"{days, plural, one {# day late} other {# days late}}"
//
// The argument is a count (an integer, or a string of one). A branch is
// "=N" for exactly N, or a CLDR form: zero, one, two, few, many, other;
// "=N" wins over a form, and "other" is taken when no other branch fits, so
// every plural needs one. In a branch, # is the count and {name} the other
// arguments. Everywhere else {name} is replaced as before.

var forms = map[string]plural.Form{
	"zero": plural.Zero, "one": plural.One, "two": plural.Two, "few": plural.Few, "many": plural.Many, "other": plural.Other,
}

var tags = map[Lang]language.Tag{English: language.English, Spanish: language.Spanish}

// branch is one choice of a plural: its selector ("one", "=0") and text.
type branch struct{ sel, text string }

// format fills msg's placeholders and plurals from args (name, value...).
func format(lang Lang, msg string, args []any) string {
	if !strings.Contains(msg, "{") {
		return msg
	}
	if !strings.Contains(msg, "plural,") {
		return substitute(msg, args)
	}
	var b strings.Builder
	for {
		start, end, name, branches, err := nextPlural(msg)
		if err != nil || start < 0 {
			// A broken plural shows as written (the catalog test
			// keeps them out).
			b.WriteString(substitute(msg, args))
			return b.String()
		}
		b.WriteString(substitute(msg[:start], args))
		n, ok := count(args, name)
		text := choose(lang, n, ok, branches)
		if ok {
			text = strings.ReplaceAll(text, "#", strconv.FormatInt(n, 10))
		}
		b.WriteString(format(lang, text, args))
		msg = msg[end:]
	}
}

// substitute replaces each {name} of msg by its argument.
func substitute(msg string, args []any) string {
	for i := 0; i+1 < len(args); i += 2 {
		msg = strings.ReplaceAll(msg, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return msg
}

// nextPlural finds the first "{name, plural, ...}" of msg: where it starts
// and ends, its argument and branches; start is -1 when there is none.
func nextPlural(msg string) (start, end int, name string, branches []branch, err error) {
	for i := 0; i < len(msg); i++ {
		if msg[i] != '{' {
			continue
		}
		inner := msg[i+1:]
		comma := strings.IndexByte(inner, ',')
		closing := strings.IndexByte(inner, '}')
		if comma < 0 || (closing >= 0 && closing < comma) {
			continue
		}
		rest := strings.TrimLeft(inner[comma+1:], " ")
		if !strings.HasPrefix(rest, "plural,") {
			continue
		}
		name = strings.TrimSpace(inner[:comma])
		pos := len(msg) - len(rest) + len("plural,")
		for {
			for pos < len(msg) && msg[pos] == ' ' {
				pos++
			}
			if pos >= len(msg) {
				return 0, 0, "", nil, fmt.Errorf("plural of %q is not closed", name)
			}
			if msg[pos] == '}' {
				return i, pos + 1, name, branches, nil
			}
			open := strings.IndexByte(msg[pos:], '{')
			if open < 0 {
				return 0, 0, "", nil, fmt.Errorf("plural of %q: a branch without text", name)
			}
			sel := strings.TrimSpace(msg[pos : pos+open])
			depth, j := 0, pos+open
			for ; j < len(msg); j++ {
				if msg[j] == '{' {
					depth++
				} else if msg[j] == '}' {
					if depth--; depth == 0 {
						break
					}
				}
			}
			if j >= len(msg) {
				return 0, 0, "", nil, fmt.Errorf("plural of %q: branch %q is not closed", name, sel)
			}
			branches = append(branches, branch{sel: sel, text: msg[pos+open+1 : j]})
			pos = j + 1
		}
	}
	return -1, 0, "", nil, nil
}

// count is the integer value of argument name.
func count(args []any, name string) (int64, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if fmt.Sprint(args[i]) != name {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(fmt.Sprint(args[i+1])), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// choose picks the branch for n: an exact "=n", else n's plural form in
// lang, else "other".
func choose(lang Lang, n int64, ok bool, branches []branch) string {
	if ok {
		exact := "=" + strconv.FormatInt(n, 10)
		for _, br := range branches {
			if br.sel == exact {
				return br.text
			}
		}
		abs := n
		if abs < 0 {
			abs = -abs
		}
		form := plural.Cardinal.MatchPlural(tags[lang], int(abs%10_000_000), 0, 0, 0, 0)
		for _, br := range branches {
			if f, known := forms[br.sel]; known && f == form {
				return br.text
			}
		}
	}
	for _, br := range branches {
		if br.sel == "other" {
			return br.text
		}
	}
	return ""
}

// checkMessage reports what is wrong with a message's plurals: one that is
// not closed, has no "other" branch, or a selector that is neither "=N" nor
// a CLDR form.
func checkMessage(msg string) error {
	for {
		start, end, name, branches, err := nextPlural(msg)
		if err != nil || start < 0 {
			return err
		}
		other := false
		for _, br := range branches {
			_, isForm := forms[br.sel]
			_, numErr := strconv.ParseInt(strings.TrimPrefix(br.sel, "="), 10, 64)
			if !isForm && (!strings.HasPrefix(br.sel, "=") || numErr != nil) {
				return fmt.Errorf("plural of %q: unknown selector %q", name, br.sel)
			}
			other = other || br.sel == "other"
			if err := checkMessage(br.text); err != nil {
				return err
			}
		}
		if !other {
			return fmt.Errorf("plural of %q has no other branch", name)
		}
		msg = msg[end:]
	}
}
