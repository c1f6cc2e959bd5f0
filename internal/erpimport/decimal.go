package erpimport

import (
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"cobro/internal/money"
)

// detect reads a file's amounts (amount, open_amount, credit_limit, and
// the columns a mapping sums) for its decimal mark, and its slashed dates
// for their day-month order, until the values tell both (or those asked
// for), and stops there.
//
// Decimal mark: "1.234,56" and "12,50" mean a comma, "1,234.56" and
// "12.5" a point. Values such as "1.234" read either way (one thousand
// two hundred and thirty-four, or one point two three four?), so a file
// with only those is refused and the user is asked; a file with no
// separators at all reads the same either way and gets a point. A row
// whose amounts disagree refuses the file. An amount further down written
// with the other mark is that row's error (mixed_decimal), never misread:
// no amount with one mark parses with the other. In XLSX, cells that hold
// plain numbers as the file stores them say nothing: they are always read
// with a point. Text cells count.
//
// Day-month order: see dateEvidence. A file whose slashed dates all read
// either way is DD/MM/YYYY for a Spanish-speaking company, and refused
// (ambiguous_date) otherwise; a row whose dates disagree refuses the
// file.
func detect(sh sheet, opt Options, t table, needMark, needOrder bool) (money.DecimalMark, string, error) {
	recs, err := sh.records()
	if err != nil {
		return 0, "", err
	}
	defer recs.close()
	_, lay, err := findHeader(recs, opt, t)
	if err != nil {
		return 0, "", err
	}
	var amounts, dates []int
	for c, i := range lay.cols {
		switch {
		case amountColumns[c], strings.HasPrefix(c, "@") && opt.Mapping.sumsColumn(c):
			amounts = append(amounts, i)
		case dateColumns[c]:
			dates = append(dates, i)
		}
	}
	slices.Sort(amounts) // in the file's order, so that messages are the same every time
	slices.Sort(dates)
	_, xlsx := sh.(*xlsxSheet)
	mark, order := money.MarkUnknown, ""
	if !needMark {
		mark = money.MarkPoint
	}
	if !needOrder {
		order = "-"
	}
	ambiguousAmount, ambiguousDate := "", ""
	for mark == money.MarkUnknown || order == "" {
		rec, _, err := recs.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, "", err
		}
		if blank(rec) || skipped(opt.Mapping, func(col string) string { return cell(rec, lay.cols, col) }) {
			continue
		}
		if mark == money.MarkUnknown {
			found, foundIn := money.NoEvidence, ""
			for _, i := range amounts {
				if i >= len(rec) {
					continue
				}
				v, sym, _, ok := splitAmount(rec[i])
				if !ok || (sym != "" && !knownSymbol(sym)) || !looksLikeAmount(v) || (xlsx && isRawNumber(v)) {
					continue
				}
				switch ev := evidence(v); ev {
				case money.PointEvidence, money.CommaEvidence:
					if found != money.NoEvidence && found != ev {
						return 0, "", newFileError(opt.File, "ambiguous_decimal", strconv.Quote(foundIn)+" / "+strconv.Quote(v), nil)
					}
					found, foundIn = ev, v
				case money.AmbiguousValue:
					if ambiguousAmount == "" {
						ambiguousAmount = v
					}
				}
			}
			switch found {
			case money.PointEvidence:
				mark = money.MarkPoint
			case money.CommaEvidence:
				mark = money.MarkComma
			}
		}
		if order == "" {
			found, foundIn, other := "", "", false
			for _, i := range dates {
				if i >= len(rec) {
					continue
				}
				v := strings.TrimSpace(rec[i])
				switch ev := dateEvidence(v); ev {
				case "":
					// An ISO date (or a serial): a file writes its dates one
					// way, so there is no order to look for further down.
					other = other || v != ""
				case "?":
					if ambiguousDate == "" {
						ambiguousDate = v
					}
				default:
					if found != "" && found != ev {
						return 0, "", newFileError(opt.File, "ambiguous_date", strconv.Quote(foundIn)+" / "+strconv.Quote(v), nil)
					}
					found, foundIn = ev, v
				}
			}
			switch {
			case found != "":
				order = found
			case other && ambiguousDate == "":
				order = "-"
			}
		}
	}
	if mark == money.MarkUnknown {
		if ambiguousAmount != "" {
			return 0, "", newFileError(opt.File, "ambiguous_decimal", strconv.Quote(ambiguousAmount), nil)
		}
		mark = money.MarkPoint
	}
	switch {
	case order == "-":
		order = ""
	case order == "" && ambiguousDate != "" && isSpanish(opt.Language):
		order = "DD/MM/YYYY"
	case order == "" && ambiguousDate != "":
		return 0, "", newFileError(opt.File, "ambiguous_date", strconv.Quote(ambiguousDate), nil)
	}
	return mark, order, nil
}

// cell is the text of col in rec, "" when the file does not have it.
func cell(rec []string, cols map[string]int, col string) string {
	if i, ok := cols[col]; ok && i < len(rec) {
		return rec[i]
	}
	return ""
}

// evidence is what v says about the decimal mark, counting only values
// that are amounts with the mark they suggest: "38.0.0" has points in
// the places of no mark at all, and says nothing.
func evidence(v string) money.Evidence {
	ev := money.Sniff(v)
	switch ev {
	case money.PointEvidence:
		if !parsesWith(v, money.MarkPoint) {
			return money.NoEvidence
		}
	case money.CommaEvidence:
		if !parsesWith(v, money.MarkComma) {
			return money.NoEvidence
		}
	}
	return ev
}

// parsesWith reports whether v is an amount written with mark, however
// many decimals it has.
func parsesWith(v string, mark money.DecimalMark) bool {
	_, err := money.Parse(v, "KWD", mark)
	return err == nil || errors.Is(err, money.ErrTooManyDecimals) || errors.Is(err, money.ErrOverflow)
}
