package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
)

// twoCommunes is a small table: a square commune with a square hole, and an
// approximate triangle.
func twoCommunes(t *testing.T) *Table {
	t.Helper()
	communes := []geo.Commune{
		{Code: "04807", Name: "Phường Phương Lâm", Type: "phường", DistrictCode: "148", District: "Thành phố Hòa Bình", ParentLevel: geo.ParentDistrict,
			Population: 1000, Boundary: "official.geojson", Geometry: orb.MultiPolygon{{
				{{105.30, 20.80}, {105.40, 20.80}, {105.40, 20.90}, {105.30, 20.90}, {105.30, 20.80}},
				{{105.34, 20.84}, {105.34, 20.86}, {105.36, 20.86}, {105.36, 20.84}, {105.34, 20.84}},
			}}},
		{Code: "04810", Name: "Xã Hợp Thịnh", Type: "xã", DistrictCode: "151", District: "Kỳ Sơn",
			Population: 2345, Boundary: geo.BoundaryApproximate, Geometry: orb.MultiPolygon{{
				{{105.40, 20.80}, {105.50, 20.80}, {105.45, 20.90}, {105.40, 20.80}},
			}}},
	}
	figs := []geo.CommuneFigure{
		{Code: "04807", Population: 1000, Covered: 999.6, Share: 0.99964, Status: geo.StatusCovered},
		{Code: "04810", Population: 2345, Covered: 1172.5, Share: 0.5000001, Status: geo.StatusPartial},
	}
	tb, err := NewTable(geo.Mobile, communes, figs)
	if err != nil {
		t.Fatal(err)
	}
	tb.AsOf, tb.ComputedAt, tb.Source = "2026-01-01", "2026-01-02T03:04:05Z", "two test communes"
	tb.Method = geo.Method{Name: geo.MethodName, CellSizeM: 100, Population: "grid-worldpop-v1", CoveredThreshold: 0.95, PartialThreshold: 0.5}
	return tb
}

func TestNewTable_RoundsAsTheAPI(t *testing.T) {
	tb := twoCommunes(t)
	r := tb.Rows[0]
	if r.Covered != 1000 || r.Share != 0.9996 || r.Status != geo.StatusCovered {
		t.Fatalf("row 0 = %+v", r)
	}
	if tb.Rows[1].Covered != 1173 || tb.Rows[1].Share != 0.5 {
		t.Fatalf("row 1 = %+v", tb.Rows[1])
	}
	if tb.Approximate() != 1 {
		t.Fatalf("approximate = %d, want 1", tb.Approximate())
	}
	if b := tb.Bound(); b.Min != (orb.Point{105.30, 20.80}) || b.Max != (orb.Point{105.50, 20.90}) {
		t.Fatalf("bound %v", b)
	}
	if len(Columns) != len(r.Values()) || len(Columns) != len(ColumnTypes) {
		t.Fatalf("%d columns, %d values, %d types", len(Columns), len(r.Values()), len(ColumnTypes))
	}
}

