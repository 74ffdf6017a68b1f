package rest

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// cqlTypes are the queryables the parser tests filter on.
var cqlTypes = map[string]string{"name": "string", "status": "string", "population": "integer",
	"share_covered": "number", "remote": "boolean", "geometry": "geometry"}

// cqlSample is one commune: a 1°×1° square at 105–106 E, 20–21 N.
//
//	21 +----+
//	   |    |
//	20 +----+
//	  105  106
var cqlSample = cqlRow{
	props: map[string]any{"name": "Phường Đồng Tiến", "status": "covered", "population": 12000,
		"share_covered": 0.95, "remote": false},
	geom: orb.MultiPolygon{{{{105, 20}, {106, 20}, {106, 21}, {105, 21}, {105, 20}}}},
}

func TestParseCQL2Text_Valid(t *testing.T) {
	cases := []struct {
		name, filter string
		want         bool
	}{
		{"equal string", "status = 'covered'", true},
		{"not equal", "status <> 'covered'", false},
		{"quoted property", `"status"='covered'`, true},
		{"less than", "population < 12001", true},
		{"less or equal", "population <= 12000", true},
		{"greater than", "population > 12000", false},
		{"greater or equal, decimal", "share_covered >= 0.95", true},
		{"negative number", "share_covered > -1", true},
		{"exponent", "population = 1.2e4", true},
		{"boolean", "remote = FALSE", true},
		{"lower-case keywords", "status = 'covered' and not remote = true", true},
		{"and binds before or", "status = 'none' AND population > 0 OR remote = false", true},
		{"parentheses", "status = 'none' AND (population > 0 OR remote = false)", false},
		{"not", "NOT status = 'none'", true},
		{"in", "status IN ('partial', 'covered')", true},
		{"not in", "status NOT IN ('partial', 'covered')", false},
		{"in numbers", "population IN (1, 12000)", true},
		{"between", "population BETWEEN 10000 AND 20000", true},
		{"not between", "population NOT BETWEEN 10000 AND 20000", false},
		{"between then and", "population BETWEEN 1 AND 2 AND status = 'covered'", false},
		{"like %", "name LIKE 'Phường%'", true},
		{"like _", "status LIKE 'cove_ed'", true},
		{"like needs the whole string", "status LIKE 'cover'", false},
		{"like escaped %", `status LIKE 'covered\%'`, false},
		{"not like", "name NOT LIKE '%Tiến'", false},
		{"ilike", "status ILIKE 'COVERED'", true},
		{"like keeps case", "status LIKE 'COVERED'", false},
		{"string with a quote", "name = 'O''Neil'", false},
		{"is null", "status IS NULL", false},
		{"is not null", "status IS NOT NULL", true},
		{"two not nulls", "name IS NOT NULL AND population IS NOT NULL", true},
		{"bbox overlapping", "S_INTERSECTS(geometry, BBOX(105.5, 20.5, 107, 22))", true},
		{"bbox apart", "S_INTERSECTS(geometry, BBOX(100, 10, 101, 11))", false},
		{"bbox first", "s_intersects(BBOX(105.5,20.5,107,22), geometry)", true},
		{"bbox across the antimeridian", "S_INTERSECTS(geometry, BBOX(170, 20, 105.5, 21))", true},
		{"point inside", "S_INTERSECTS(geometry, POINT(105.5 20.5))", true},
		{"point outside", "S_INTERSECTS(geometry, POINT(107 20.5))", false},
		{"polygon overlapping", "S_INTERSECTS(geometry, POLYGON((105.9 20.9, 107 20.9, 107 22, 105.9 20.9)))", true},
		{"polygon apart", "S_INTERSECTS(geometry,POLYGON((100 10,101 10,101 11,100 10)))", false},
		{"polygon with a hole around the commune",
			"S_INTERSECTS(geometry, POLYGON((100 10, 110 10, 110 30, 100 30, 100 10), (104 19, 107 19, 107 22, 104 22, 104 19)))", false},
		{"spatial and comparison", "S_INTERSECTS(geometry, BBOX(105,20,106,21)) AND status = 'covered'", true},
		{"true", "TRUE", true},
		{"vietnamese", "name = 'Phường Đồng Tiến'", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := parseCQL2Text(c.filter, cqlTypes)
			if err != nil {
				t.Fatalf("parseCQL2Text(%q): %v", c.filter, err)
			}
			if got := e.eval(cqlSample); got != c.want {
				t.Errorf("%q on the sample = %v, want %v", c.filter, got, c.want)
			}
		})
	}
}

