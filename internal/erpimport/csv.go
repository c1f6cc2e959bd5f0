package erpimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// charset is how a CSV file's bytes are text.
type charset int

const (
	utf8Text   charset = iota // with or without a byte order mark
	cp1252Text                // Windows-1252: what ERPs on Windows export
	utf16Text                 // with a byte order mark (Excel's "Unicode text" is UTF-16)
)

// csvSheet is a CSV file: comma, semicolon or tab separated, quoted
// fields may hold separators, quotes ("") and line breaks.
type csvSheet struct {
	src     io.ReadSeeker
	file    string
	charset charset
	// maxRecord bounds the bytes of one row, so that a file with no line
	// breaks, or a quote never closed, cannot fill the memory.
	maxRecord int
	warnings  []string // said once: how the file's encoding was read
}

func openCSV(src io.ReadSeeker, opt Options) (*csvSheet, error) {
	cs, badLine, err := detectCharset(src, opt.File)
	if err != nil {
		return nil, err
	}
	var warnings []string
	switch {
	case cs == cp1252Text:
		warnings = append(warnings, fmt.Sprintf("%s: the file is not UTF-8 (from line %d): it is read as Windows-1252; check that accented names read right", opt.File, badLine))
	case badLine > 0:
		warnings = append(warnings, fmt.Sprintf("%s: line %d is not UTF-8, though the rest of the file is: the rows that are not UTF-8 are rejected (bad_encoding); save the file as UTF-8 and import it again", opt.File, badLine))
	}
	maxLen := opt.MaxFieldLen
	if maxLen <= 0 {
		maxLen = defaultMaxFieldLen
	}
	return &csvSheet{src: src, file: opt.File, charset: cs, maxRecord: max(1<<20, 64*4*maxLen), warnings: warnings}, nil
}

func (s *csvSheet) close() {}

