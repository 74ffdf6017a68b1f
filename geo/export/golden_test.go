package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
)

// update rewrites the golden files from the writers' output: run
// `go test ./geo/export -update` after a deliberate change of output, and
// read the diff before committing it.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// floatTolerance is how far apart two numbers of a golden file may be and
// still count as equal: far below the 6 decimals (about 0.1 m) that
// coordinates carry, far above the last digit a float64 formatter may
// change.
const floatTolerance = 1e-9

// goldenTable is a small table that exercises what a downloaded file must
// get right: Vietnamese names with diacritics, official and approximate
// boundaries, a polygon with a hole, a commune of two parts, a remote
// commune, each status, and a source that needs quoting in CSV and
// escaping in XML.
//
//	04807 Phường Phương Lâm     04810 Xã Hợp Thịnh    04813 Xã Đồng Bảng (two parts)
//	+-----------+               (approximate)         +---+   +---+
//	|   +---+   |                   /\                |   |   |   |
//	|   |   |   |                  /  \               +---+   +---+
//	|   +---+   |                 /____\
//	+-----------+
func goldenTable(t *testing.T) *Table {
	t.Helper()
	communes := []geo.Commune{
		{Code: "04807", Name: "Phường Phương Lâm", Type: "phường", DistrictCode: "148", District: "Thành phố Hòa Bình",
			Population: 12034, Boundary: "communes_2019.geojson", Geometry: orb.MultiPolygon{{
				{{105.30, 20.80}, {105.40, 20.80}, {105.40, 20.90}, {105.30, 20.90}, {105.30, 20.80}},
				{{105.34, 20.84}, {105.34, 20.86}, {105.36, 20.86}, {105.36, 20.84}, {105.34, 20.84}},
			}}},
		{Code: "04810", Name: "Xã Hợp Thịnh", Type: "xã", DistrictCode: "151", District: "Kỳ Sơn",
			Population: 2345, Boundary: geo.BoundaryApproximate, Geometry: orb.MultiPolygon{{
				{{105.40, 20.80}, {105.50, 20.80}, {105.45, 20.90}, {105.40, 20.80}},
			}}},
		{Code: "04813", Name: "Xã Đồng Bảng", Type: "xã", DistrictCode: "155", District: "Mai Châu",
			Population: 3021, Boundary: "communes_2019.geojson", Geometry: orb.MultiPolygon{
				{{{105.123456, 20.654321}, {105.2, 20.654321}, {105.2, 20.7}, {105.123456, 20.654321}}},
				{{{105.25, 20.66}, {105.28, 20.66}, {105.28, 20.69}, {105.25, 20.66}}},
			}},
	}
	figs := []geo.CommuneFigure{
		{Code: "04807", Population: 12034, Covered: 12001.6, Share: 0.997308, Status: geo.StatusCovered},
		{Code: "04810", Population: 2345, Covered: 1172.5, Share: 0.5000001, Status: geo.StatusPartial},
		{Code: "04813", Population: 3021, Covered: 0, Share: 0, Status: geo.StatusNone},
	}
	tb, err := NewTable(geo.Mobile, communes, figs)
	if err != nil {
		t.Fatal(err)
	}
	tb.Rows[1].Remote = true
	tb.AsOf, tb.ComputedAt = "2026-01-01", "2026-01-02T03:04:05Z"
	tb.Source = `Hòa Bình 2019 census & "golden" filings <test>, not real`
	tb.Method = geo.Method{Name: "grid-centroid-v1", CellSizeM: 100, CellLatDeg: 0.0009043717, CellLonDeg: 0.0009626,
		LatRefDeg: 20.75, Population: "even", CoveredThreshold: 0.95, PartialThreshold: 0.5, MobileMinDownMbps: 5,
		Rules: map[string]string{"cell": "a cell counts when its centre is in a footprint"}}
	return tb
}

func TestTable_Golden(t *testing.T) {
	cases := []struct {
		file   string
		write  func(*Table, io.Writer) error
		same   func(got, want []byte) error
		layout func([]byte) []byte // how the golden file is laid out for reading, without changing what it says
	}{
		{"table.geojson", (*Table).WriteGeoJSON, sameJSON, indentJSON},
		{"table.csv", (*Table).WriteCSV, sameCSV, nil},
		{"table.kml", (*Table).WriteKML, sameXML, elementPerLine},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := c.write(goldenTable(t), &buf); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", c.file)
			if *update {
				out := buf.Bytes()
				if c.layout != nil {
					out = c.layout(out)
				}
				if err := c.same(out, buf.Bytes()); err != nil {
					t.Fatalf("laying out the golden file changed it: %v", err)
				}
				if err := os.WriteFile(path, out, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./geo/export -update to write it)", err)
			}
			if err := c.same(buf.Bytes(), want); err != nil {
				t.Errorf("%s differs from the output: %v\n"+
					"if the change is meant, rewrite it with go test ./geo/export -update and read the diff", path, err)
			}
		})
	}
}

// indentJSON indents a JSON document, so that a change shows in a diff
// line by line.
func indentJSON(b []byte) []byte {
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return b // sameJSON then reports what is wrong with it
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// elementPerLine starts every XML element on a line of its own, so that a
// change shows in a diff line by line. Only the white space between two
// tags changes, which KML (elements or text, never both in one element)
// ignores: a "<" or ">" in text is always escaped.
func elementPerLine(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("><"), []byte(">\n<"))
}

