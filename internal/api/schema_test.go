package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Every response the API tests receive is checked against openapi.json:
// its status must be documented for the operation, and its body must match
// the documented schema. The checker knows the part of JSON Schema the
// document uses ($ref, oneOf, type, enum, properties, required,
// additionalProperties, items, format, pattern) and fails on any other
// keyword, so a schema it cannot check is never passed unchecked. It is
// stricter than JSON Schema in one way: a property a response carries
// that its schema does not document is reported, so the document keeps up
// with what the API says.

var (
	specOnce sync.Once
	spec     map[string]any
	specErr  error
)

func openAPI() (map[string]any, error) {
	specOnce.Do(func() {
		specErr = json.Unmarshal(openAPIDoc, &spec)
	})
	return spec, specErr
}

// CheckResponse is checkResponse on the served document, for the tests of
// package api_test.
func CheckResponse(method, path string, status int, body []byte) []string {
	doc, err := openAPI()
	if err != nil {
		return []string{"openapi.json: " + err.Error()}
	}
	return checkResponse(doc, method, path, status, body)
}

// checkResponse reports what is wrong with a response to method path
// (its query left out) against the document. Paths the document does not
// describe (the JSON 404 of unknown routes) are not checked.
func checkResponse(doc map[string]any, method, path string, status int, body []byte) []string {
	op, template := operation(doc, method, path)
	if op == nil {
		return nil
	}
	where := fmt.Sprintf("%s %s → %d", method, template, status)
	responses, _ := op["responses"].(map[string]any)
	res, ok := responses[strconv.Itoa(status)].(map[string]any)
	if !ok {
		if res, ok = responses["default"].(map[string]any); !ok {
			return []string{where + ": status not documented"}
		}
	}
	res = resolve(doc, res)
	content, _ := res["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	schema, _ := media["schema"].(map[string]any)
	if pdf, ok := content["application/pdf"]; ok && pdf != nil && schema == nil {
		if !bytes.HasPrefix(body, []byte("%PDF-")) {
			return []string{where + ": documented as a PDF, and the body is not one"}
		}
		return nil
	}
	if schema == nil {
		if len(bytes.TrimSpace(body)) > 0 {
			return []string{where + ": a body where none is documented"}
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{fmt.Sprintf("%s: body is not JSON: %v", where, err)}
	}
	var out []string
	for _, p := range validate(doc, schema, v, "$") {
		out = append(out, where+": "+p)
	}
	return out
}

// operation finds the documented operation of method on path: a literal
// path first, else a template whose {params} match whole segments.
func operation(doc map[string]any, method, path string) (map[string]any, string) {
	paths, _ := doc["paths"].(map[string]any)
	m := strings.ToLower(method)
	if ops, ok := paths[path].(map[string]any); ok {
		op, _ := ops[m].(map[string]any)
		return op, path
	}
	segs := strings.Split(path, "/")
	templates := make([]string, 0, len(paths))
	for t := range paths {
		templates = append(templates, t)
	}
	slices.Sort(templates)
	for _, t := range templates {
		ts := strings.Split(t, "/")
		if len(ts) != len(segs) {
			continue
		}
		match := true
		for i := range ts {
			if !(strings.HasPrefix(ts[i], "{") && segs[i] != "") && ts[i] != segs[i] {
				match = false
				break
			}
		}
		if match {
			op, _ := paths[t].(map[string]any)[m].(map[string]any)
			return op, t
		}
	}
	return nil, ""
}

// resolve follows a local $ref ("#/components/...").
func resolve(doc map[string]any, s map[string]any) map[string]any {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		var cur any = doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := cur.(map[string]any)
			cur = m[part]
		}
		next, ok := cur.(map[string]any)
		if !ok {
			return map[string]any{"$unresolved": ref}
		}
		s = next
	}
}

var ignored = map[string]bool{"description": true, "title": true, "example": true, "examples": true, "summary": true}

