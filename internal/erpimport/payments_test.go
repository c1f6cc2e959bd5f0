package erpimport

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestReadPayments: a payment history by document id or number, with the
// usual Spanish headers; the company's currency when the file has none.
func TestReadPayments(t *testing.T) {
	file := "Factura;Fecha cobro;Importe cobrado\nF1;05/11/2026;40,00\nF1;20/11/2026;60,00\nF2;31/11/2026;1,00\n;01/11/2026;5,00\nF3;01/12/2026;-5,00\nF4;02/12/2026;£5\n"
	var got []string
	var errs []*RowError
	_, err := ReadPayments(strings.NewReader(file), Options{File: "p.csv", CompanyCurrency: "EUR", Language: "es"}, func(p PaymentRow, e []*RowError) error {
		if len(e) == 0 {
			got = append(got, fmt.Sprintf("%d %s %s %s", p.Line, p.DocumentID, p.PaidOn, p.Amount))
		}
		errs = append(errs, e...)
		return nil
	})
	want := []string{"2 F1 2026-11-05 EUR 40.00", "3 F1 2026-11-20 EUR 60.00"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("%v: %q, want %q", err, got, want)
	}
	if w := where(errs); !slices.Equal(w, []string{"4:paid_on:bad_date", "5:document_id:required", "6:amount:negative_amount", "7:amount:currency_mismatch"}) {
		t.Fatalf("errors %q", w)
	}
	js := `[{"number": "2026/001", "paid_on": "2026-11-05", "amount": {"amount": 1000, "currency": "USD"}}]`
	got = nil
	if _, err := ReadPayments(strings.NewReader(js), Options{File: "p.json"}, func(p PaymentRow, e []*RowError) error {
		got = append(got, fmt.Sprintf("%s %s %s %d", p.Number, p.PaidOn, p.Amount, len(e)))
		return nil
	}); err != nil || !slices.Equal(got, []string{"2026/001 2026-11-05 USD 10.00 0"}) {
		t.Fatalf("JSON: %v %q", err, got)
	}
	res := readPaymentsErr(t, "amount,paid_on\n1,2026-01-01\n")
	if fileCode(res) != "missing_column" || !strings.Contains(res.Error(), "document_id or number") {
		t.Fatalf("no document column: %v", res)
	}
}

func readPaymentsErr(t *testing.T, file string) error {
	t.Helper()
	_, err := ReadPayments(strings.NewReader(file), Options{File: "p.csv"}, func(PaymentRow, []*RowError) error { return nil })
	return err
}
