package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/phusong/phusong/data"
)

// indicatorCSVColumns maps every accepted header, English or Vietnamese
// (lower case), to its column.
var indicatorCSVColumns = map[string]string{
	"indicator": "indicator", "chỉ tiêu": "indicator", "chi_tieu": "indicator",
	"as_of": "as_of", "ngày": "as_of", "ngay": "as_of",
	"unit_code": "unit_code", "mã đơn vị": "unit_code", "ma_don_vi": "unit_code",
	"value": "value", "giá trị": "value", "gia_tri": "value",
	"numerator": "numerator", "tử số": "numerator", "tu_so": "numerator",
	"denominator": "denominator", "mẫu số": "denominator", "mau_so": "denominator",
	"source": "source", "nguồn": "source", "nguon": "source",
}

// IndicatorCSVRow is one row of an indicators CSV file: its line (1 is
// the header), the indicator it is of and the value.
type IndicatorCSVRow struct {
	Line      int
	Indicator string
	Value     ValueInput
}

// ParseIndicatorCSV reads an indicators CSV file: UTF-8 (a BOM is
// skipped), a header row naming the columns in English or Vietnamese,
// comma or semicolon separated (the header has more of which), dates
// YYYY-MM-DD or DD/MM/YYYY (returned as YYYY-MM-DD), numbers with a
// decimal comma when the separator is a semicolon. An empty source takes
// defaultSource. Problems of form (bad number, bad date, unknown column)
// are listed with the line; the rest is for CheckImport.
func ParseIndicatorCSV(body []byte, defaultSource string) ([]IndicatorCSVRow, ValueProblems) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	var problems ValueProblems
	add := func(line int, field, code, format string, args ...any) {
		problems = append(problems, ValueProblem{Index: line, Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	header, _, _ := bytes.Cut(body, []byte("\n"))
	sep := ','
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		sep = ';'
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma, r.FieldsPerRecord, r.TrimLeadingSpace = sep, -1, true
	head, err := r.Read()
	if err != nil {
		add(1, "header", CodeEmpty, "no header row: %v", err)
		return nil, problems
	}
	col := map[string]int{}
	for i, h := range head {
		name, ok := indicatorCSVColumns[strings.ToLower(strings.TrimSpace(h))]
		if !ok {
			add(1, "header", "unknown_column", "column %s: want indicator, as_of, unit_code, value, numerator, denominator, source (or their Vietnamese names)", quote(h))
			continue
		}
		if _, dup := col[name]; dup {
			add(1, "header", "duplicate_column", "column %s is given twice", name)
		}
		col[name] = i
	}
	for _, need := range []string{"indicator", "as_of"} {
		if _, ok := col[need]; !ok {
			add(1, "header", "missing_column", "column %s is required", need)
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	var rows []IndicatorCSVRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			add(line, "row", "bad_csv", "%v", err)
			return nil, problems
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue // a blank line
		}
		row := IndicatorCSVRow{Line: line, Indicator: get("indicator"),
			Value: ValueInput{AsOf: csvDate(get("as_of")), UnitCode: get("unit_code"), Source: get("source")}}
		if row.Value.Source == "" {
			row.Value.Source = defaultSource
		}
		num := func(name string) *float64 {
			s := get(name)
			if s == "" {
				return nil
			}
			t := strings.ReplaceAll(s, " ", "")
			if sep == ';' && !strings.Contains(t, ".") {
				t = strings.Replace(t, ",", ".", 1)
			}
			v, err := strconv.ParseFloat(t, 64)
			if err != nil {
				add(line, name, CodeBadNumber, "%s %s: not a number", name, quote(s))
				v = 1 // checked no further: the row is refused already
			}
			return &v
		}
		row.Value.Value, row.Value.Numerator, row.Value.Denominator = num("value"), num("numerator"), num("denominator")
		rows = append(rows, row)
	}
	return rows, problems
}

// csvDate turns DD/MM/YYYY into YYYY-MM-DD; anything else is left for the
// check to judge.
func csvDate(s string) string {
	if t, err := time.Parse("2/1/2006", s); err == nil {
		return t.Format(time.DateOnly)
	}
	return s
}

// CheckImport parses and checks an indicators CSV file against the
// indicators, the snapshot's units and the values stored, and returns the
// rows to store, or ValueProblems listing every problem by line.
func (snap *Snapshot) CheckImport(d *IndicatorData, body []byte, defaultSource string) ([]data.IndicatorValue, error) {
	rows, problems := ParseIndicatorCSV(body, defaultSource)
	vc := snap.newValueCheck(d)
	vc.problems = problems
	vc.refused = map[int]bool{}
	for _, p := range problems {
		vc.refused[p.Index] = true
	}
	if len(rows) == 0 && len(problems) == 0 {
		vc.add(1, "values", CodeEmpty, "the file has no row below its header")
	}
	if len(rows) > maxValues {
		vc.add(1, "values", CodeEmpty, "%d rows: at most %d in one file", len(rows), maxValues)
		return nil, vc.problems
	}
	out := make([]data.IndicatorValue, 0, len(rows))
	for _, row := range rows {
		ind, ok := vc.indicator(row.Line, row.Indicator)
		out = append(out, vc.value(row.Line, ind, ok, row.Value))
	}
	if len(vc.problems) > 0 {
		return nil, sortedProblems(vc.problems)
	}
	return out, nil
}

// sortedProblems orders problems by line, keeping each line's in the
// order found.
func sortedProblems(ps ValueProblems) ValueProblems {
	out := make(ValueProblems, len(ps))
	copy(out, ps)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// ImportValues checks an indicators CSV file and stores its values, all
// or none, audited as indicator.import.
func (snap *Snapshot) ImportValues(ctx context.Context, store *data.Store, body []byte, defaultSource, actor string) ([]data.IndicatorValue, error) {
	d, err := ReadIndicators(ctx, store)
	if err != nil {
		return nil, err
	}
	vals, err := snap.CheckImport(d, body, defaultSource)
	if err != nil {
		return nil, err
	}
	return store.AddIndicatorValues(ctx, vals, actor, "indicator.import", fmt.Sprintf("%d values from a CSV file", len(vals)))
}
