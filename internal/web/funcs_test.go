package web

import (
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/i18n"
	"cobro/internal/money"
)

// The customer rows are the one piece of HTML written outside a template:
// every value in them must come out escaped.
func TestCustomerRowsHTMLEscapes(t *testing.T) {
	limit := money.Amount{Minor: 100, Currency: "EUR"}
	c := app.CustomerView{ID: `a"b/c?d`, Name: `<script>alert(1)</script>`, Zone: `Z&"1'`, Agent: `<b>`,
		Balance: money.Amount{Minor: 123456, Currency: "EUR"}, Overdue: money.Amount{Minor: 1, Currency: "EUR"},
		Risk: money.Amount{Currency: "EUR"}, CreditLimit: &limit, OverLimit: true}
	got := string(customerRowsHTML(i18n.Spanish, []app.CustomerView{c}, map[string]int{c.ID: 53}))
	for _, bad := range []string{"<script>", "<b>", `a"b`, `Z&"`} {
		if strings.Contains(got, bad) {
			t.Errorf("unescaped %q in %s", bad, got)
		}
	}
	for _, want := range []string{`href="/customers/a%22b%2Fc%3Fd"`, "&lt;script&gt;alert(1)&lt;/script&gt;", "a&#34;b/c?d",
		"Z&amp;&#34;1&#39;", "&lt;b&gt;", "1.234,56\u00a0€", `class="over"`, "53 días de retraso", `class="num bad"`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in %s", want, got)
		}
	}
	if got := string(customerRowsHTML(i18n.English, nil, nil)); !strings.Contains(got, `class="empty"`) {
		t.Errorf("empty table: %s", got)
	}
}

// Days late take the plural rules of the page's language.
func TestCustomerRowsDaysLatePlural(t *testing.T) {
	c := app.CustomerView{ID: "C-1", Name: "N", Balance: money.Amount{Currency: "EUR"}, Overdue: money.Amount{Currency: "EUR"},
		Risk: money.Amount{Currency: "EUR"}}
	for _, x := range []struct {
		lang i18n.Lang
		days int
		want string
	}{{i18n.English, 1, ">1 day late<"}, {i18n.English, 2, ">2 days late<"}, {i18n.Spanish, 1, ">1 día de retraso<"}} {
		if got := string(customerRowsHTML(x.lang, []app.CustomerView{c}, map[string]int{"C-1": x.days})); !strings.Contains(got, x.want) {
			t.Errorf("%s, %d days: no %q in %s", x.lang, x.days, x.want, got)
		}
	}
}
