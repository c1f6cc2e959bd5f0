package erpimport

import (
	"slices"
	"strings"
	"testing"
	"time"

	"cobro/internal/civil"
)

// TestDayMonthOrder: slashed dates are never misread. The order comes
// from the file's unambiguous values, as the decimal mark does; a file
// where none tells is day first for a Spanish-speaking company and
// refused otherwise; a value that contradicts the file's order is that
// row's error.
func TestDayMonthOrder(t *testing.T) {
	head := "document_id,customer_id,kind,issue_date,due_date,currency,amount,open_amount\n"
	row := func(id, issue, due string) string { return id + ",C1,invoice," + issue + "," + due + ",USD,1,1\n" }
	cases := []struct {
		name, file string
		opt        Options
		issues     []string // the valid rows' issue dates
		errs       []string
		code       string
		format     string // Summary.DateFormat
	}{
		{name: "a month first file, told by its third row", file: head + row("F1", "9/6/2026", "10/6/2026") + row("F2", "9/7/2026", "10/7/2026") + row("F3", "9/30/2026", "10/30/2026"),
			issues: []string{"2026-09-06", "2026-09-07", "2026-09-30"}, format: "MM/DD/YYYY"},
		{name: "a day first file", file: head + row("F1", "9/6/2026", "10/6/2026") + row("F2", "30/9/2026", "30/10/2026"),
			issues: []string{"2026-06-09", "2026-09-30"}, format: "DD/MM/YYYY"},
		{name: "nothing tells, English company", file: head + row("F1", "9/6/2026", "10/6/2026"), code: "ambiguous_date"},
		{name: "nothing tells, Spanish company", file: head + row("F1", "9/6/2026", "10/6/2026"), opt: Options{Language: "es"},
			issues: []string{"2026-06-09"}, format: "DD/MM/YYYY"},
		{name: "a value against the file's order", file: head + row("F1", "30/9/2026", "30/10/2026") + row("F2", "9/30/2026", "10/1/2026"),
			issues: []string{"2026-09-30"}, errs: []string{"3:issue_date:date_order"}, format: "DD/MM/YYYY"},
		{name: "a row that says both", file: head + row("F1", "30/9/2026", "10/30/2026"), code: "ambiguous_date"},
		{name: "--date-format decides", file: head + row("F1", "9/6/2026", "10/6/2026"), opt: Options{DateFormat: "MM/DD/YYYY"},
			issues: []string{"2026-09-06"}, format: "MM/DD/YYYY"},
		{name: "ISO dates need no order", file: head + row("F1", "2026-09-06", "2026-10-06"), issues: []string{"2026-09-06"}},
		{name: "year first with slashes", file: head + row("F1", "2026/09/06", "2026/10/06"), issues: []string{"2026-09-06"}},
		{name: "dotted dates are day first", file: head + row("F1", "06.09.2026", "6.10.2026"), issues: []string{"2026-09-06"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opt := c.opt
			opt.File = "d.csv"
			res := readDocs(t, []byte(c.file), opt)
			if fileCode(res.err) != c.code && !(c.code == "" && res.err == nil) {
				t.Fatalf("file error %v, want %q", res.err, c.code)
			}
			if c.code != "" {
				if !strings.Contains(res.err.Error(), "--date-format") {
					t.Errorf("%v does not say what to do", res.err)
				}
				return
			}
			var issues []string
			for _, d := range res.rows {
				issues = append(issues, d.IssueDate.String())
			}
			if !slices.Equal(issues, c.issues) || !slices.Equal(where(res.errs), append([]string{}, c.errs...)) || res.sum.DateFormat != c.format {
				t.Fatalf("issues %q errors %q format %q; want %q %q %q", issues, where(res.errs), res.sum.DateFormat, c.issues, c.errs, c.format)
			}
		})
	}
	// JSON is not sniffed: a value is read when it reads one way only.
	js := `[{"document_id":"F1","customer_id":"C1","kind":"invoice","issue_date":"9/30/2026","due_date":"9/6/2026","amount":{"amount":1,"currency":"EUR"},"open_amount":{"amount":1,"currency":"EUR"}}]`
	res := readDocs(t, []byte(js), Options{File: "d.json"})
	if got := where(res.errs); !slices.Equal(got, []string{"1:due_date:ambiguous_date"}) {
		t.Fatalf("JSON: %q", got)
	}
	if res := readDocs(t, []byte(js), Options{File: "d.json", Language: "es"}); !slices.Equal(where(res.errs), []string{"1:issue_date:date_order"}) {
		t.Fatalf("JSON, Spanish: %q", where(res.errs))
	}
}

// FuzzParseDate: whatever the text, a date read is a real day in range,
// and it reads back the same when written in the format it was read in.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"9/6/2026", "30/09/2026", "2026-02-29", "2024-02-29", "31.12.2999", "2026/1/1", "0/0/0", "12/13/2026", "1/1/1899", "٣/٣/٢٠٢٦"} {
		f.Add(s, uint8(0), uint8(0))
	}
	f.Fuzz(func(t *testing.T, v string, fi, oi uint8) {
		format := ""
		if int(fi)%6 > 0 {
			format = DateFormats[int(fi)%6-1]
		}
		order := []string{"", "DD/MM/YYYY", "MM/DD/YYYY"}[int(oi)%3]
		d, code, _ := parseDate(v, format, order)
		if code != "" {
			if !d.IsZero() {
				t.Fatalf("%q: error %s with a date %v", v, code, d)
			}
			if _, ok := messages[code]; !ok {
				t.Fatalf("%q: unknown code %s", v, code)
			}
			return
		}
		if d.Year < 1900 || d.Year > 2999 {
			t.Fatalf("%q read as %v", v, d)
		}
		used := format
		if used == "" {
			used = guessFormat(v, order)
		}
		tm := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
		back, code, _ := parseDate(tm.Format(dateLayouts[used]), used, "")
		if code != "" || back != d {
			t.Fatalf("%q (%s) read as %v, written %q, read back %v %s", v, used, d, tm.Format(dateLayouts[used]), back, code)
		}
		if civil.Of(tm) != d {
			t.Fatalf("%v is no day", d)
		}
	})
}

// guessFormat is the format parseDate used for v without one.
func guessFormat(v, order string) string {
	switch {
	case strings.Contains(v, "/"):
		if len(strings.Split(v, "/")[0]) == 4 {
			return "YYYY/MM/DD"
		}
		if order != "" {
			return order
		}
		if ev := dateEvidence(v); ev != "" && ev != "?" {
			return ev
		}
		return "DD/MM/YYYY"
	case strings.Contains(v, "."):
		return "DD.MM.YYYY"
	}
	return "YYYY-MM-DD"
}
