package geo

import (
	"errors"
	"strings"
	"testing"
)

func TestReadCommunes_Valid(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"gso_code":"00001","name":"Xã A","district":"Huyện X","pop_2019":1200},
  "geometry":{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105.1,20.1],[105,20.1],[105,20]]]}},
 {"type":"Feature","properties":{"gso_code":2,"name":"Xã B","district":"Huyện X","pop_2019":null},
  "geometry":{"type":"MultiPolygon","coordinates":[[[[105.1,20],[105.2,20],[105.2,20.1],[105.1,20]]]]}}]}`
	cs, warnings, err := ReadCommunes(strings.NewReader(in), DefaultCommuneProperties(), true, "test.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Code != "00001" || cs[1].Code != "2" || cs[0].Population != 1200 || cs[1].Population != 0 {
		t.Fatalf("communes %+v", cs)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "1 communes have no population") {
		t.Fatalf("warnings %q", warnings)
	}
	// A 0.1° square at 20°N is about 10.4 km × 11.1 km.
	if cs[0].AreaKm2 < 110 || cs[0].AreaKm2 > 120 || cs[0].Boundary != "test.geojson" {
		t.Fatalf("area %.1f km², boundary %q", cs[0].AreaKm2, cs[0].Boundary)
	}
}

// Each broken file is rejected whole, with a message naming the feature
// index (or the file) and the problem.
func TestReadCommunes_Broken(t *testing.T) {
	sq := `{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105.1,20.1],[105,20]]]}`
	feat := func(props, geom string) string {
		return `{"type":"Feature","properties":` + props + `,"geometry":` + geom + `}`
	}
	fc := func(fs ...string) string {
		return `{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`
	}
	cases := []struct {
		name, in, want string
	}{
		{"not JSON", "{\"type\": \"FeatureCollection\",\n \"features\": [", "not valid JSON at line 2"},
		{"not a FeatureCollection", `{"type":"Feature","properties":{},"geometry":null}`, `want a FeatureCollection`},
		{"missing code", fc(feat(`{"gso_code":"1","name":"A"}`, sq), feat(`{"name":"B"}`, sq)), "feature 1: properties.gso_code: missing commune code"},
		{"duplicate code", fc(feat(`{"gso_code":"1","name":"A"}`, sq), feat(`{"gso_code":"1","name":"B"}`, sq)), `feature 1: properties.gso_code: duplicate commune code "1" (also feature 0)`},
		{"point geometry", fc(feat(`{"gso_code":"1","name":"A"}`, `{"type":"Point","coordinates":[105,20]}`)), "feature 0: geometry: is a Point, want a Polygon or MultiPolygon"},
		{"out of range", fc(feat(`{"gso_code":"1","name":"A"}`, `{"type":"Polygon","coordinates":[[[105,20],[205,20],[105.1,20.1],[105,20]]]}`)), "feature 0: geometry: polygon 0 ring 0 position 1 (205, 20) is out of range"},
		{"unclosed ring", fc(feat(`{"gso_code":"1","name":"A"}`, `{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105.1,20.1],[105,20.1]]]}`)), "ring 0 is not closed"},
		{"no features", fc(), "has no features"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs, _, err := ReadCommunes(strings.NewReader(c.in), DefaultCommuneProperties(), false, "x")
			if !errors.Is(err, ErrInvalidInput) || cs != nil {
				t.Fatalf("err %v, %d communes; want ErrInvalidInput and none", err, len(cs))
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not say %q", err, c.want)
			}
		})
	}
}

func TestReadCommunes_AllProblemsAtOnce(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"name":"A"},"geometry":null},
 {"type":"Feature","properties":{"gso_code":"1","name":"B"},"geometry":{"type":"LineString","coordinates":[[105,20],[106,21]]}}]}`
	_, _, err := ReadCommunes(strings.NewReader(in), DefaultCommuneProperties(), false, "x")
	var ie *InputError
	if !errors.As(err, &ie) || len(ie.Problems) != 3 {
		t.Fatalf("err %v; want 3 problems (missing code, missing geometry, line string)", err)
	}
}
