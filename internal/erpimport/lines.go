package erpimport

import (
	"strconv"

	"cobro/internal/money"
)

// lineGroups reads the rows of a file that writes one row per invoice
// line (the mapping's lines) as documents: consecutive rows with the same
// document_id are one document, the columns in lines.sum added up over
// them, every other value the same on each (else a row error on the line
// that differs, naming the first). A document's lines further down the
// file, after another document, are a repeated id, as in any file.
type lineGroups struct {
	sums  map[string]bool
	fn    func(DocumentRow, []*RowError) error
	open  bool
	doc   DocumentRow
	errs  []*RowError
	lines int
	docs  int
	valid int
	file  string
}

func (g *lineGroups) flush() error {
	if !g.open {
		return nil
	}
	g.open = false
	if len(g.errs) == 0 && g.doc.Open.Minor > g.doc.Amount.Minor {
		g.errs = append(g.errs, newRowError(g.file, g.doc.Line, "open_amount", g.doc.Open.Decimal(), "open_exceeds_amount", g.doc.Open.Decimal(), g.doc.Amount.Decimal()))
	}
	g.docs++
	if len(g.errs) == 0 {
		g.valid++
	}
	return g.fn(g.doc, g.errs)
}

// add takes one line: the start of a document, or a further line of the
// one open.
func (g *lineGroups) add(d DocumentRow, errs []*RowError, further bool) error {
	g.lines++
	if !further {
		if err := g.flush(); err != nil {
			return err
		}
		g.open, g.doc, g.errs = true, d, errs
		return nil
	}
	g.errs = append(g.errs, errs...)
	if len(errs) > 0 {
		return nil
	}
	first := g.doc
	differ := func(column, got, want string) {
		if got != want {
			g.errs = append(g.errs, newRowError(g.file, d.Line, column, got, "line_mismatch", strconv.Itoa(first.Line), want))
		}
	}
	differ("customer_id", d.CustomerID, first.CustomerID)
	differ("customer_name", d.CustomerName, first.CustomerName)
	differ("kind", d.Kind, first.Kind)
	differ("number", d.Number, first.Number)
	differ("issue_date", d.IssueDate.String(), first.IssueDate.String())
	differ("due_date", d.DueDate.String(), first.DueDate.String())
	differ("paid_on", d.PaidOn.String(), first.PaidOn.String())
	differ("currency", string(d.Currency), string(first.Currency))
	differ("instrument", d.Instrument, first.Instrument)
	differ("status", strconv.FormatBool(d.Disputed), strconv.FormatBool(first.Disputed))
	for _, c := range []struct {
		column    string
		got, into *int64
		want      string
	}{{"amount", &d.Amount.Minor, &g.doc.Amount.Minor, first.Amount.Decimal()}, {"open_amount", &d.Open.Minor, &g.doc.Open.Minor, first.Open.Decimal()}} {
		if !g.sums[c.column] {
			differ(c.column, amountText(d, c.column), c.want)
			continue
		}
		total, ok := money.AddMinor(*c.into, *c.got)
		if !ok {
			g.errs = append(g.errs, newRowError(g.file, d.Line, c.column, amountText(d, c.column), "bad_amount"))
			continue
		}
		*c.into = total
	}
	return nil
}

func amountText(d DocumentRow, column string) string {
	if column == "amount" {
		return d.Amount.Decimal()
	}
	return d.Open.Decimal()
}
