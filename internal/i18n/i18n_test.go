package i18n

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"cobro/internal/civil"
	"cobro/internal/money"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	en, es := Keys(English), Keys(Spanish)
	slices.Sort(en)
	slices.Sort(es)
	for _, k := range en {
		if !Has(Spanish, k) {
			t.Errorf("missing in es.json: %s", k)
		}
	}
	for _, k := range es {
		if !Has(English, k) {
			t.Errorf("missing in en.json: %s", k)
		}
	}
}

func TestMoneyAndDates(t *testing.T) {
	cases := []struct {
		lang Lang
		a    money.Amount
		want string
	}{
		{Spanish, money.New(123456, "EUR"), "1.234,56\u00a0€"},
		{English, money.New(123456, "EUR"), "€1,234.56"},
		{English, money.New(-5, "EUR"), "-€0.05"},
		{Spanish, money.New(100000000, "EUR"), "1.000.000,00\u00a0€"},
		{English, money.New(1200, "JPY"), "¥1,200"},
		{Spanish, money.New(1500, "KWD"), "1,500\u00a0KWD"},
	}
	for _, c := range cases {
		if got := Money(c.lang, c.a); got != c.want {
			t.Errorf("Money(%s, %v) = %q, want %q", c.lang, c.a, got, c.want)
		}
	}
	d := civil.Date{Year: 2026, Month: 11, Day: 3}
	if got := Date(Spanish, d); got != "03/11/2026" {
		t.Errorf("es date %q", got)
	}
	if got := Date(English, d); got != "3 Nov 2026" {
		t.Errorf("en date %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	for _, c := range []struct {
		setting, accept string
		want            Lang
	}{
		{"", "es-ES,es;q=0.9,en;q=0.8", Spanish},
		{"", "en-GB,en;q=0.9", English},
		{"en", "es-ES", English},
		{"", "fr-FR", English},
		{"", "", English},
		{"", "fr;q=0.9, es;q=0.8", Spanish},
	} {
		if got := Negotiate(c.setting, c.accept); got != c.want {
			t.Errorf("Negotiate(%q, %q) = %s, want %s", c.setting, c.accept, got, c.want)
		}
	}
}

// FuzzNegotiate: any setting and Accept-Language header give one of the
// languages we speak, without a panic.
func FuzzNegotiate(f *testing.F) {
	f.Add("", "es-ES,es;q=0.9,en;q=0.8")
	f.Add("fr", "*;q=0.1, de-CH")
	f.Add("ES", ";;;q=abc,")
	f.Fuzz(func(t *testing.T, setting, accept string) {
		if l := Negotiate(setting, accept); l != English && l != Spanish {
			t.Fatalf("Negotiate(%q, %q) = %q", setting, accept, l)
		}
	})
}

func TestCatalogPluralsAreWellFormed(t *testing.T) {
	for _, l := range []Lang{English, Spanish} {
		for _, k := range Keys(l) {
			if err := checkMessage(catalogs[l][k]); err != nil {
				t.Errorf("%s %s: %v", l, k, err)
			}
		}
	}
	for _, bad := range []string{
		"{n, plural, one {# day}}",               // no other
		"{n, plural, one {# day} other {# days}", // not closed
		"{n, plural, uno {# día} other {# días}}",
		"{n, plural, =x {none} other {# days}}",
	} {
		if checkMessage(bad) == nil {
			t.Errorf("%q passed the check", bad)
		}
	}
}

func TestPlurals(t *testing.T) {
	for _, c := range []struct {
		lang Lang
		key  string
		args []any
		want string
	}{
		{English, "web.days_late", []any{"days", 1}, "1 day late"},
		{English, "web.days_late", []any{"days", "2"}, "2 days late"},
		{English, "web.days_late", []any{"days", 0}, "0 days late"},
		{Spanish, "web.days_late", []any{"days", 1}, "1 día de retraso"},
		{Spanish, "web.days_late", []any{"days", int64(21)}, "21 días de retraso"},
		{Spanish, "web.days_overdue", []any{"n", 1}, "1 día vencida"},
		{English, "web.days_overdue", []any{"n", 53}, "53 days overdue"},
		{Spanish, "web.n_documents", []any{"n", 1}, "1 documento"},
		{English, "web.n_documents", []any{"n", 1000}, "1000 documents"},
		{Spanish, "web.share_text", []any{"days", 30}, "Envíe este enlace al cliente. Abre su extracto de facturas pendientes, al día, sin iniciar sesión, durante 30 días."},
	} {
		if got := T(c.lang, c.key, c.args...); got != c.want {
			t.Errorf("T(%s, %s, %v) = %q, want %q", c.lang, c.key, c.args, got, c.want)
		}
	}
	for _, c := range []struct {
		msg  string
		args []any
		want string
	}{
		{"{n, plural, =0 {nothing} one {# item} other {# items}} for {who}", []any{"n", 0, "who", "Ana"}, "nothing for Ana"},
		{"{n, plural, one {# item of {who}} other {# items of {who}}}", []any{"who", "Ana", "n", 1}, "1 item of Ana"},
		{"{a, plural, one {one a} other {# as}}, {b, plural, one {one b} other {# bs}}", []any{"a", 1, "b", 3}, "one a, 3 bs"},
		{"{n, plural, one {# item} other {some items}}", []any{"n", "many"}, "some items"}, // not a count: other
		{"{n, plural, one {# item} other {some items}}", nil, "some items"},
		{"plain {x}, plural, {y}", []any{"x", 1}, "plain 1, plural, {y}"},
	} {
		if got := format(English, c.msg, c.args); got != c.want {
			t.Errorf("format(%q, %v) = %q, want %q", c.msg, c.args, got, c.want)
		}
	}
}

func TestLoadRefusesAKeyInTwoFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"messages/en/a.json": {Data: []byte(`{"x": "one"}`)},
		"messages/en/b.json": {Data: []byte(`{"x": "two"}`)},
	}
	if _, err := load(fsys, English); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Fatalf("load = %v, want an error naming the key", err)
	}
	fsys["messages/en/b.json"] = &fstest.MapFile{Data: []byte(`{"y": "two"}`)}
	m, err := load(fsys, English)
	if err != nil || m["x"] != "one" || m["y"] != "two" {
		t.Fatalf("load = %v, %v", m, err)
	}
}
