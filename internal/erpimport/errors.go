package erpimport

import (
	"fmt"
	"unicode/utf8"
)

// RowError is why one row was rejected: which file, row and column, the
// offending value, a stable code (see messages) and an English message.
// A row with several bad cells has one RowError for each.
type RowError struct {
	File    string   `json:"file"`
	Line    int      `json:"line"`
	Column  string   `json:"column,omitempty"`
	Value   string   `json:"value,omitempty"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
	args    []string // the template's {1}, {2}, for Localized
}

// Error is `customers.csv: row 14, column "due_date": "31/02/2026" is
// not a valid date (YYYY-MM-DD or DD/MM/YYYY)`.
func (e *RowError) Error() string {
	where := fmt.Sprintf("%s: row %d", e.File, e.Line)
	if e.Column != "" {
		where += fmt.Sprintf(", column %q", e.Column)
	}
	return where + ": " + e.Message
}

// Localized is Error in lang ("es" or "en"). A code with no Spanish
// template keeps its English message. The column names stay as they are:
// they are the names in the file.
func (e *RowError) Localized(lang string) string {
	if !isSpanish(lang) {
		return e.Error()
	}
	msg, ok := render(lang, e.Code, e.Value, e.args)
	if !ok {
		msg = e.Message
	}
	where := fmt.Sprintf("%s: fila %d", e.File, e.Line)
	if e.Column != "" {
		where += fmt.Sprintf(", columna %q", e.Column)
	}
	return where + ": " + msg
}

// newRowError makes a row error whose message is the code's template.
func newRowError(file string, line int, column, value, code string, args ...string) *RowError {
	value = clip(value)
	msg, ok := render("en", code, value, args)
	if !ok {
		msg = code // every code this package uses has a template: see TestMessages
	}
	return &RowError{File: file, Line: line, Column: column, Value: value, Code: code, Message: msg, args: args}
}

// FileError stops a whole file: it cannot be read as asked, and no row of
// it was given to the caller (except for errors found part-way through a
// file, such as a JSON syntax error, which say where).
type FileError struct {
	File    string   `json:"file"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
	args    []string // the template's {1}, {2}, for Localized
	err     error
}

func (e *FileError) Error() string { return e.File + ": " + e.Message }

// Unwrap is the cause found by a parser or the operating system, if any.
func (e *FileError) Unwrap() error { return e.err }

// Localized is Error in lang ("es" or "en").
func (e *FileError) Localized(lang string) string {
	if !isSpanish(lang) {
		return e.Error()
	}
	msg, ok := render(lang, e.Code, "", e.args)
	if !ok {
		msg = e.Message
	}
	return e.File + ": " + msg
}

// newFileError makes a file error from the code's template, detail and
// more filling its {1} and {2}; cause, when not nil, is kept for
// errors.As and errors.Is.
func newFileError(file, code, detail string, cause error, more ...string) *FileError {
	args := append([]string{detail}, more...)
	msg, ok := render("en", code, "", args)
	if !ok {
		msg = code
	}
	return &FileError{File: file, Code: code, Message: msg, args: args, err: cause}
}

// clip keeps a value short enough to quote in a message.
func clip(s string) string { return clipTo(s, 80) }

// clipTo cuts s to at most n bytes on a character boundary, marking the
// cut.
func clipTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Params are what the message's template is filled with, so that a row
// error kept as JSON (Line, Column, Value, Code, Message) can be made
// again with RestoreRowError and read in another language.
func (e *RowError) Params() []string { return e.args }

// RestoreRowError makes again a row error that was kept (see Params).
func RestoreRowError(file string, line int, column, value, code, message string, params []string) *RowError {
	return &RowError{File: file, Line: line, Column: column, Value: value, Code: code, Message: message, args: params}
}

// Reason is why the row was rejected in lang, without its file, row and
// column (a report lists those apart).
func (e *RowError) Reason(lang string) string {
	if isSpanish(lang) {
		if msg, ok := render(lang, e.Code, e.Value, e.args); ok {
			return msg
		}
	}
	return e.Message
}
