package erpimport

import (
	"archive/zip"
	"bytes"
	"slices"
	"strings"
	"testing"
)

// TestControlCharacters: NUL and the other control characters are refused
// per cell, naming the row and column, in every format; a line break is
// text in a name, never in an id.
func TestControlCharacters(t *testing.T) {
	cases := []struct {
		name, id, custName string
		errs               []string
	}{
		{"NUL in an id", "N2\x00", "Bar", []string{"2:customer_id:control_character"}},
		{"bell in a name", "N3", "Bar\aPepe", []string{"2:name:control_character"}},
		{"C1 control in an id", "N4\u0085X", "Bar", []string{"2:customer_id:control_character"}},
		{"DEL in an id", "N5\x7f", "Bar", []string{"2:customer_id:control_character"}},
		{"line break in an id", "N6\nX", "Bar", []string{"2:customer_id:control_character"}},
		{"tab in an id", "N7\tX", "Bar", []string{"2:customer_id:control_character"}},
		{"line break in a name", "N8", "Bar\nPepe", nil},
		{"accents are text", "Ñ9", "Peña €", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := csvOf(",", []string{"customer_id", "name", "currency"}, []string{c.id, c.custName, "EUR"})
			res := readCusts(t, data, Options{File: "c.csv"})
			if got := where(res.errs); res.err != nil || !slices.Equal(got, append([]string{}, c.errs...)) {
				t.Fatalf("%v: errors %q, want %q", res.err, got, c.errs)
			}
			if len(c.errs) > 0 && !strings.Contains(res.errs[0].Error(), `c.csv: row 2, column "`) {
				t.Errorf("message %q does not say where", res.errs[0].Error())
			}
			item := `[{"customer_id": ` + jsonString(c.id) + `, "name": ` + jsonString(c.custName) + `, "currency": "EUR"}]`
			js := readCusts(t, []byte(item), Options{File: "c.json"})
			want := []string{}
			for _, e := range c.errs {
				want = append(want, "1"+strings.TrimPrefix(e, "2"))
			}
			if got := where(js.errs); js.err != nil || !slices.Equal(got, want) {
				t.Fatalf("JSON %v: errors %q, want %q", js.err, got, want)
			}
		})
	}
	msg := newRowError("c.csv", 2, "customer_id", "N2\x00", "control_character", "U+0000")
	if got := msg.Localized("es"); got != `c.csv: fila 2, columna "customer_id": "N2\x00" contiene un carácter de control (U+0000), que ningún nombre ni código tiene` {
		t.Errorf("Spanish: %s", got)
	}
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteString(`\u00` + "0123456789abcdef"[r>>4:r>>4+1] + "0123456789abcdef"[r&15:r&15+1])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// TestXLSXHugeCell: a small workbook holding one enormous cell stops with
// a file error after unzipping about the limit, instead of being read
// into memory (a 1.5 MB file with a 1.5 GB cell took the importer to
// 2.1 GB). The cell here is 3 MiB; the check stops at 1 MiB.
func TestXLSXHugeCell(t *testing.T) {
	small := workbook(t, map[string]map[int][]any{"S": {1: {"customer_id", "name", "currency"}, 2: {"C1", "BIG", "EUR"}}}, "S")
	// excelize writes at most 32,767 characters a cell, as Excel does:
	// the big cell is put in the part by hand.
	data := rewrite(t, small, "xl/sharedStrings.xml", "<t>BIG</t>", "<t>"+strings.Repeat("x", 3<<20)+"</t>")
	if len(data) > 64<<10 {
		t.Fatalf("the workbook is %d bytes: not a small file", len(data))
	}
	res := readCusts(t, data, Options{File: "c.xlsx"})
	if fileCode(res.err) != "cell_too_long" || len(res.rows)+len(res.errs) > 0 {
		t.Fatalf("%v, %d rows", res.err, len(res.rows))
	}
	if want := "c.xlsx: a cell of xl/sharedStrings.xml is longer than 1 MiB"; !strings.HasPrefix(res.err.Error(), want) {
		t.Errorf("%q, want it to start %q", res.err, want)
	}
	// An inline string in the sheet itself is caught the same way.
	inline := rewrite(t, small, "xl/worksheets/sheet1.xml", `<c r="B2" t="s"><v>4</v></c>`, `<c r="B2" t="inlineStr"><is><t>`+strings.Repeat("y", 2<<20)+`</t></is></c>`)
	if res := readCusts(t, inline, Options{File: "c.xlsx"}); fileCode(res.err) != "cell_too_long" {
		t.Fatalf("inline: %v", res.err)
	}
}

// TestXLSXUnzippedTotal: the parts' total is counted as they unzip, not
// taken from the sizes the zip declares.
func TestXLSXUnzippedTotal(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"a.xml", "b.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(strings.Repeat("<c>1</c>", 100_000))); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := checkZip(buf.Bytes(), "z.xlsx", 1<<20, 1<<10); fileCode(err) != "too_large" {
		t.Fatalf("1.6 MB unzipped under a 1 MiB limit: %v", err)
	}
	if err := checkZip(buf.Bytes(), "z.xlsx", 2<<20, 1<<10); err != nil {
		t.Fatalf("under the limit: %v", err)
	}
}