func TestParseCQL2Text_Invalid(t *testing.T) {
	cases := []struct {
		name, filter string
		want         string // a part of the error
	}{
		{"empty", "", "at character 1: want a property"},
		{"unknown property", "colour = 'red'", `at character 1: no queryable "colour"`},
		{"no literal", "status =", "at character 9: want a string literal, found the end"},
		{"wrong type", "population = 'many'", `at character 14: want an integer literal, found the string "many"`},
		{"string for a number", "status = 3", "want a string literal"},
		{"boolean ordered", "remote < TRUE", "a boolean is compared only with = or <>"},
		{"unclosed string", "status = 'covered", "at character 10: this quote is never closed"},
		{"unclosed parenthesis", "(status = 'covered'", `at character 20: want ")"`},
		{"trailing word", "status = 'covered' covered", "at character 20: want AND, OR or the end"},
		{"dangling and", "status = 'covered' AND", "at character 23: want a property"},
		{"like on a number", "population LIKE '1%'", "LIKE takes a string property"},
		{"between on a string", "status BETWEEN 'a' AND 'b'", "BETWEEN takes a numeric property"},
		{"between without and", "population BETWEEN 1 OR 2", "want AND"},
		{"empty in", "status IN ()", "want a string literal"},
		{"in without comma", "status IN ('a' 'b')", `want "," or ")"`},
		{"is without null", "status IS 'x'", "want NULL"},
		{"not alone", "status NOT = 'x'", "want LIKE, BETWEEN or IN after NOT"},
		{"no operator", "status", "want a comparison"},
		{"bad character", "status = 'a' ; DROP", "at character 14: unexpected character"},
		{"bad number", "population > 1.2.3", "want a number"},
		{"geometry compared", "geometry = 'x'", "only with S_INTERSECTS"},
		{"intersects a property", "S_INTERSECTS(status, BBOX(1,2,3,4))", "is not a geometry"},
		{"bbox of 3", "S_INTERSECTS(geometry, BBOX(1,2,3))", "BBOX: want 4 or 6 numbers"},
		{"bbox upside down", "S_INTERSECTS(geometry, BBOX(1,5,3,4))", "minLat"},
		{"unknown shape", "S_INTERSECTS(geometry, LINESTRING(1 2, 3 4))", "want POINT, BBOX or POLYGON"},
		{"open ring", "S_INTERSECTS(geometry, POLYGON((1 1, 2 1, 2 2, 1 2)))", "the last equal to the first"},
		{"point off the globe", "S_INTERSECTS(geometry, POINT(200 10))", "outside lon"},
		{"too deep", strings.Repeat("NOT ", 100) + "TRUE", "nested deeper than 64"},
		{"too deep in parentheses", strings.Repeat("(", 100) + "TRUE" + strings.Repeat(")", 100), "nested deeper"},
		{"too long", "name = '" + strings.Repeat("a", cqlMaxLen) + "'", "longer than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseCQL2Text(c.filter, cqlTypes)
			if err == nil {
				t.Fatalf("parseCQL2Text(%q) = nil error, want %q", c.filter, c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("parseCQL2Text(%q) = %v, want it to say %q", c.filter, err, c.want)
			}
		})
	}
}

// The filtered items are exactly the layer's features that a hand filter
// keeps, and the filter combines with the other parameters by AND.
func TestOGC_FilterEqualsHandFilter(t *testing.T) {
	s := testServer(t)
	all := getPage(t, s, "/ogc/collections/mobile/items?limit=10000")
	pop := func(p map[string]any) float64 { return p["population"].(float64) }
	cases := []struct {
		name, filter, extra string
		keep                func(id string, p map[string]any) bool
	}{
		{"status", "status = 'covered'", "", func(_ string, p map[string]any) bool { return p["status"] == "covered" }},
		{"or and not", "status = 'partial' OR NOT population > 5000", "", func(_ string, p map[string]any) bool {
			return p["status"] == "partial" || pop(p) <= 5000
		}},
		{"in and between", "status IN ('covered','partial') AND population BETWEEN 3000 AND 8000", "", func(_ string, p map[string]any) bool {
			return (p["status"] == "covered" || p["status"] == "partial") && pop(p) >= 3000 && pop(p) <= 8000
		}},
		{"like", "name LIKE 'Xã%'", "", func(_ string, p map[string]any) bool { return strings.HasPrefix(p["name"].(string), "Xã") }},
		{"boolean", "reached = true", "", func(_ string, p map[string]any) bool { return p["reached"] == true }},
		{"with status=", "population > 5000", "&status=covered", func(_ string, p map[string]any) bool {
			return pop(p) > 5000 && p["status"] == "covered"
		}},
		{"with code=", "status <> 'none'", "&code=04807,04810", func(id string, p map[string]any) bool {
			return p["status"] != "none" && (id == "04807" || id == "04810")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := map[string]bool{}
			for _, f := range all.Features {
				if c.keep(f.ID, f.Properties) {
					want[f.ID] = true
				}
			}
			p := getPage(t, s, "/ogc/collections/mobile/items?limit=10000&filter-lang=cql2-text&filter="+url.QueryEscape(c.filter)+c.extra)
			if p.NumberMatched != len(want) || len(p.Features) != len(want) {
				t.Fatalf("matched %d, returned %d, want %d", p.NumberMatched, len(p.Features), len(want))
			}
			for _, f := range p.Features {
				if !want[f.ID] {
					t.Errorf("%s is not kept by the hand filter", f.ID)
				}
			}
			if len(want) == 0 || len(want) == len(all.Features) {
				t.Logf("the filter keeps %d of %d: a weak case", len(want), len(all.Features))
			}
		})
	}
}

