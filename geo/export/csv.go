package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// CSVColumns are the columns of WriteCSV: the row's Columns, then the
// metadata that every row repeats so that each row stands on its own.
var CSVColumns = append(append([]string{}, Columns...), "layer", "as_of", "computed_at", "method", "cell_size_m", "source")

// WriteCSV writes the table as CSV for spreadsheets: UTF-8 with a byte
// order mark (so that Excel reads Vietnamese names right), a header row of
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
	cw := csv.NewWriter(bw)
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	meta := []string{string(t.Layer), t.AsOf, t.ComputedAt, CSVText(t.Method.Name),
		strconv.FormatFloat(t.Method.CellSizeM, 'f', -1, 64), CSVText(t.Source)}
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
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
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
