package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// CSVColumns are the columns of WriteCSV: the row's Columns, then the
// metadata that every row repeats so that each row stands on its own.
var CSVColumns = append(append([]string{}, Columns...), "layer", "as_of", "computed_at", "method", "cell_size_m", "population_method", "source")

// WriteCSV writes the table as CSV (RFC 4180: records end with CRLF) for
// spreadsheets: UTF-8 with a byte order mark (so that Excel reads
// Vietnamese names right), a header row of
// CSVColumns, then one row per commune with no geometry. Codes are written
// as they are ("04807"); a spreadsheet keeps their leading zero when the
// column is imported as text. Text cells go through CSVText, so that a name
// from an imported file is never run as a formula; the figures are numbers
// and are written as numbers. The layer, date, method and source repeat on
// every row rather than sitting in extra rows, so that the file stays one
// row per commune for every tool.
func (t *Table) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	rw := newCRLFRecordWriter(bw)
	header := CSVColumns
	meta := []string{string(t.Layer), t.AsOf, t.ComputedAt, CSVText(t.Method.Name),
		strconv.FormatFloat(t.Method.CellSizeM, 'f', -1, 64), CSVText(t.Method.Population), CSVText(t.Source)}
	// One breakdown's figures say so in a last column.
	if t.Breakdown != "" {
		header = append(append([]string{}, CSVColumns...), "breakdown")
		meta = append(meta, CSVText(t.Breakdown))
	}
	if err := rw.Write(header); err != nil {
		return err
	}
	rec := make([]string, 0, len(CSVColumns))
	for _, r := range t.Rows {
		rec = rec[:0]
		for _, v := range r.Values() {
			if text, ok := v.(string); ok {
				rec = append(rec, CSVText(text))
				continue
			}
			rec = append(rec, formatValue(v))
		}
		rec = append(rec, meta...)
		if err := rw.Write(rec); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// crlfRecordWriter writes CSV records that end with CRLF, as RFC 4180 and
// spreadsheets have them. encoding/csv's UseCRLF is not used because it
// also drops every carriage return inside a cell, which would change a
// cell's text; here each record is encoded alone and only the line feed
// that ends it becomes CRLF, so cells keep every byte.
type crlfRecordWriter struct {
	w    *bufio.Writer
	line bytes.Buffer
	cw   *csv.Writer
}

func newCRLFRecordWriter(w *bufio.Writer) *crlfRecordWriter {
	rw := &crlfRecordWriter{w: w}
	rw.cw = csv.NewWriter(&rw.line)
	return rw
}

// Write writes one record and its CRLF.
func (rw *crlfRecordWriter) Write(rec []string) error {
	rw.line.Reset()
	if err := rw.cw.Write(rec); err != nil {
		return err
	}
	rw.cw.Flush()
	if err := rw.cw.Error(); err != nil {
		return err
	}
	// encoding/csv ends every record with exactly one line feed.
	b := bytes.TrimSuffix(rw.line.Bytes(), []byte("\n"))
	if _, err := rw.w.Write(b); err != nil {
		return err
	}
	_, err := rw.w.WriteString("\r\n")
	return err
}

// formatValue writes a Row value as text: numbers in the shortest form
// that reads back exactly, never in exponent notation.
func formatValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

// formulaStarts are the first characters that make a spreadsheet (Excel,
// LibreOffice, Google Sheets) read a cell as a formula, or that it drops
// before reading one: =, +, -, @, tab and carriage return (OWASP, "CSV
// Injection").
const formulaStarts = "=+-@\t\r"

// CSVText returns s as a CSV cell of text that a spreadsheet shows and
// never runs: a cell starting with one of =, +, -, @, tab or carriage
// return gets a leading single quote, as OWASP recommends, which
// spreadsheets show as text ("'=1+1" shows =1+1 unevaluated). Anything else
// is returned as it is. It is for text only (names, titles, codes, which
// come from users or imported files): a number the program writes, such
// as -1.5, must not pass through it, or it would stop being a number.
func CSVText(s string) string {
	if s != "" && strings.IndexByte(formulaStarts, s[0]) >= 0 {
		return "'" + s
	}
	return s
}
