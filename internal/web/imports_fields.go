package web

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/url"
	"strings"

	"cobro/internal/erpimport"
)

// mappingField is one canonical column in the field-by-field form: the
// file column read as it and its constant, as the mapping stands.
type mappingField struct {
	Name     string   // canonical column
	Column   string   // the file's column read as it ("" none)
	Constant string   // the mapping's constant for it
	Options  []string // the file's columns
}

// fieldsOf is the field-by-field form for the kind's canonical columns:
// which file column each is read from (as the check found) and the
// mapping's constant.
func fieldsOf(canonical []string, found []erpimport.FileColumn, mapping []byte) []mappingField {
	var m erpimport.Mapping
	_ = json.Unmarshal(mapping, &m) // the mapping shown was checked
	var names []string
	for _, c := range found {
		names = append(names, c.Name)
	}
	out := make([]mappingField, 0, len(canonical))
	for _, c := range canonical {
		f := mappingField{Name: c, Constant: m.Constants[c], Options: names}
		for _, fc := range found {
			if fc.Column == c {
				f.Column = fc.Name
				break
			}
		}
		out = append(out, f)
	}
	return out
}

// mergeFields applies the field-by-field form to the mapping file posted
// beside it: a field changed from what the page showed (was.col.X,
// was.const.X) wins over the JSON for that column; the rest of the JSON
// stays as edited. A mapping that is not JSON is left as it is, for the
// check to refuse (bad_mapping).
func mergeFields(mapping []byte, form url.Values) []byte {
	var m erpimport.Mapping
	base := mapping
	if len(bytes.TrimSpace(base)) == 0 {
		base = []byte("{}")
	}
	if json.Unmarshal(base, &m) != nil {
		return mapping
	}
	changed := false
	for key, vals := range form {
		col, ok := strings.CutPrefix(key, "col.")
		if ok && col != "" && len(vals) == 1 && vals[0] != form.Get("was.col."+col) {
			if m.Columns == nil {
				m.Columns = map[string]string{}
			}
			maps.DeleteFunc(m.Columns, func(_, to string) bool { return to == col })
			if vals[0] != "" {
				m.Columns[vals[0]] = col
			}
			changed = true
		}
		col, ok = strings.CutPrefix(key, "const.")
		if ok && col != "" && len(vals) == 1 && vals[0] != form.Get("was.const."+col) {
			if m.Constants == nil {
				m.Constants = map[string]string{}
			}
			delete(m.Constants, col)
			if vals[0] != "" {
				m.Constants[col] = vals[0]
			}
			changed = true
		}
	}
	if !changed {
		return mapping
	}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return mapping
	}
	return out
}
