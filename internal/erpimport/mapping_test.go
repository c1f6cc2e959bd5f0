package erpimport

import (
	"os"
	"slices"
	"strings"
	"testing"

	"cobro/internal/money"
)

func loadTestMapping(t *testing.T, path string) *Mapping {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := LoadMapping(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMappedERPExport reads an export with the ERP's own column names and
// codes through testdata/mapping.json.
func TestMappedERPExport(t *testing.T) {
	data, err := os.ReadFile("testdata/erp-export.csv")
	if err != nil {
		t.Fatal(err)
	}
	res := readDocs(t, data, Options{File: "erp-export.csv", Mapping: loadTestMapping(t, "testdata/mapping.json")})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if got, want := where(res.errs), []string{"5:due_date:bad_date", "6:kind:bad_kind", "6:instrument:bad_instrument"}; !slices.Equal(got, want) {
		t.Fatalf("errors %v, want %v\n%v", got, want, res.errs)
	}
	if res.sum.Decimal != money.MarkComma || !slices.Equal(res.sum.Warnings, []string{"erp-export.csv: columns ignored (not columns of cobro): Comercial"}) {
		t.Fatalf("summary %+v", res.sum)
	}
	want := []struct {
		id, kind, instrument string
		amount               int64
		disputed             bool
	}{{"900123", "invoice", "promissory_note", 100000, false}, {"900124", "credit_note", "cash", 5050, false}, {"900125", "returned", "direct_debit", 12000, true}}
	if len(res.rows) != len(want) {
		t.Fatalf("rows %+v", res.rows)
	}
	for i, w := range want {
		r := res.rows[i]
		if r.ID != w.id || r.Kind != w.kind || r.Instrument != w.instrument || r.Amount.Minor != w.amount || r.Disputed != w.disputed {
			t.Errorf("row %d: %+v, want %+v", i, r, w)
		}
	}
}

func TestMappingDateFormat(t *testing.T) {
	head := "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n"
	body := "F-1,C,invoice,2026-01-15,15/01/2026,EUR,1,1\n"
	for format, want := range map[string][]string{
		"auto":       {},
		"YYYY-MM-DD": {"2:due_date:bad_date"},
		"DD/MM/YYYY": {"2:issue_date:bad_date"},
	} {
		m, err := LoadMapping(strings.NewReader(`{"date_format": "` + format + `"}`))
		if err != nil {
			t.Fatal(err)
		}
		res := readDocs(t, []byte(head+body), Options{Mapping: m})
		if got := where(res.errs); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", format, got, want)
		}
	}
}

func TestMappingErrors(t *testing.T) {
	cases := map[string]string{
		`{"columns": {"X": "nope"}}`:                                 `column "X" maps to "nope", which is not a column of cobro`,
		`{"columns": {"Cliente": "customer_id", "CLIENTE": "name"}}`: `column "Cliente" is mapped twice, to name and customer_id`,
		`{"values": {"tipo": {"FAC": "invoice"}}}`:                   `values are given for "tipo", which is not a column of cobro`,
		`{"values": {"kind": {"FAC": "invoce"}}}`:                    `values of kind: "FAC" maps to "invoce", which cobro does not accept in kind`,
		`{"values": {"instrument": {"X": "bizum"}}}`:                 `"X" maps to "bizum", which cobro does not accept in instrument`,
		`{"values": {"status": {"P": "paid"}}}`:                      `"P" maps to "paid", which cobro does not accept in status`,
		`{"values": {"language": {"P": "pt"}}}`:                      `"P" maps to "pt", which cobro does not accept in language`,
		`{"decimal": "dot"}`:                                         `decimal must be comma, point or auto, not "dot"`,
		`{"date_format": "MM/YY/DD"}`:                                `date_format must be YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY, YYYY/MM/DD or auto`,
		`{"columnz": {}}`:                                            `unknown field "columnz"`,
		`{"columns": {"A": 1}}`:                                      `cannot unmarshal number`,
		`[`:                                                          `unexpected EOF`,
		`{} {}`:                                                      `unexpected content after the mapping object`,
	}
	for in, want := range cases {
		_, err := LoadMapping(strings.NewReader(in))
		if fileCode(err) != "bad_mapping" || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
	m, err := LoadMapping(strings.NewReader(`{"columns": {"Forma de Pago": "Instrument"}, "values": {"status": {"pendiente": "", "DISP": "en disputa"}, "instrument": {"": "transferencia"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.column("forma_de_pago") != "instrument" || m.column("FORMA DE PAGO ") != "instrument" || m.column("customer id") != "customer_id" {
		t.Error("names match ignoring case, spaces and underscores")
	}
	if m.value("status", "Pendiente") != "" || m.value("status", "disp") != "en disputa" || m.value("instrument", "") != "transferencia" {
		t.Error("codes match ignoring case; a blank code may be mapped")
	}
}
