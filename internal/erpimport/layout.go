package erpimport

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// maxPreamble bounds how far down a file its header is looked for when
// the mapping does not give header_row: exports put a title, the
// company's name and a date above it, never pages.
const maxPreamble = 50

// header is the row of a file that names its columns.
type header struct {
	file  string
	line  int
	names []string // as in the file
	canon []string // the canonical column of each, as named or mapped
}

// layout is where each column a read needs is in the file's records:
// canonical columns by name, and the file columns a mapping's sums and
// skip_when name by "@" and their folded header.
type layout struct {
	cols     map[string]int
	warnings []string
}

// findHeader reads up to the header: row header_row of the mapping, or
// else the first row that holds t's required columns (after the
// mapping), so that the title lines exports write above it are skipped,
// and reported. A file with no such row is refused showing the row
// that came closest.
func findHeader(recs records, opt Options, t table) (*header, layout, error) {
	want := opt.Mapping.headerRow()
	var best *header
	var bestErr error
	bestMissing, tried := -1, 0
	for {
		rec, line, err := recs.next()
		if errors.Is(err, io.EOF) {
			if best == nil {
				return nil, layout{}, newFileError(opt.File, "empty_file", "", nil)
			}
			return best, layout{}, bestErr
		}
		if err != nil {
			return nil, layout{}, err
		}
		if blank(rec) || line < want {
			continue
		}
		h := &header{file: opt.File, line: line, names: slices.Clone(rec), canon: make([]string, len(rec))}
		for i, name := range rec {
			h.canon[i] = headerColumn(opt.Mapping, name, t)
		}
		lay, missing, err := h.layout(t, opt.Mapping)
		if err == nil || want > 0 {
			if err == nil && line > 1 && want == 0 {
				lay.warnings = append([]string{fmt.Sprintf("%s: the header is row %d; the rows above it are skipped", opt.File, line)}, lay.warnings...)
			}
			return h, lay, err
		}
		if bestMissing < 0 || missing < bestMissing {
			best, bestErr, bestMissing = h, err, missing
		}
		if tried++; tried >= maxPreamble {
			return best, layout{}, bestErr
		}
	}
}

// layout finds where each column of t is. Columns t does not know, and
// repeated ones, are warnings; missing required ones (n of them) stop
// the file. A column given by the mapping's constants or sums is there.
func (h *header) layout(t table, m *Mapping) (layout, int, error) {
	cols := map[string]int{}
	var unknown, repeated, missing []string
	used := map[string]bool{} // file columns the mapping's sums and skip_when read
	for _, ps := range sortedKeys(m.sumsMap()) {
		for _, p := range m.sumsOf(ps) {
			used[p.key] = true
		}
	}
	for _, r := range m.skipRules() {
		used[r.key] = true
	}
	for i, c := range h.canon {
		name := strings.TrimSpace(h.names[i])
		if key := "@" + fold(strings.TrimPrefix(name, "\ufeff")); used[key] {
			if !hasKey(cols, key) {
				cols[key] = i
			}
			if !slices.Contains(t.columns, c) {
				continue
			}
		}
		switch {
		case c == "":
			continue
		case !slices.Contains(t.columns, c):
			unknown = append(unknown, name)
		case hasKey(cols, c):
			repeated = append(repeated, name)
		default:
			cols[c] = i
		}
	}
	given := func(c string) bool {
		_, constant := m.constant(c)
		return hasKey(cols, c) || constant || len(m.sumsOf(c)) > 0
	}
	for _, c := range t.required {
		if !given(c) {
			missing = append(missing, c)
		}
	}
	for _, c := range sortedKeys(m.sumsMap()) {
		for _, p := range m.sumsOf(c) {
			if !hasKey(cols, p.key) {
				missing = append(missing, fmt.Sprintf("%s (in the sums of %s)", p.header, c))
			}
		}
	}
	if len(t.oneOf) > 0 && !slices.ContainsFunc(t.oneOf, given) {
		missing = append(missing, strings.Join(t.oneOf, " or "))
	}
	if len(missing) > 0 {
		// The header as read tells a wrong separator or encoding.
		read := strconv.Quote(clipTo(strings.Join(h.names, ", "), 200))
		return layout{}, len(missing), newFileError(h.file, "missing_column", strings.Join(missing, ", "), nil, read)
	}
	var warnings []string
	if len(unknown) > 0 {
		warnings = append(warnings, fmt.Sprintf("%s: columns ignored (not columns of cobro): %s", h.file, strings.Join(unknown, ", ")))
	}
	if len(repeated) > 0 {
		warnings = append(warnings, fmt.Sprintf("%s: columns repeated (the first of each is read): %s", h.file, strings.Join(repeated, ", ")))
	}
	var noSkip []string
	for _, r := range m.skipRules() {
		if !hasKey(cols, r.key) {
			if i, ok := cols[canonical[fold(r.header)]]; ok {
				cols[r.key] = i // skip_when may name a canonical column the file calls otherwise
			} else {
				noSkip = append(noSkip, r.header)
			}
		}
	}
	if len(noSkip) > 0 {
		warnings = append(warnings, fmt.Sprintf("%s: skip_when names columns the file does not have: %s", h.file, strings.Join(noSkip, ", ")))
	}
	return layout{cols: cols, warnings: warnings}, 0, nil
}

// skipped reports whether a row matches one of the mapping's skip_when
// rules.
func skipped(m *Mapping, get cells) bool {
	for _, r := range m.skipRules() {
		v := fold(get(r.key))
		for _, p := range r.patterns {
			if wildcard(p, v) {
				return true
			}
		}
	}
	return false
}

// wildcard matches s against pattern, where '*' stands for any text
// (none included) and every other character for itself.
func wildcard(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}
