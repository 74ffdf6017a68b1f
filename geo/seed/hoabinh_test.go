package seed

import (
	"encoding/csv"
	"errors"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
)

// The Hòa Bình facts: census figures, interior points and official areas
// of the province's 210 communes in 2019, and their official boundaries.
const (
	hoaBinhFacts      = "../../../shared/data/hoabinh/communes_2019.csv"
	hoaBinhBoundaries = "../../../shared/data/hoabinh/communes_2019.geojson"
)

// loadHoaBinh reads the facts CSV, skipping the test when it is absent
// (the data set is not part of the repository).
func loadHoaBinh(t testing.TB) []geo.Commune {
	t.Helper()
	f, err := os.Open(hoaBinhFacts)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("Hòa Bình facts not found at %s; skipping the real-data check", hoaBinhFacts)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"gso_code", "name", "type", "district_code", "district", "pop_2019", "pop_2019_urban", "pop_2019_rural", "lon", "lat", "area_km2"}
	if len(rows) < 2 || !slices.Equal(rows[0], want) {
		t.Fatalf("%s: header %v, want %v", hoaBinhFacts, rows[0], want)
	}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%s: %v", hoaBinhFacts, err)
		}
		return v
	}
	var cs []geo.Commune
	for _, r := range rows[1:] {
		cs = append(cs, geo.Commune{
			Code: r[0], Name: r[1], Type: r[2], DistrictCode: r[3], District: r[4],
			Population: int(num(r[5])), PopulationUrban: int(num(r[6])), PopulationRural: int(num(r[7])),
			Point: orb.Point{num(r[8]), num(r[9])}, AreaKm2: num(r[10]),
		})
	}
	return cs
}

// withBoundaries gives the communes their official boundaries.
func withBoundaries(t testing.TB, cs []geo.Commune) []geo.Commune {
	t.Helper()
	f, err := os.Open(hoaBinhBoundaries)
	if err != nil {
		t.Skipf("Hòa Bình boundaries not found at %s; skipping the real-data check", hoaBinhBoundaries)
	}
	defer f.Close()
	official, _, err := geo.ReadCommunes(f, geo.DefaultCommuneProperties(), false, "communes_2019.geojson")
	if err != nil {
		t.Fatal(err)
	}
	shape := map[string]orb.MultiPolygon{}
	for _, c := range official {
		shape[c.Code] = c.Geometry
	}
	for i := range cs {
		if cs[i].Geometry = shape[cs[i].Code]; cs[i].Geometry == nil {
			t.Fatalf("commune %s has no boundary in %s", cs[i].Code, hoaBinhBoundaries)
		}
		cs[i].Boundary = "communes_2019.geojson"
	}
	return cs
}
