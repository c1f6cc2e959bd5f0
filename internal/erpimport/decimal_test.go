package erpimport

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"cobro/internal/money"
)

func TestDecimalDetection(t *testing.T) {
	head := "document_id;customer_id;kind;issue_date;due_date;currency;amount;open_amount\n"
	row := func(id, amount, open string) string {
		return fmt.Sprintf("%s;C;invoice;2026-01-01;2026-02-01;EUR;%s;%s\n", id, amount, open)
	}
	cases := []struct {
		name, body string
		opt        money.DecimalMark
		mapping    string
		mark       money.DecimalMark
		amounts    []int64
		errs       []string
		fileErr    string // the message
	}{
		{name: "point", body: row("1", "1234.5", "0"), mark: money.MarkPoint, amounts: []int64{123450}},
		{name: "comma", body: row("1", "1234,5", "0"), mark: money.MarkComma, amounts: []int64{123450}},
		{name: "thousands point, decimals comma", body: row("1", "1.234,56", "0"), mark: money.MarkComma, amounts: []int64{123456}},
		{name: "thousands comma", body: row("1", "1,234.56", "0"), mark: money.MarkPoint, amounts: []int64{123456}},
		{name: "two thousands points", body: row("1", "1.234.567", "0"), mark: money.MarkComma, amounts: []int64{123456700}},
		{name: "no separators", body: row("1", "1234", "-0"), mark: money.MarkPoint, amounts: []int64{123400}},
		{name: "evidence with a trailing minus", body: row("1", "1234", "12,5-"), mark: money.MarkComma,
			errs: []string{"2:open_amount:negative_amount"}},
		{name: "evidence in open_amount", body: row("1", "1234", "12,5"), mark: money.MarkComma, amounts: []int64{123400}},
		{name: "ambiguous then evidence", body: row("1", "1.234", "0") + row("2", "5,50", "0"), mark: money.MarkComma, amounts: []int64{123400, 550}},
		{name: "evidence after text", body: row("1", "v1.5", "0") + row("2", "5,50", "0"), mark: money.MarkComma, amounts: []int64{550},
			errs: []string{"2:amount:bad_amount"}},
		{name: "only ambiguous values", body: row("1", "1.234", "0") + row("2", "-2,500", "0"),
			fileErr: `f.csv: cannot tell whether a comma or a point separates the decimals ("1.234"): pass --decimal comma or --decimal point`},
		{name: "mixed in one row", body: row("1", "1.234,50", "1,234.50"),
			fileErr: `f.csv: cannot tell whether a comma or a point separates the decimals ("1.234,50" / "1,234.50"): pass --decimal comma or --decimal point`},
		{name: "mixed further down", body: row("1", "10,50", "0") + row("2", "1234", "0") + row("3", "12.5", "0") + row("4", "1,234.50", "0"),
			mark: money.MarkComma, amounts: []int64{1050, 123400}, errs: []string{"4:amount:mixed_decimal", "5:amount:mixed_decimal"}},
		{name: "ambiguous told comma", body: row("1", "1.234", "0"), opt: money.MarkComma, mark: money.MarkComma, amounts: []int64{123400}},
		{name: "ambiguous told point", body: row("1", "1.234", "0"), opt: money.MarkPoint, mark: money.MarkPoint, errs: []string{"2:amount:too_many_decimals"}},
		{name: "ambiguous, the mapping says comma", body: row("1", "1.234", "0"), mapping: `{"decimal": "comma"}`, mark: money.MarkComma, amounts: []int64{123400}},
		{name: "the option wins over the mapping", body: row("1", "1.5", "0"), opt: money.MarkPoint, mapping: `{"decimal": "comma"}`,
			mark: money.MarkPoint, amounts: []int64{150}},
		{name: "told point, written comma", body: row("1", "12,50", "0"), opt: money.MarkPoint, mark: money.MarkPoint, errs: []string{"2:amount:mixed_decimal"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opt := Options{File: "f.csv", Decimal: c.opt}
			if c.mapping != "" {
				m, err := LoadMapping(strings.NewReader(c.mapping))
				if err != nil {
					t.Fatal(err)
				}
				opt.Mapping = m
			}
			res := readDocs(t, []byte(head+c.body), opt)
			if c.fileErr != "" {
				if fileCode(res.err) != "ambiguous_decimal" || res.err.Error() != c.fileErr || len(res.rows)+len(res.errs) > 0 {
					t.Fatalf("got %v, want %s", res.err, c.fileErr)
				}
				return
			}
			if res.err != nil {
				t.Fatal(res.err)
			}
			var amounts []int64
			for _, r := range res.rows {
				amounts = append(amounts, r.Amount.Minor)
			}
			if res.sum.Decimal != c.mark || !slices.Equal(amounts, c.amounts) || !slices.Equal(where(res.errs), append([]string{}, c.errs...)) {
				t.Fatalf("mark %c, amounts %v, errors %v", res.sum.Decimal, amounts, res.errs)
			}
		})
	}
}

func TestDecimalFromCreditLimits(t *testing.T) {
	res := readCusts(t, []byte("customer_id;name;currency;credit_limit\nC-1;A;EUR;\nC-2;B;EUR;1000\nC-3;C;EUR;2.500,75\n"), Options{})
	if res.err != nil || res.sum.Decimal != money.MarkComma || len(res.rows) != 3 || res.rows[2].CreditLimit.Minor != 250075 {
		t.Fatalf("%v %+v %+v", res.err, res.sum, res.rows)
	}
}

// TestDetectionStopsAtTheFirstEvidence: the pass that detects the
// decimal mark reads no further than it must.
func TestDetectionStopsAtTheFirstEvidence(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n")
	b.WriteString("D-0,C,invoice,2026-01-01,2026-02-01,EUR,10.5,0\n")
	for i := 1; b.Len() < 4<<20; i++ {
		fmt.Fprintf(&b, "D-%d,C,invoice,2026-01-01,2026-02-01,EUR,%d,0\n", i, i)
	}
	src := &countingReader{r: bytes.NewReader(b.Bytes())}
	sum, err := ReadDocuments(src, Options{}, func(DocumentRow, []*RowError) error { return nil })
	if err != nil || sum.Decimal != money.MarkPoint || sum.Rejected > 0 {
		t.Fatal(err, sum)
	}
	// Once for the encoding, once for the rows, and a buffer or two for
	// the decimal mark.
	if limit := 2*int64(b.Len()) + 256<<10; src.n > limit {
		t.Fatalf("read %d bytes of a %d-byte file", src.n, b.Len())
	}
}

type countingReader struct {
	r *bytes.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) Seek(off int64, whence int) (int64, error) { return c.r.Seek(off, whence) }

var _ io.ReadSeeker = (*countingReader)(nil)
