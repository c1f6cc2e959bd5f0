package erpimport

import (
	"os"
	"slices"
	"testing"
)

// TestTestdataFiles reads the other files the fuzz targets start from, so
// that what they hold is known.
func TestTestdataFiles(t *testing.T) {
	data, err := os.ReadFile("testdata/customers.csv")
	if err != nil {
		t.Fatal(err)
	}
	cres := readCusts(t, data, Options{File: "customers.csv"})
	if cres.err != nil {
		t.Fatal(cres.err)
	}
	want := []string{"6:customer_id:duplicate_id", "7:name:required", "8:currency:required", "9:currency:unknown_currency",
		"10:credit_limit:negative_amount", "11:language:bad_language", "12:credit_limit:too_many_decimals"}
	if got := where(cres.errs); !slices.Equal(got, want) {
		t.Fatalf("customers.csv: %v, want %v", got, want)
	}
	if len(cres.rows) != 4 || cres.rows[0].CreditLimit.Minor != 500000 || cres.rows[2].Name != `Distribuciones "La Plaza"` ||
		cres.rows[2].Language != "en" || cres.rows[3].Currency != "GBP" {
		t.Fatalf("customers.csv: %+v", cres.rows)
	}

	data, err = os.ReadFile("testdata/documents.json")
	if err != nil {
		t.Fatal(err)
	}
	dres := readDocs(t, data, Options{File: "documents.json", Language: "es"})
	if dres.err != nil {
		t.Fatal(dres.err)
	}
	want = []string{"4:currency:currency_mismatch", "4:open_amount:open_exceeds_amount", "5:amount:bad_amount", "5:nmber:unknown_field",
		"6:customer_id:bad_value", "6:document_id:duplicate_id", "7::bad_value"}
	if got := where(dres.errs); !slices.Equal(got, want) {
		t.Fatalf("documents.json: %v, want %v", got, want)
	}
	if len(dres.rows) != 4 || dres.rows[1].Amount.Minor != 4500 || !dres.rows[2].Disputed || dres.rows[3].Instrument != "promissory_note" {
		t.Fatalf("documents.json: %+v", dres.rows)
	}
}