// A spatial filter keeps what bbox= keeps, and the two AND together.
func TestOGC_FilterSpatialEqualsBBox(t *testing.T) {
	s := testServer(t)
	ids := func(p ogcPage) []string {
		var out []string
		for _, f := range p.Features {
			out = append(out, f.ID)
		}
		return out
	}
	box := getPage(t, s, "/ogc/collections/communes/items?limit=10000&bbox=105.30,20.78,105.36,20.84")
	for _, filter := range []string{
		"S_INTERSECTS(geometry, BBOX(105.30,20.78,105.36,20.84))",
		"S_INTERSECTS(geometry, POLYGON((105.30 20.78, 105.36 20.78, 105.36 20.84, 105.30 20.84, 105.30 20.78)))",
	} {
		got := getPage(t, s, "/ogc/collections/communes/items?limit=10000&filter="+url.QueryEscape(filter))
		if strings.Join(ids(got), ",") != strings.Join(ids(box), ",") || len(box.Features) == 0 {
			t.Errorf("%s: %v, want the bbox's %v", filter, ids(got), ids(box))
		}
	}
	none := getPage(t, s, "/ogc/collections/communes/items?bbox=105.30,20.78,105.36,20.84&filter="+
		url.QueryEscape("S_INTERSECTS(geometry, BBOX(0,0,1,1))"))
	if none.NumberMatched != 0 {
		t.Errorf("bbox AND a filter elsewhere matched %d, want 0", none.NumberMatched)
	}
}

func TestOGC_Queryables(t *testing.T) {
	s := testServer(t)
	for _, col := range ogcCollections() {
		t.Run(col.ID, func(t *testing.T) {
			rec := get(t, s, "GET", "/ogc/collections/"+col.ID+"/queryables")
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/schema+json" {
				t.Fatalf("%d %s\n%s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			var d struct {
				Schema     string                    `json:"$schema"`
				ID         string                    `json:"$id"`
				Type       string                    `json:"type"`
				Properties map[string]map[string]any `json:"properties"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
				t.Fatal(err)
			}
			if d.Type != "object" || !strings.HasSuffix(d.ID, "/ogc/collections/"+col.ID+"/queryables") ||
				!strings.Contains(d.Schema, "json-schema.org") {
				t.Errorf("header: %+v", d)
			}
			if len(d.Properties) != len(col.Columns)+1 || d.Properties["geometry"]["x-ogc-role"] != "primary-geometry" {
				t.Errorf("properties %v, want the %d columns and the geometry", d.Properties, len(col.Columns))
			}
			// Every queryable but the geometry filters without error.
			for name, p := range d.Properties {
				if name == "geometry" {
					continue
				}
				typ, _ := p["type"].(string)
				lit := map[string]string{"string": "'x'", "integer": "1", "number": "1.5", "boolean": "TRUE"}[typ]
				if lit == "" {
					t.Fatalf("%s has type %v", name, p["type"])
				}
				target := "/ogc/collections/" + col.ID + "/items?filter=" + url.QueryEscape(`"`+name+`" <> `+lit)
				if rec := get(t, s, "GET", target); rec.Code != 200 {
					t.Errorf("%s: %d %s", target, rec.Code, rec.Body)
				}
			}
		})
	}
	// GDAL before 3.7 accepts JSON by name only, and reads the drafts' list.
	rec := get(t, s, "GET", "/ogc/collections/mobile/queryables")
	if !strings.Contains(rec.Body.String(), `"queryables":[{"id":"boundary","type":"string"}`) {
		t.Errorf("no draft list of queryables:\n%s", rec.Body)
	}
	for accept, want := range map[string]string{"": "application/schema+json", "application/geo+json, application/json": "application/json",
		"application/schema+json, application/json": "application/schema+json"} {
		if got := queryablesType(accept); got != want {
			t.Errorf("queryablesType(%q) = %s, want %s", accept, got, want)
		}
	}
	// The collection links to its queryables with the rel of Part 3.
	rec = get(t, s, "GET", "/ogc/collections/mobile")
	if !strings.Contains(rec.Body.String(), `"rel":"http://www.opengis.net/def/rel/ogc/1.0/queryables"`) {
		t.Errorf("the collection has no queryables link:\n%s", rec.Body)
	}
	rec = get(t, s, "GET", "/ogc/conformance")
	for _, c := range filterConformance {
		if !strings.Contains(rec.Body.String(), `"`+c+`"`) {
			t.Errorf("conformance lacks %s", c)
		}
	}
}

// Any text is a filter or an error, never a panic, and a filter evaluates.
func FuzzParseCQL2Text(f *testing.F) {
	for _, s := range []string{"status = 'covered'", "NOT (a IN (1,2)) OR b BETWEEN 1 AND 2",
		"S_INTERSECTS(geometry, POLYGON((1 1, 2 1, 2 2, 1 1)))", "name LIKE '\\%_'", `"x"'`, "1e", "(((", "Đ = -.5e+3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if e, err := parseCQL2Text(s, cqlTypes); err == nil {
			e.eval(cqlSample)
			e.eval(cqlRow{props: map[string]any{}})
		}
	})
}