// validate returns where v breaks schema, each as "at: what".
func validate(doc, schema map[string]any, v any, at string) []string {
	schema = resolve(doc, schema)
	var out []string
	bad := func(format string, args ...any) { out = append(out, at+": "+fmt.Sprintf(format, args...)) }
	for k := range schema {
		switch k {
		case "type", "enum", "properties", "required", "additionalProperties", "items", "format", "pattern", "oneOf",
			"minimum", "maximum", "maxLength", "minLength":
		default:
			if !ignored[k] {
				bad("schema keyword %q is not checked here", k)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	if alts, ok := schema["oneOf"].([]any); ok {
		n := 0
		for _, a := range alts {
			if s, ok := a.(map[string]any); ok && len(validate(doc, s, v, at)) == 0 {
				n++
			}
		}
		if n != 1 {
			bad("matches %d of oneOf's %d schemas, not one", n, len(alts))
		}
	}
	if t, ok := schema["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, fmt.Sprint(x))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return isType(v, t) }) {
			bad("%s is not %s", kind(v), strings.Join(types, " or "))
			return out
		}
	}
	if str, ok := v.(string); ok {
		n := utf8.RuneCountInString(str)
		if max, ok := schema["maxLength"].(float64); ok && float64(n) > max {
			bad("%d characters, more than maxLength %v", n, max)
		}
		if min, ok := schema["minLength"].(float64); ok && float64(n) < min {
			bad("%d characters, fewer than minLength %v", n, min)
		}
	}
	if n, ok := v.(json.Number); ok {
		// Bounds are integers here (money in minor units): compared
		// exactly, never through a float.
		for _, b := range []struct {
			key  string
			fail func(v, bound *big.Int) bool
		}{
			{"minimum", func(v, bound *big.Int) bool { return v.Cmp(bound) < 0 }},
			{"maximum", func(v, bound *big.Int) bool { return v.Cmp(bound) > 0 }},
		} {
			raw, ok := schema[b.key]
			if !ok {
				continue
			}
			text := fmt.Sprint(raw)
			if f, isFloat := raw.(float64); isFloat {
				text = strconv.FormatFloat(f, 'f', -1, 64) // 1e+13 → 10000000000000
			}
			bound, ok1 := new(big.Int).SetString(text, 10)
			val, ok2 := new(big.Int).SetString(n.String(), 10)
			switch {
			case !ok1 || !ok2:
				bad("%s %v or value %s is not an integer", b.key, raw, n)
			case b.fail(val, bound):
				bad("%s is past the %s %v", n, b.key, raw)
			}
		}
	}
	if enum, ok := schema["enum"].([]any); ok {
		if !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
			bad("%v is not one of %v", v, enum)
		}
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := v[r]; !ok {
				bad("required property %q is missing", r)
			}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if ps, ok := props[k].(map[string]any); ok {
				out = append(out, validate(doc, ps, v[k], at+"."+k)...)
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case map[string]any:
				out = append(out, validate(doc, ap, v[k], at+"."+k)...)
			case bool:
				if !ap {
					bad("property %q is not allowed", k)
				}
			default:
				if props != nil {
					bad("property %q is not documented", k)
				}
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, x := range v {
				out = append(out, validate(doc, items, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	case string:
		if p, ok := schema["pattern"].(string); ok {
			if re, err := regexp.Compile(p); err != nil || !re.MatchString(v) {
				bad("%q does not match %s", v, p)
			}
		}
		if f, ok := schema["format"].(string); ok {
			if err := checkFormat(f, v); err != nil {
				bad("%q is not a %s: %v", v, f, err)
			}
		}
	case json.Number:
		if f, _ := schema["format"].(string); f == "int64" {
			if _, err := strconv.ParseInt(v.String(), 10, 64); err != nil {
				bad("%s is not an int64", v)
			}
		}
	}
	return out
}

func checkFormat(f, v string) error {
	var err error
	switch f {
	case "date":
		_, err = time.Parse(time.DateOnly, v)
	case "date-time":
		_, err = time.Parse(time.RFC3339Nano, v)
	case "int64":
		return fmt.Errorf("int64 is a format of integers")
	default:
		return fmt.Errorf("format %q is not checked here", f)
	}
	return err
}

func asStrings(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func isType(v any, t string) bool {
	switch t {
	case "null":
		return v == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		return ok && !strings.ContainsAny(n.String(), ".eE")
	}
	return false
}

func kind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case json.Number:
		return "number " + v.String()
	case string:
		return fmt.Sprintf("string %q", v)
	default:
		return fmt.Sprintf("%T", v)
	}
}
