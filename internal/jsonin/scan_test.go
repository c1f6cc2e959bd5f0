package jsonin

import (
	"errors"
	"strings"
	"testing"
)

func TestScan(t *testing.T) {
	for _, c := range []struct {
		body, code, field string
	}{
		{`{"a": 1, "b": {"a": 1}, "c": [{"a": 1}, {"a": 2}]}`, "", ""},
		{`[{"a": 1}, {"a": 2}]`, "", ""},
		{`{"a": 1, "a": 2}`, "duplicate_key", "a"},
		{`{"a": {"b": {}, "c": [], "b": 1}}`, "duplicate_key", "a.b"},
		{`{"a": [1, {"x": 1}, {"x": 1, "y": [], "x": 2}]}`, "duplicate_key", "a[2].x"},
		{`{"a": {"b": {}}, "c": 1, "c": 2}`, "duplicate_key", "c"},
		{`[[], [{"k": 1, "k": 1}]]`, "duplicate_key", "[1][0].k"},
		{`{"\u0061": 1, "a": 2}`, "duplicate_key", "a"}, // the same key, escaped
		{`{"amount": {"amount": 10000000000000, "currency": "EUR"}}`, "", ""},
		{`{"amount": {"amount": 10000000000001, "currency": "EUR"}}`, "amount_too_large", "amount.amount"},
		{`{"x": [{"amount": {"currency": "EUR", "amount": -10000000000001}}]}`, "amount_too_large", "x[0].amount.amount"},
		{`{"amount": {"amount": 1e30, "currency": "EUR"}}`, "", ""}, // not an integer: the decoder refuses it
		{`{"count": 99999999999999999999}`, "", ""},                 // not money
		{`{"a": 1,`, "", ""}, // bad JSON: the decoder says so
		{``, "", ""},
	} {
		err := Scan([]byte(c.body))
		var ae *Error
		switch {
		case c.code == "" && err != nil:
			t.Errorf("%s: %v", c.body, err)
		case c.code != "" && (!errors.As(err, &ae) || ae.Code != c.code || ae.Field != c.field):
			t.Errorf("%s: %v, want %s at %q", c.body, err, c.code, c.field)
		}
	}
}

// Whatever the bytes, Scan neither panics nor refuses JSON without a
// repeated key or a large amount.
func FuzzScan(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":2}]}`, `[[[]]]`, `{"amount":{"amount":1,"currency":"EUR"}}`, `{"a":1,"a":1}`, `{`, `]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := Scan(b)
		if err != nil && !strings.Contains(string(b), `"`) {
			t.Fatalf("%q: refused without any key: %v", b, err)
		}
	})
}
