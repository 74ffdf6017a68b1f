package geo

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// problemsOf parses and returns the problems, failing when there are none.
func problemsOf(t *testing.T, err error) []FeatureProblem {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("want an InputError, got %v", err)
	}
	return ie.Problems
}

// A syntax error names the line and the column (in characters, as an
// editor counts them) of the character that breaks the JSON; a file that
// ends too soon, the end; a byte-order mark is no error and moves nothing.
func TestParseFilingGeoJSON_SyntaxErrorLineAndColumn(t *testing.T) {
	for _, c := range []struct {
		name, in     string
		line, column int
	}{
		{"bad key", "{\"type\":\"FeatureCollection\",\n \"layer\":\"mobile\",\n \"features\": [ {oops} ]}", 3, 17},
		{"after diacritics", "{\"type\":\"FeatureCollection\",\n\"name\":\"Hòa Bình\" x}", 2, 19},
		{"byte-order mark", "\xef\xbb\xbf{\"type\":,}", 1, 9},
		{"cut short", "{\"type\":\"FeatureCollection\",\n\"features\":[", 2, 13},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseFilingGeoJSON([]byte(c.in), testRules())
			ps := problemsOf(t, err)
			p := ps[0]
			if len(ps) != 1 || p.Code != ProblemJSONSyntax || p.Line != c.line || p.Column != c.column || p.Feature != -1 {
				t.Fatalf("%+v, want json_syntax at line %d, column %d", ps, c.line, c.column)
			}
			if want := fmt.Sprintf("line %d, column %d", c.line, c.column); !strings.Contains(p.Message, want) {
				t.Fatalf("message %q does not say %q", p.Message, want)
			}
		})
	}
}

// The layer and date given apart (a submission's query parameters) take
// the place of the file's: a file without as_of, like the shared scenario
// files, is filed as it is.
func TestParseFilingGeoJSON_GivenLayerAndAsOf(t *testing.T) {
	noDate := `{"type":"FeatureCollection","layer":"mobile","features":[
 {"type":"Feature","properties":{"technology":"4G"},"geometry":{"type":"Polygon","coordinates":[[[105.1,20.1],[105.2,20.1],[105.2,20.2],[105.1,20.1]]]}}]}`
	_, err := ParseFilingGeoJSON([]byte(noDate), testRules())
	if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Code != ProblemMissingAsOf {
		t.Fatalf("without a date: %+v", ps)
	}
	r := testRules()
	r.GivenAsOf = "2025-06-30"
	sub, err := ParseFilingGeoJSON([]byte(noDate), r)
	if err != nil || sub.AsOf != "2025-06-30" || sub.Layer != Mobile || sub.Footprints[0].Layer != Mobile {
		t.Fatalf("with a given date: %+v %v", sub, err)
	}
	// Given values win over the file's, and are checked as the file's are.
	withDate := strings.Replace(noDate, `"layer":"mobile"`, `"layer":"mobile","as_of":"2024-01-01"`, 1)
	if sub, err := ParseFilingGeoJSON([]byte(withDate), r); err != nil || sub.AsOf != "2025-06-30" {
		t.Fatalf("given date over the file's: %+v %v", sub, err)
	}
	r.GivenLayer = "broadband"
	_, err = ParseFilingGeoJSON([]byte(noDate), r)
	if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Code != ProblemTechNotAllowed {
		t.Fatalf("4G in a given broadband layer: %+v", ps)
	}
	r.GivenLayer, r.GivenAsOf = "", "2099-01-01"
	_, err = ParseFilingGeoJSON([]byte(noDate), r)
	if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Code != ProblemFutureAsOf {
		t.Fatalf("a given date in the future: %+v", ps)
	}
}

// A commune code a spreadsheet stripped of its leading zero (4882 for
// 04882) is still refused, with the code it likely is as a suggestion;
// a code no padding explains has none.
func TestParseFiling_LeadingZerosSuggested(t *testing.T) {
	csv := "commune_code,technology,share\n4807,FTTH,0.5\n9999,FTTH,0.5\n04804,FTTH,1\n"
	_, err := ParseFilingCSV([]byte(csv), "broadband", "2025-01-01", testRules())
	ps := problemsOf(t, err)
	if len(ps) != 2 {
		t.Fatalf("%+v", ps)
	}
	if p := ps[0]; p.Code != ProblemUnknownCommune || p.Hint != HintLeadingZeros || p.Suggestion != "04807" || p.Line != 2 || !strings.Contains(p.Message, `did you mean "04807"`) {
		t.Fatalf("4807: %+v", p)
	}
	if p := ps[1]; p.Code != ProblemUnknownCommune || p.Hint != "" || p.Suggestion != "" {
		t.Fatalf("9999 has no suggestion: %+v", p)
	}
	// In GeoJSON the code may be a number, as a spreadsheet exports it.
	gj := `{"type":"FeatureCollection","layer":"broadband","as_of":"2025-01-01","features":[
 {"type":"Feature","properties":{"commune_code":4804,"technology":"FTTH","share":1},"geometry":null}]}`
	_, err = ParseFilingGeoJSON([]byte(gj), testRules())
	if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Suggestion != "04804" || ps[0].Hint != HintLeadingZeros || ps[0].Feature != 0 {
		t.Fatalf("numeric 4804: %+v", ps)
	}
}

// A position out of range, or far from the province, that lies in the
// province with its numbers swapped gets that as a hint; one that does not
// gets none.
func TestParseFilingGeoJSON_SwappedLonLatSuggested(t *testing.T) {
	ring := func(pts string) string {
		return `{"type":"Feature","properties":{"technology":"4G"},"geometry":{"type":"Polygon","coordinates":[` + pts + `]}}`
	}
	in := `{"type":"FeatureCollection","layer":"mobile","as_of":"2025-01-01","features":[` +
		ring(`[[20.1,105.1],[20.1,105.2],[20.2,105.2],[20.1,105.1]]`) + "," + // lat, lon: latitude out of range
		ring(`[[20.1,20.1],[20.2,20.1],[20.2,20.2],[20.1,20.1]]`) + "," + // far, and swapped is far too
		ring(`[[105.1,20.1],[105.2,20.1],[105.2,20.2],[105.1,20.1]]`) + "]}"
	_, err := ParseFilingGeoJSON([]byte(in), testRules())
	ps := problemsOf(t, err)
	if len(ps) != 2 {
		t.Fatalf("%+v", ps)
	}
	if p := ps[0]; p.Feature != 0 || p.Code != ProblemOutOfRange || p.Hint != HintSwappedLonLat || p.Suggestion != "105.1,20.1" || !strings.Contains(p.Message, "swapped") {
		t.Fatalf("swapped: %+v", p)
	}
	if p := ps[1]; p.Feature != 1 || p.Code != ProblemFarFromProvince || p.Hint != "" {
		t.Fatalf("far, not swapped: %+v", p)
	}
	// Far from the province but in range: a province at longitude 60, whose
	// positions written latitude first are (20.5, 60.5).
	r := testRules()
	r.Extent.Min[0], r.Extent.Max[0] = 60, 61
	far := `{"type":"FeatureCollection","layer":"mobile","as_of":"2025-01-01","features":[` +
		ring(`[[20.5,60.5],[20.6,60.5],[20.6,60.6],[20.5,60.5]]`) + "]}"
	_, err = ParseFilingGeoJSON([]byte(far), r)
	if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Code != ProblemFarFromProvince || ps[0].Hint != HintSwappedLonLat || ps[0].Suggestion != "60.5,20.5" {
		t.Fatalf("%+v", ps)
	}
}
