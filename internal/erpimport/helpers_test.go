package erpimport

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// docResult is everything a read of documents gave.
type docResult struct {
	rows []DocumentRow // the valid ones
	errs []*RowError
	sum  Summary
	err  error
}

func readDocs(t testing.TB, data []byte, opt Options) docResult {
	t.Helper()
	var res docResult
	res.sum, res.err = ReadDocuments(bytes.NewReader(data), opt, func(r DocumentRow, errs []*RowError) error {
		if len(errs) == 0 {
			res.rows = append(res.rows, r)
		}
		for _, e := range errs {
			if e.Line != r.Line {
				t.Errorf("error on row %d given with row %d: %v", e.Line, r.Line, e)
			}
		}
		res.errs = append(res.errs, errs...)
		return nil
	})
	return res
}

type custResult struct {
	rows []CustomerRow
	errs []*RowError
	sum  Summary
	err  error
}

func readCusts(t testing.TB, data []byte, opt Options) custResult {
	t.Helper()
	var res custResult
	res.sum, res.err = ReadCustomers(bytes.NewReader(data), opt, func(r CustomerRow, errs []*RowError) error {
		if len(errs) == 0 {
			res.rows = append(res.rows, r)
		}
		res.errs = append(res.errs, errs...)
		return nil
	})
	return res
}

// where lists errors as "row:column:code", the way tests compare them.
func where(errs []*RowError) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, fmt.Sprintf("%d:%s:%s", e.Line, e.Column, e.Code))
	}
	return out
}

// colCodes lists errors as "column:code", for tests of one row.
func colCodes(errs []*RowError) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Column+":"+e.Code)
	}
	slices.Sort(out)
	return out
}

func fileCode(err error) string {
	if fe, ok := err.(*FileError); ok {
		return fe.Code
	}
	if err == nil {
		return ""
	}
	return "not a *FileError: " + err.Error()
}

// csvOf writes rows as CSV with sep, quoting what needs it.
func csvOf(sep string, rows ...[]string) []byte {
	var b strings.Builder
	for _, r := range rows {
		for i, f := range r {
			if i > 0 {
				b.WriteString(sep)
			}
			if strings.ContainsAny(f, sep+"\"\n") {
				f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
			}
			b.WriteString(f)
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}
