package geo

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

func TestSurface_Rollups(t *testing.T) {
	// The case of TestCompute_Rollups; keep 01 and 03.
	s, _, b := rollupCase(t)

	districts, province := s.Rollups(Mobile, b.Communes, nil, DefaultOptions())
	if !reflect.DeepEqual(districts, b.Districts) || province != b.Province {
		t.Fatalf("keeping every commune: %+v %+v, want the breakdown's", districts, province)
	}
	districts, province = s.Rollups(Mobile, b.Communes, func(i int) bool { return i != 1 }, DefaultOptions())
	want := []Rollup{
		{Code: "001", Name: "Huyện Một", Population: 1000, Covered: 1000, Share: 1, Communes: 1, CommunesCovered: 1, CommunesReached: 1, ShareReached: 1, ReachedThreshold: 0.95},
		{Code: "002", Name: "Huyện Hai", Population: 200, Communes: 1, CommunesNone: 1, ReachedThreshold: 0.95},
	}
	wantProvince := Rollup{Population: 1200, Covered: 1000, Share: 1000.0 / 1200, Communes: 2, CommunesCovered: 1, CommunesNone: 1,
		CommunesReached: 1, ShareReached: 0.5, ReachedThreshold: 0.95}
	if !reflect.DeepEqual(districts, want) || province != wantProvince {
		t.Fatalf("01 and 03:\n got %+v %+v\nwant %+v %+v", districts, province, want, wantProvince)
	}
	districts, _ = s.Rollups(Mobile, b.Communes, func(i int) bool { return i == 2 }, DefaultOptions())
	if len(districts) != 1 || districts[0].Code != "002" {
		t.Fatalf("a district with no commune kept is listed: %+v", districts)
	}
}

func TestCircle(t *testing.T) {
	c := orb.Point{105.3, 20.8}
	p := Circle(c, 3000)
	if len(p) != 1 || len(p[0]) != CircleVertices+1 || p[0][0] != p[0][len(p[0])-1] {
		t.Fatalf("circle %v", p)
	}
	for _, v := range p[0] {
		if d := Distance(c, v); d < 2999 || d > 3001 {
			t.Fatalf("vertex %v is %.1f m from the centre", v, d)
		}
	}
	if msg := CheckPolygonal(orb.MultiPolygon{p}); msg != "" {
		t.Fatal(msg)
	}
}
