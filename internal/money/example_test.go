package money_test

import (
	"encoding/json"
	"fmt"

	"cobro/internal/money"
)

// Amounts are read exactly from text in either decimal style, added with
// their currency checked, and split without losing a cent.
func Example() {
	a, _ := money.Parse("1.234,56", "EUR", money.MarkComma) // a Spanish ERP export
	b, _ := money.Parse("0.44", "EUR", money.MarkPoint)
	sum, _ := a.Add(b)
	fmt.Println(sum, sum.Minor)

	_, err := sum.Add(money.New(100, "USD"))
	fmt.Println(err)

	parts, _ := money.Split(money.New(1000, "EUR"), []int64{1, 1, 1})
	fmt.Println(parts[0].Decimal(), parts[1].Decimal(), parts[2].Decimal())
	// Output:
	// EUR 1235.00 123500
	// currency mismatch: EUR and USD
	// 3.34 3.33 3.33
}

// On the wire an amount is integer minor units with its currency; a
// fraction or a string is refused rather than rounded.
func ExampleAmount_UnmarshalJSON() {
	var a money.Amount
	fmt.Println(json.Unmarshal([]byte(`{"amount": 150000, "currency": "EUR"}`), &a), a.Decimal())
	fmt.Println(json.Unmarshal([]byte(`{"amount": 1500.00, "currency": "EUR"}`), &a))
	// Output:
	// <nil> 1500.00
	// not a valid amount: amount 1500.00 must be an integer number of minor units
}

func ExampleSniff() {
	for _, s := range []string{"1.234,56", "12.5", "1.234", "1234"} {
		fmt.Println(s, money.Sniff(s) == money.AmbiguousValue)
	}
	// Output:
	// 1.234,56 false
	// 12.5 false
	// 1.234 true
	// 1234 false
}
