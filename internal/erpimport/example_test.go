package erpimport_test

import (
	"fmt"
	"strings"

	"cobro/internal/erpimport"
)

func ExampleReadDocuments() {
	file := "document_id;customer_id;kind;issue_date;due_date;currency;amount;open_amount;instrument\n" +
		"F-1;C-1;factura;01/09/2026;01/10/2026;EUR;1.210,00;300,00;pagaré\n" +
		"A-1;C-1;abono;02/09/2026;02/09/2026;EUR;-45,00;-45,00;\n" +
		"F-2;C-2;factura;03/09/2026;31/02/2026;EUR;99,999;99,99;efectivo\n"
	sum, err := erpimport.ReadDocuments(strings.NewReader(file), erpimport.Options{File: "open-items.csv"},
		func(d erpimport.DocumentRow, errs []*erpimport.RowError) error {
			if len(errs) > 0 {
				for _, e := range errs {
					fmt.Println(e)
				}
				return nil
			}
			fmt.Println(d.Line, d.ID, d.Kind, d.Amount, d.Open.Decimal(), d.DueDate, d.Instrument)
			return nil
		})
	fmt.Printf("%d rows, %d valid, decimal %q, %v\n", sum.Rows, sum.Valid, rune(sum.Decimal), err)
	// Output:
	// 2 F-1 invoice EUR 1210.00 300.00 2026-10-01 promissory_note
	// 3 A-1 credit_note EUR 45.00 45.00 2026-09-02 other
	// open-items.csv: row 4, column "due_date": "31/02/2026" is not a valid date (DD/MM/YYYY)
	// open-items.csv: row 4, column "amount": "99,999" has more decimals than EUR allows (2)
	// 3 rows, 2 valid, decimal ',', <nil>
}
