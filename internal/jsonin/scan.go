// Package jsonin reads JSON that people and programs send to cobro, where
// decoding alone is not strict enough for money: a key given twice, or an
// amount too large for the ledger, is refused before decoding. Both faces
// (the API and the pages' own JSON routes) use it.
package jsonin

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"cobro/internal/money"
)

// The codes of Error.
const (
	CodeDuplicateKey   = "duplicate_key"
	CodeAmountTooLarge = "amount_too_large"
)

// Error is a body Scan refuses: Code names why, Field where (a path such
// as "allocations[2].amount"), Max the largest amount allowed (for
// CodeAmountTooLarge).
type Error struct {
	Code, Field, Detail string
	Max                 money.Amount
}

func (e *Error) Error() string {
	if e.Detail != "" {
		return e.Code + ": " + e.Detail
	}
	return e.Code + " at " + e.Field
}

// Scan walks a JSON body token by token before it is decoded, at every
// level of nesting, and refuses:
//
//   - a key given twice in one object (duplicate_key): encoding/json
//     would keep the last one, so {"amount": 1, "amount": 999} would book
//     999 behind a client that meant 1, or behind a proxy that read 1;
//   - a money amount, any number under an "amount" key, over
//     money.MaxMinor (amount_too_large, naming the field), including
//     one too large for int64, which decoding alone reports as bad JSON.
//
// Syntax errors are left to the decoder, which reports them better.
func Scan(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	type level struct {
		object bool
		seen   map[string]bool
		key    string // the object's current key
		index  int    // the array's next index
		keyed  bool   // an object expecting a key next
		// big is the path of an amount over the limit in this object,
		// refused when the object ends and its currency is known.
		big, currency string
	}
	var stack []*level
	path := func() string {
		var b strings.Builder
		for _, l := range stack {
			switch {
			case l.object && l.key != "":
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(l.key)
			case !l.object:
				b.WriteString("[" + strconv.Itoa(l.index-1) + "]")
			}
		}
		return b.String()
	}
	// value is called at the start of each value: in an array it counts.
	value := func() {
		if n := len(stack); n > 0 && !stack[n-1].object {
			stack[n-1].index++
		}
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // the decoder says what is wrong
		}
		top := (*level)(nil)
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		if top != nil && top.object && top.keyed {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				if top.big != "" {
					c, _ := money.ParseCurrency(top.currency)
					return &Error{Code: CodeAmountTooLarge, Field: top.big, Max: money.Max(c)}
				}
				stack = stack[:len(stack)-1]
				if n := len(stack); n > 0 && stack[n-1].object {
					stack[n-1].keyed = true
				}
				continue
			}
			key, _ := tok.(string)
			top.key, top.keyed = key, false
			if top.seen[key] {
				return &Error{Code: CodeDuplicateKey, Field: path(),
					Detail: "the key " + strconv.Quote(key) + " appears twice in one object"}
			}
			top.seen[key] = true
			continue
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				value()
				stack = append(stack, &level{object: true, seen: map[string]bool{}, keyed: true})
				continue
			case '[':
				value()
				stack = append(stack, &level{})
				continue
			default: // ']': '}' is handled with the keys
				stack = stack[:len(stack)-1]
			}
		case json.Number:
			value()
			if top != nil && top.object && top.key == "amount" && tooLarge(t) && top.big == "" {
				top.big = path()
			}
		case string:
			value()
			if top != nil && top.object && top.key == "currency" {
				top.currency = t
			}
		default:
			value()
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].keyed = true
		}
	}
}

// tooLarge reports whether an integer JSON number is over money.MaxMinor
// in magnitude. A fraction or an exponent is not an amount at all: the
// decoder refuses it.
func tooLarge(n json.Number) bool {
	s := string(n)
	if strings.ContainsAny(s, ".eE") {
		return false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return err != nil || money.CheckMinor(v) != nil
}