func TestNewTable_Mismatch(t *testing.T) {
	cases := []struct {
		name     string
		communes []geo.Commune
		figs     []geo.CommuneFigure
	}{
		{"lengths", []geo.Commune{{Code: "1"}}, nil},
		{"codes", []geo.Commune{{Code: "1"}}, []geo.CommuneFigure{{Code: "2"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := NewTable(geo.Mobile, c.communes, c.figs); !errors.Is(err, geo.ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
		})
	}
}

func TestTable_WriteGeoJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := twoCommunes(t).WriteGeoJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string     `json:"type"`
		AsOf     string     `json:"as_of"`
		Source   string     `json:"source"`
		Note     string     `json:"boundary_note"`
		Method   geo.Method `json:"method"`
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Type string `json:"type"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || fc.AsOf != "2026-01-01" || fc.Source == "" || fc.Note == "" || fc.Method.Name != geo.MethodName {
		t.Fatalf("collection metadata: %+v", fc)
	}
	if len(fc.Features) != 2 || fc.Features[0].ID != "04807" || fc.Features[0].Geometry.Type != "MultiPolygon" {
		t.Fatalf("features: %+v", fc.Features)
	}
	if p := fc.Features[1].Properties; p["population_covered"] != 1173.0 || p["status"] != "partial" || p["code"] != "04810" {
		t.Fatalf("properties: %v", p)
	}
}

func TestTable_WriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := twoCommunes(t).WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 byte order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || strings.Join(recs[0], ",") != strings.Join(CSVColumns, ",") {
		t.Fatalf("header %v, %d records", recs[0], len(recs))
	}
	want := []string{"04807", "Phường Phương Lâm", "phường", "148", "Thành phố Hòa Bình", "148", "Thành phố Hòa Bình", "district", "1000", "1000", "0.9996",
		"covered", "official.geojson", "false", "false", "mobile", "2026-01-01", "2026-01-02T03:04:05Z", geo.MethodName, "100", "grid-worldpop-v1", "two test communes"}
	if strings.Join(recs[1], "|") != strings.Join(want, "|") {
		t.Fatalf("row 1\n got %q\nwant %q", recs[1], want)
	}
	// RFC 4180: every record ends with CRLF, and no line with a bare LF.
	body := buf.String()[3:]
	if strings.Count(body, "\r\n") != 3 || strings.Count(body, "\n") != 3 || !strings.HasSuffix(body, "\r\n") {
		t.Fatalf("records do not all end with CRLF: %q", body)
	}
}

// TestTable_WriteKML_ElementOrder: the children of Document and Placemark
// come in the order of the OGC KML 2.2 schema (ogckml22.xsd: FeatureType's
// sequence, then DocumentType's Schema before the features, then
// Placemark's geometry), which a validating reader such as xmllint with the
// schema requires; the schema's Schema carries the id that each
// SchemaData's schemaUrl names.
func TestTable_WriteKML_ElementOrder(t *testing.T) {
	var buf bytes.Buffer
	if err := goldenTable(t).WriteKML(&buf); err != nil {
		t.Fatal(err)
	}
	// The rank of each element a Document or Placemark may hold here, in
	// the schema's sequence.
	rank := map[string]int{"name": 0, "visibility": 1, "open": 2, "Snippet": 3, "description": 4,
		"styleUrl": 5, "Style": 6, "Region": 7, "ExtendedData": 8, "Schema": 9,
		"Placemark": 10, "MultiGeometry": 10, "Polygon": 10}
	children := map[string][][]string{}
	dec := xml.NewDecoder(&buf)
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if n := len(stack); n > 0 && (stack[n-1] == "Document" || stack[n-1] == "Placemark") {
				parent := stack[n-1]
				list := children[parent]
				list[len(list)-1] = append(list[len(list)-1], e.Name.Local)
			}
			if e.Name.Local == "Document" || e.Name.Local == "Placemark" {
				children[e.Name.Local] = append(children[e.Name.Local], nil)
			}
			stack = append(stack, e.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	if len(children["Document"]) != 1 || len(children["Placemark"]) != 3 {
		t.Fatalf("%d documents, %d placemarks", len(children["Document"]), len(children["Placemark"]))
	}
	for parent, lists := range children {
		for _, names := range lists {
			last := -1
			for _, n := range names {
				r, ok := rank[n]
				if !ok {
					t.Fatalf("%s holds %s, which this test does not rank: %v", parent, n, names)
				}
				if r < last {
					t.Fatalf("%s's children out of the KML 2.2 order: %v", parent, names)
				}
				last = r
			}
		}
	}
}

// A text cell that a spreadsheet would run as a formula (CSV injection)
// gets a leading single quote, as OWASP recommends: a commune's name, type,
// codes, district or boundary source come from an imported file. The
// figures are numbers the program writes and stay numbers; GeoJSON and KML
// carry the names as they are.
func TestTable_WriteCSV_NeutralisesFormulas(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"equals", `=HYPERLINK("http://evil.example","Phường")`, `'=HYPERLINK("http://evil.example","Phường")`},
		{"plus", "+84 Xã", "'+84 Xã"},
		{"minus", "-1.5", "'-1.5"},
		{"at", "@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"tab", "\t=1+1", "'\t=1+1"},
		{"carriage return", "\r=1+1", "'\r=1+1"},
		{"plain", "Xã Hợp Thịnh", "Xã Hợp Thịnh"},
		{"formula later", "Xã =1+1", "Xã =1+1"},
		{"a quote already", "'=1", "'=1"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb := twoCommunes(t)
			r := &tb.Rows[0]
			r.Code, r.Name, r.Type, r.DistrictCode, r.District, r.ParentCode, r.ParentName, r.Boundary = c.in, c.in, c.in, c.in, c.in, c.in, c.in, c.in
			var buf bytes.Buffer
			if err := tb.WriteCSV(&buf); err != nil {
				t.Fatal(err)
			}
			r2 := csv.NewReader(bytes.NewReader(buf.Bytes()[3:]))
			recs, err := r2.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			got := recs[1]
			for _, i := range []int{0, 1, 2, 3, 4, 5, 6, 12} {
				if got[i] != c.want {
					t.Errorf("%s: %q, want %q", CSVColumns[i], got[i], c.want)
				}
			}
			if got[8] != "1000" || got[9] != "1000" || got[10] != "0.9996" {
				t.Errorf("the figures became %q", got[8:11])
			}
			var gj bytes.Buffer
			if err := tb.WriteGeoJSON(&gj); err != nil {
				t.Fatal(err)
			}
			name, _ := json.Marshal(c.in)
			if !bytes.Contains(gj.Bytes(), []byte(`"name":`+string(name))) {
				t.Errorf("the GeoJSON does not carry the name as it is, %s", name)
			}
		})
	}
}