func (s *csvSheet) records() (records, error) {
	if err := rewind(s.src, s.file); err != nil {
		return nil, err
	}
	var text io.Reader = bufio.NewReaderSize(s.src, 64<<10)
	switch s.charset {
	case cp1252Text:
		text = transform.NewReader(text, charmap.Windows1252.NewDecoder())
	case utf16Text:
		text = transform.NewReader(text, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	}
	br := bufio.NewReaderSize(text, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	head, _ := br.Peek(64 << 10)
	guard := &rowGuard{r: br, limit: s.maxRecord}
	r := csv.NewReader(guard)
	r.Comma = separator(head)
	r.FieldsPerRecord = -1 // short rows are read as blank cells
	r.LazyQuotes = true    // `Tornillo 3/4"` is a field, not an error
	r.ReuseRecord = true
	return &csvRecords{r: r, guard: guard, file: s.file}, nil
}

// csvRecords numbers rows as a spreadsheet shows the file: a record is
// one row however many line breaks its quoted fields hold, and a blank
// line is a row too (encoding/csv skips it, so it is counted from the
// line numbers).
type csvRecords struct {
	r     *csv.Reader
	guard *rowGuard
	file  string
	line  int // the row number of the last record
	// nextLine is the line of the file where the next record would
	// start if no blank line came between.
	nextLine int
}

func (c *csvRecords) next() ([]string, int, error) {
	c.guard.n = 0
	rec, err := c.r.Read()
	switch {
	case err == nil:
		start, _ := c.r.FieldPos(0)
		if c.nextLine == 0 {
			c.nextLine = 1
		}
		c.line += 1 + max(0, start-c.nextLine)
		c.nextLine = start + 1
		for _, f := range rec {
			c.nextLine += strings.Count(f, "\n")
		}
		return rec, c.line, nil
	case errors.Is(err, io.EOF):
		return nil, 0, io.EOF
	case errors.Is(err, errRowTooLong):
		return nil, 0, newFileError(c.file, "row_too_long", strconv.Itoa(c.line+1), err)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, 0, newFileError(c.file, "bad_csv", fmt.Sprintf("row %d: %v", c.line+1, pe.Err), err)
	}
	return nil, 0, newFileError(c.file, "read_error", err.Error(), err)
}

func (c *csvRecords) close() {}

// rowGuard fails a read once one row has taken more than limit bytes.
// csv.Reader buffers at most 4 KiB ahead, so the count is the row's own
// give or take that.
type rowGuard struct {
	r        io.Reader
	n, limit int
}

var errRowTooLong = errors.New("row too long")

func (g *rowGuard) Read(p []byte) (int, error) {
	if g.n > g.limit {
		return 0, errRowTooLong
	}
	n, err := g.r.Read(p)
	g.n += n
	return n, err
}

// separator picks the separator of the first line that is not blank: the
// most frequent of comma, semicolon and tab outside quotes (comma when
// none is there: a file of one column).
func separator(head []byte) rune {
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		if len(bytes.TrimSpace(line)) > 0 {
			head = line
			break
		}
	}
	counts := map[byte]int{}
	quoted := false
	for _, b := range head {
		switch {
		case b == '"':
			quoted = !quoted
		case !quoted && (b == ',' || b == ';' || b == '\t'):
			counts[b]++
		}
	}
	best := byte(',')
	for _, s := range []byte{';', '\t'} {
		if counts[s] > counts[best] {
			best = s
		}
	}
	return rune(best)
}

// detectCharset reads the whole file once: a UTF-16 byte order mark means
// UTF-16; a file that is not UTF-8 and has no UTF-8 accent anywhere is
// Windows-1252, where every byte is a character. A file with both — UTF-8
// text and a row in another encoding, pasted from elsewhere — is UTF-8:
// re-reading it all as Windows-1252 would garble every accented name, so
// the rows that are not UTF-8 are refused instead (bad_encoding). badLine
// is the first line (1-based) that is not UTF-8, 0 when every line is.
// Deciding on the first kilobytes would misread a UTF-8 file whose first
// accent is on row 100,000 — or a Windows-1252 one.
func detectCharset(src io.ReadSeeker, file string) (cs charset, badLine int, err error) {
	if err := rewind(src, file); err != nil {
		return 0, 0, err
	}
	buf := make([]byte, 64<<10)
	carry, lines, sawUTF8 := 0, 0, false
	for first := true; ; first = false {
		n, err := io.ReadFull(src, buf[carry:])
		data := buf[:carry+n]
		if first && (bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF})) {
			return utf16Text, 0, nil
		}
		last := err != nil
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, 0, newFileError(file, "read_error", err.Error(), err)
		}
		end := len(data)
		if !last {
			end = completeRunes(data)
		}
		chunk := data[:end]
		if utf8.Valid(chunk) {
			sawUTF8 = sawUTF8 || bytes.ContainsFunc(chunk, func(r rune) bool { return r >= utf8.RuneSelf })
			lines += bytes.Count(chunk, []byte{'\n'})
		} else {
			for i := 0; i < len(chunk); {
				if b := chunk[i]; b < utf8.RuneSelf {
					if b == '\n' {
						lines++
					}
					i++
					continue
				}
				r, size := utf8.DecodeRune(chunk[i:])
				if r == utf8.RuneError && size == 1 {
					if badLine == 0 {
						badLine = lines + 1
					}
				} else {
					sawUTF8 = true
				}
				i += size
			}
		}
		switch {
		case badLine > 0 && sawUTF8:
			return utf8Text, badLine, nil
		case last && badLine > 0:
			return cp1252Text, badLine, nil
		case last:
			return utf8Text, 0, nil
		}
		carry = copy(buf, data[end:])
	}
}

// completeRunes is the length of data without a character cut at its end.
func completeRunes(data []byte) int {
	for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
		if utf8.RuneStart(data[i]) {
			if !utf8.FullRune(data[i:]) {
				return i
			}
			break
		}
	}
	return len(data)
}

func rewind(src io.Seeker, file string) error {
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return newFileError(file, "read_error", err.Error(), err)
	}
	return nil
}
