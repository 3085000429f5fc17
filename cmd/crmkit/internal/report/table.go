package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"
)

// table is one CSV file read whole: its header, rows and the line each row
// starts on.
type table struct {
	file      string
	delimiter rune
	header    []string
	rows      [][]string
	lines     []int
}

// errUsage marks errors that are the caller's input (a file that cannot be
// read, a flag that does not fit the file): exit status 2.
var errUsage = errors.New("usage")

func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// delimiterNames are the delimiters the -delimiter flag accepts.
var delimiterNames = map[string]rune{",": ',', "comma": ',', ";": ';', "semicolon": ';', "tab": '\t', `\t`: '\t', "\t": '\t'}

func delimiterName(r rune) string {
	if r == '\t' {
		return "tab"
	}
	return string(r)
}

// readTable reads path; delim 0 means detect it from the header line.
func readTable(path string, delim rune) (table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return table{}, usagef("%v", err)
	}
	return parseTable(path, data, delim)
}

func parseTable(name string, data []byte, delim rune) (table, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // "CSV UTF-8" from spreadsheets
	t := table{file: name}
	if delim == 0 {
		var err error
		if delim, err = detectDelimiter(name, data); err != nil {
			return t, err
		}
	}
	t.delimiter = delim
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil {
		return t, usagef("%s: reading the header: %v", name, err)
	}
	for _, h := range header {
		t.header = append(t.header, strings.TrimSpace(h))
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return t, usagef("%s: %v", name, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
}

// detectDelimiter picks among comma, semicolon and tab the one that occurs
// most often outside quotes in the header line, and refuses to guess on a
// tie.
func detectDelimiter(name string, data []byte) (rune, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	if !sc.Scan() {
		return 0, usagef("%s: empty file", name)
	}
	counts := map[rune]int{}
	quoted := false
	for _, c := range sc.Text() {
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ',' || c == ';' || c == '\t'):
			counts[c]++
		}
	}
	best, bestN, tie := ',', 0, false
	for _, c := range []rune{',', ';', '\t'} {
		switch n := counts[c]; {
		case n > bestN:
			best, bestN, tie = c, n, false
		case n == bestN && n > 0:
			tie = true
		}
	}
	if tie {
		return 0, usagef("%s: cannot tell the delimiter: the header has as many of two of comma, semicolon and tab; set -delimiter", name)
	}
	return best, nil
}

func (t *table) cell(row, col int) string {
	rec := t.rows[row]
	if col < 0 || col >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[col])
}

// headerKey is how headers and column flags are compared: lower case,
// letters and digits only ("Close Value", "close_value" and "CloseValue"
// are one column).
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// find returns the index of the first of names present in the header, or -1.
func (t *table) find(names ...string) int {
	for _, n := range names {
		k := headerKey(n)
		for i, h := range t.header {
			if headerKey(h) == k {
				return i
			}
		}
	}
	return -1
}

// Date layouts tried by detection, date-only first. Day-first and
// month-first layouts both parse "03/04/2024": detection refuses to choose
// when both read every value of a column.
var dateLayouts = []string{
	"2006-01-02",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.000Z",
	"2006/01/02",
	"01/02/2006",
	"02/01/2006",
	"1/2/2006",
	"2/1/2006",
	"01/02/2006 15:04",
	"02/01/2006 15:04",
	"1/2/2006 15:04",
	"2/1/2006 15:04",
	"01/02/2006 03:04 PM",
	"1/2/2006 3:04 PM",
	"02.01.2006",
	"02.01.2006 15:04",
	"02.01.2006 15:04:05",
}

// dateFormat is the layouts a column's dates are read with.
type dateFormat struct {
	layouts []string
}

func (f dateFormat) parse(s string) (time.Time, error) {
	for _, l := range f.layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q does not match %s", s, strings.Join(f.layouts, " | "))
}

// detectDates chooses the layout that reads the most of values (every
// one, ideally). Two layouts reading the same most values and giving a
// different date for one of them (day and month swapped) is an error
// asking for -date-format; so is a column no layout reads at all.
func detectDates(what string, values []string) (dateFormat, error) {
	if len(values) == 0 {
		return dateFormat{layouts: []string{dateLayouts[0]}}, nil
	}
	best, bestN := []string(nil), 0
	for _, l := range dateLayouts {
		n := 0
		for _, v := range values {
			if _, err := time.Parse(l, v); err == nil {
				n++
			}
		}
		switch {
		case n > bestN:
			best, bestN = []string{l}, n
		case n == bestN && n > 0:
			best = append(best, l)
		}
	}
	if bestN == 0 {
		return dateFormat{}, usagef("%s: cannot tell the date format (first value %q); set -date-format to a Go layout such as 2006-01-02 or 02/01/2006", what, values[0])
	}
	// Layouts reading the same values are fine when they agree on every value.
	for _, l := range best[1:] {
		for _, v := range values {
			a, errA := time.Parse(best[0], v)
			b, errB := time.Parse(l, v)
			if errA == nil && errB == nil && !a.Equal(b) {
				return dateFormat{}, usagef("%s: unsure of the date format: %q reads as %s with %s and as %s with %s; set -date-format", what, v, a.Format("2 Jan 2006"), best[0], b.Format("2 Jan 2006"), l)
			}
		}
	}
	return dateFormat{layouts: best[:1]}, nil
}
