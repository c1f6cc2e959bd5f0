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