// sameJSON compares two JSON documents as values: object members in any
// order, numbers within floatTolerance.
func sameJSON(got, want []byte) error {
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		return fmt.Errorf("output is not JSON: %v", err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		return fmt.Errorf("golden file is not JSON: %v", err)
	}
	return sameValue("$", g, w)
}

func sameValue(path string, got, want any) error {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: got %T, want an object", path, got)
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range slices.Compact(keys) {
			gv, gok := g[k]
			wv, wok := w[k]
			if gok != wok {
				return fmt.Errorf("%s.%s: present in output %t, in golden file %t", path, k, gok, wok)
			}
			if err := sameValue(path+"."+k, gv, wv); err != nil {
				return err
			}
		}
		return nil
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: got %v, want an array of %d", path, got, len(w))
		}
		for i := range w {
			if err := sameValue(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); err != nil {
				return err
			}
		}
		return nil
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > floatTolerance {
			return fmt.Errorf("%s: got %v, want %v", path, got, w)
		}
		return nil
	default: // string, bool, nil
		if got != want {
			return fmt.Errorf("%s: got %#v, want %#v", path, got, want)
		}
		return nil
	}
}

// sameCSV compares two CSV files record by record, after the UTF-8 byte
// order mark that both must start with; fields that are numbers in both
// compare within floatTolerance.
func sameCSV(got, want []byte) error {
	const bom = "\uFEFF"
	if !bytes.HasPrefix(got, []byte(bom)) || !bytes.HasPrefix(want, []byte(bom)) {
		return errors.New("a UTF-8 byte order mark is missing")
	}
	g, err := csv.NewReader(bytes.NewReader(got[len(bom):])).ReadAll()
	if err != nil {
		return fmt.Errorf("output: %v", err)
	}
	w, err := csv.NewReader(bytes.NewReader(want[len(bom):])).ReadAll()
	if err != nil {
		return fmt.Errorf("golden file: %v", err)
	}
	if len(g) != len(w) {
		return fmt.Errorf("%d records, want %d", len(g), len(w))
	}
	for i := range w {
		if len(g[i]) != len(w[i]) {
			return fmt.Errorf("record %d: %d fields, want %d", i+1, len(g[i]), len(w[i]))
		}
		for j := range w[i] {
			if !sameToken(g[i][j], w[i][j]) {
				return fmt.Errorf("record %d, field %d (%s): got %q, want %q", i+1, j+1, w[0][j], g[i][j], w[i][j])
			}
		}
	}
	return nil
}

// sameToken reports whether two pieces of text are equal, or are both
// numbers within floatTolerance.
func sameToken(got, want string) bool {
	if got == want {
		return true
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	return err1 == nil && err2 == nil && math.Abs(g-w) <= floatTolerance
}

// sameWord compares two words of XML text part by part between commas, so
// that KML coordinates ("105.3,20.8") compare number by number within
// floatTolerance.
func sameWord(got, want string) bool {
	g, w := strings.Split(got, ","), strings.Split(want, ",")
	return len(g) == len(w) && slices.EqualFunc(g, w, sameToken)
}

// node is an XML element with its attributes and text normalised.
type node struct {
	name     string // namespace and local name
	local    string
	attrs    []string // "name=value", sorted
	text     []string // the text split at white space
	children []*node
}

// parseXML reads an XML document into a tree of nodes; the text of an
// element is split into tokens at white space, so that indentation does not
// count.
func parseXML(b []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Space + " " + tok.Name.Local, local: tok.Name.Local}
			for _, a := range tok.Attr {
				n.attrs = append(n.attrs, a.Name.Space+" "+a.Name.Local+"="+a.Value)
			}
			slices.Sort(n.attrs)
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text = append(top.text, strings.Fields(string(tok))...)
		}
	}
	return root, nil
}

// sameXML compares two XML documents element by element: names,
// attributes in any order, and text word by word (see sameWord); comments,
// processing instructions and indentation do not count.
func sameXML(got, want []byte) error {
	g, err := parseXML(got)
	if err != nil {
		return fmt.Errorf("output is not XML: %v", err)
	}
	w, err := parseXML(want)
	if err != nil {
		return fmt.Errorf("golden file is not XML: %v", err)
	}
	return sameNode("", g, w)
}

// sameNode compares got with want, which is at path (as /kml[0]/Document[0]).
func sameNode(path string, got, want *node) error {
	if got.name != want.name {
		return fmt.Errorf("%s: element %q, want %q", path, got.name, want.name)
	}
	if !slices.Equal(got.attrs, want.attrs) {
		return fmt.Errorf("%s: attributes %q, want %q", path, got.attrs, want.attrs)
	}
	if len(got.text) != len(want.text) || !slices.EqualFunc(got.text, want.text, sameWord) {
		return fmt.Errorf("%s: text %q, want %q", path, strings.Join(got.text, " "), strings.Join(want.text, " "))
	}
	if len(got.children) != len(want.children) {
		return fmt.Errorf("%s: %d child elements, want %d", path, len(got.children), len(want.children))
	}
	for i, c := range want.children {
		if err := sameNode(fmt.Sprintf("%s/%s[%d]", path, c.local, i), got.children[i], c); err != nil {
			return err
		}
	}
	return nil
}