func TestTable_WriteKML(t *testing.T) {
	var buf bytes.Buffer
	if err := twoCommunes(t).WriteKML(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Document struct {
			Name         string `xml:"name"`
			ExtendedData struct {
				Data []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value"`
				} `xml:"Data"`
			} `xml:"ExtendedData"`
			Placemarks []struct {
				Name     string `xml:"name"`
				StyleURL string `xml:"styleUrl"`
				Fields   struct {
					SchemaURL string `xml:"schemaUrl,attr"`
					Data      []struct {
						Name  string `xml:"name,attr"`
						Value string `xml:",chardata"`
					} `xml:"SimpleData"`
				} `xml:"ExtendedData>SchemaData"`
				Polygons []struct {
					Outer string   `xml:"outerBoundaryIs>LinearRing>coordinates"`
					Inner []string `xml:"innerBoundaryIs>LinearRing>coordinates"`
				} `xml:"MultiGeometry>Polygon"`
			} `xml:"Placemark"`
			Schema struct {
				ID     string `xml:"id,attr"`
				Fields []struct {
					Name string `xml:"name,attr"`
					Type string `xml:"type,attr"`
				} `xml:"SimpleField"`
			} `xml:"Schema"`
		} `xml:"Document"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("KML does not parse: %v\n%s", err, buf.String())
	}
	types := map[string]string{}
	for _, f := range doc.Document.Schema.Fields {
		types[f.Name] = f.Type
	}
	wantTypes := map[string]string{"code": "string", "population": "int", "population_covered": "int",
		"share_covered": "double", "remote": "bool", "reached": "bool", "status": "string"}
	for name, want := range wantTypes {
		if types[name] != want {
			t.Errorf("SimpleField %s has type %q, want %q", name, types[name], want)
		}
	}
	if len(types) != len(Columns) {
		t.Errorf("the schema declares %d fields, want one per column (%d)", len(types), len(Columns))
	}
	meta := map[string]string{}
	for _, d := range doc.Document.ExtendedData.Data {
		meta[d.Name] = d.Value
	}
	for _, k := range []string{"layer", "as_of", "computed_at", "method", "source", "boundary_note"} {
		if meta[k] == "" {
			t.Fatalf("document metadata lacks %s: %v", k, meta)
		}
	}
	pms := doc.Document.Placemarks
	if len(pms) != 2 || pms[0].Name != "Phường Phương Lâm" || pms[0].StyleURL != "#covered" {
		t.Fatalf("placemarks %+v", pms)
	}
	if len(pms[0].Polygons) != 1 || len(pms[0].Polygons[0].Inner) != 1 ||
		!strings.HasPrefix(pms[0].Polygons[0].Outer, "105.3,20.8 105.4,20.8") {
		t.Fatalf("geometry %+v", pms[0].Polygons)
	}
	if url := pms[1].Fields.SchemaURL; url != "#"+doc.Document.Schema.ID || doc.Document.Schema.ID == "" {
		t.Fatalf("placemark SchemaData schemaUrl %q, schema id %q", url, doc.Document.Schema.ID)
	}
	got := map[string]string{}
	for _, d := range pms[1].Fields.Data {
		got[d.Name] = d.Value
	}
	if got["code"] != "04810" || got["population_covered"] != "1173" || got["share_covered"] != "0.5" || got["reached"] != "0" {
		t.Fatalf("placemark data %v", got)
	}
}

func ExampleCSVText() {
	for _, s := range []string{"=1+1", "@SUM(A1:A2)", "-2", "Xã Hợp Thịnh"} {
		fmt.Println(CSVText(s))
	}
	// Output:
	// '=1+1
	// '@SUM(A1:A2)
	// '-2
	// Xã Hợp Thịnh
}
