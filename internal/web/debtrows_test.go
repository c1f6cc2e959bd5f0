package web

import (
	"strings"
	"testing"

	"cobro/internal/app"
	"cobro/internal/civil"
	"cobro/internal/i18n"
	"cobro/internal/ledger"
	"cobro/internal/money"
)

func TestDebtRowsEscapedAndSigned(t *testing.T) {
	due, _ := civil.Parse("2026-10-01")
	d := app.DebtView{DocumentView: app.DocumentView{CustomerID: "C/1?", Number: `<b>F-1</b>`, DueDate: due, DaysOverdue: 53,
		Status: ledger.Overdue, Partial: true, Instrument: ledger.Cheque, OpenAmount: money.New(123456, "EUR"), SignedOpen: money.New(123456, "EUR")},
		CustomerName: `Núñez <script>x</script>`, Agent: "AG1", Zone: "Murcia"}
	got := string(debtRowsHTML(i18n.Spanish, []app.DebtView{d}))
	for _, want := range []string{`href="/customers/C%2F1%3F"`, "Núñez &lt;script&gt;", "&lt;b&gt;F-1", "53 días", "1.234,56",
		`data-minor="123456"`, `class="tag st-overdue"`, "cheque", "AG1 · Murcia"} {
		if !strings.Contains(got, want) {
			t.Errorf("row lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<script>") || strings.Contains(got, "<b>") {
		t.Errorf("unescaped:\n%s", got)
	}
	if got := string(debtRowsHTML(i18n.English, nil)); !strings.Contains(got, `class="empty"`) {
		t.Errorf("empty list: %s", got)
	}
}
