package erpimport

import (
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"cobro/internal/money"
)

// detectDecimal reads a file's amounts (amount, open_amount, credit_limit)
// until one tells its decimal mark, and stops there: "1.234,56" and "12,50"
// mean a comma, "1,234.56" and "12.5" a point. Values such as "1.234" read
// either way (one thousand two hundred and thirty-four, or one point two
// three four?), so a file with only those is refused and the user is
// asked; a file with no separators at all reads the same either way and
// gets a point. A row whose amounts disagree refuses the file. An amount
// further down written with the other mark is that row's error
// (mixed_decimal), never misread: no amount with one mark parses with the
// other.
//
// In XLSX, cells that hold plain numbers as the file stores them say
// nothing: they are always read with a point. Text cells count.
func detectDecimal(sh sheet, opt Options, t table) (money.DecimalMark, error) {
	recs, err := sh.records()
	if err != nil {
		return 0, err
	}
	defer recs.close()
	h, err := readHeader(recs, opt)
	if err != nil {
		return 0, err
	}
	cols, _, err := h.columns(t)
	if err != nil {
		return 0, err
	}
	var idx []int
	for c, i := range cols {
		if amountColumns[c] {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx) // in the file's order, so that messages are the same every time
	_, xlsx := sh.(*xlsxSheet)
	ambiguous := ""
	for {
		rec, _, err := recs.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
		found, foundIn := money.NoEvidence, ""
		for _, i := range idx {
			if i >= len(rec) {
				continue
			}
			v := signFirst(strings.TrimSpace(rec[i]))
			if !looksLikeAmount(v) || (xlsx && isRawNumber(v)) {
				continue
			}
			switch ev := money.Sniff(v); ev {
			case money.PointEvidence, money.CommaEvidence:
				if found != money.NoEvidence && found != ev {
					return 0, newFileError(opt.File, "ambiguous_decimal", strconv.Quote(foundIn)+" / "+strconv.Quote(v), nil)
				}
				found, foundIn = ev, v
			case money.AmbiguousValue:
				if ambiguous == "" {
					ambiguous = v
				}
			}
		}
		switch found {
		case money.PointEvidence:
			return money.MarkPoint, nil
		case money.CommaEvidence:
			return money.MarkComma, nil
		}
	}
	if ambiguous != "" {
		return 0, newFileError(opt.File, "ambiguous_decimal", strconv.Quote(ambiguous), nil)
	}
	return money.MarkPoint, nil
}
