package geo

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// csvColumns are the columns of a declarations CSV: the first three are
// required, programme and service only for broadcast.
var csvColumns = []string{"commune_code", "technology", "share", "programme", "service"}

// ParseFilingCSV reads and validates commune declarations as CSV, the form
// provincial staff produce from spreadsheets: a header row naming the
// columns commune_code, technology, share and, for broadcast, programme
// and service (in any order; a UTF-8 byte-order mark is allowed), then one
// declaration per row. The layer and as_of are given apart (query
// parameters), since CSV has no place for them. Problems name the data row
// (0-based, as Feature) and its line in the file.
func ParseFilingCSV(raw []byte, layer, asOf string, r FilingRules) (*Submission, error) {
	r.defaults()
	if ie := checkUTF8(raw); ie != nil {
		return nil, ie
	}
	ps := &problems{max: r.MaxProblems}
	l := r.checkHeader(ps, layer, asOf, layer != "", asOf != "")
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		ps.add(-1, "header", ProblemCSVHeader, "the file has no CSV header row: want %s", strings.Join(csvColumns, ","))
		return nil, ps.err()
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range csvColumns[:3] {
		if _, ok := col[need]; !ok {
			ps.add(-1, "header", ProblemCSVHeader, "the header lacks column %q: want %s", need, strings.Join(csvColumns, ","))
		}
	}
	if len(ps.list) > 0 && ps.list[len(ps.list)-1].Code == ProblemCSVHeader {
		return nil, ps.err()
	}
	sub := &Submission{Layer: l, AsOf: asOf}
	v := validator{rules: &r, ps: ps, layer: l, seen: map[declKey]int{}}
	for row := 0; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line := 0
		if err == nil && len(rec) > 0 {
			line, _ = cr.FieldPos(0)
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			ps.addAt(row, line, "", ProblemCSVRow, "not a CSV row: %v", err)
			sub.Features++
			continue
		}
		if row >= r.MaxFeatures {
			ps.add(-1, "rows", ProblemTooManyFeatures, "the file has more than %d rows; at most %d are taken in one filing", r.MaxFeatures, r.MaxFeatures)
			return nil, ps.err()
		}
		sub.Features++
		if len(rec) != len(header) {
			ps.addAt(row, line, "", ProblemCSVRow, "row has %d fields, the header %d", len(rec), len(header))
			continue
		}
		props := map[string]any{}
		for _, name := range csvColumns {
			if k, ok := col[name]; ok {
				props[name] = strings.TrimSpace(rec[k])
			}
		}
		props["share"] = json.Number(props["share"].(string))
		if d, ok := v.declaration(row, line, props); ok {
			d.Provider, d.Layer = r.Provider, l
			sub.Declarations = append(sub.Declarations, d)
		}
	}
	if sub.Features == 0 {
		ps.add(-1, "rows", ProblemNoFeatures, "the file has a header but no declarations")
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return sub, nil
}
