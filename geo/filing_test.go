package geo

import (
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func testRules() FilingRules {
	return FilingRules{Provider: "vnpt", Communes: map[string]bool{"04807": true, "04804": true},
		Extent: orb.Bound{Min: orb.Point{105, 20}, Max: orb.Point{106, 21}}, Today: "2026-01-01"}
}

func TestParseFilingGeoJSON_Valid(t *testing.T) {
	in := `{"type":"FeatureCollection","layer":"broadcast","as_of":"2025-12-31","features":[
 {"type":"Feature","properties":{"technology":"dvb-t2","programme":"Local","service":"tv"},
  "geometry":{"type":"MultiPolygon","coordinates":[[[[105.1,20.1],[105.2,20.1],[105.2,20.2],[105.1,20.1]],
   [[105.15,20.11],[105.16,20.11],[105.16,20.12],[105.15,20.11]]]]}},
 {"type":"Feature","properties":{"commune_code":"04807","technology":"satellite","programme":"central","service":"tv","share":1},"geometry":null}]}`
	sub, err := ParseFilingGeoJSON([]byte(in), testRules())
	if err != nil {
		t.Fatal(err)
	}
	if sub.Layer != Broadcast || sub.AsOf != "2025-12-31" || sub.Features != 2 || len(sub.Footprints) != 1 || len(sub.Declarations) != 1 {
		t.Fatalf("%+v", sub)
	}
	fp, d := sub.Footprints[0], sub.Declarations[0]
	// Technologies take their canonical spelling; programme and service are lower case.
	if fp.Technology != "DVB-T2" || fp.Programme != "local" || fp.Provider != "vnpt" || fp.Layer != Broadcast || len(fp.Geometry[0]) != 2 {
		t.Fatalf("footprint %+v", fp)
	}
	if d.CommuneCode != "04807" || d.Share != 1 || d.Provider != "vnpt" || d.Programme != "central" {
		t.Fatalf("declaration %+v", d)
	}
}

func TestParseFilingCSV(t *testing.T) {
	in := "\xef\xbb\xbfshare, Commune_Code ,technology\n0.25,04807,FTTH\n1,04804,xdsl\n"
	sub, err := ParseFilingCSV([]byte(in), "broadband", "2025-01-01", testRules())
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.Declarations) != 2 || sub.Declarations[1].Technology != "xDSL" || sub.Declarations[0].Share != 0.25 {
		t.Fatalf("%+v", sub.Declarations)
	}
	_, err = ParseFilingCSV([]byte("commune_code,technology,share\n04807,FTTH,2\n"), "broadband", "2025-01-01", testRules())
	var ie *InputError
	if !errors.As(err, &ie) || ie.Problems[0].Line != 2 || ie.Problems[0].Feature != 0 || ie.Problems[0].Code != ProblemBadShare {
		t.Fatalf("bad share: %v %+v", err, ie)
	}
}

func TestParseFiling_ProblemCap(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","layer":"phone","as_of":"2025-01-01","features":[`)
	for i := range 50 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"type":"Feature","geometry":null,"properties":{"commune_code":"nowhere","technology":"fixed_line","share":0.5}}`)
	}
	b.WriteString("]}")
	r := testRules()
	r.MaxProblems = 10
	_, err := ParseFilingGeoJSON([]byte(b.String()), r)
	var ie *InputError
	if !errors.As(err, &ie) || len(ie.Problems) != 10 || !ie.Truncated {
		t.Fatalf("%v", err)
	}
}

// Rings drawn with their vertex numbers:
//
//	bowtie          square          spike back along an edge
//	3 ── 2          3 ──── 2        3 ──── 2
//	  ╲╱            │      │        │      │
//	  ╱╲            │      │        │      │
//	0 ── 1          0 ──── 1        0 ─4── 1   (4 lies on edge 0–1)
func TestSelfIntersection(t *testing.T) {
	cases := []struct {
		name string
		ring orb.Ring
		want bool
	}{
		{"square", orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}, false},
		{"bowtie", orb.Ring{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}, true},
		{"triangle", orb.Ring{{0, 0}, {1, 0}, {0, 1}, {0, 0}}, false},
		{"vertex touching an edge", orb.Ring{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {1, 0}, {0, 0}}, true},
		{"32-gon circle", circle(orb.Point{105, 20}, 1000), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, _, got := selfIntersection(c.ring); got != c.want {
				t.Fatalf("selfIntersection = %v, want %v", got, c.want)
			}
		})
	}
}
