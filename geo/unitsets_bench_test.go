package geo

import (
	"os"
	"testing"
)

// BenchmarkRebase counts Phú Thọ's 148 units of July 2025 on the people of
// Hòa Bình's 210 communes of 2019 (100 m cells, WorldPop-shaped): the work
// a unit set costs when a snapshot first uses it, and the overlap its
// lineage and carried declarations read. Goal: well under a second, so
// that ?units= answers within one.
func BenchmarkRebase(b *testing.B) {
	needFile(b, phuThoWardsFile)
	base := loadCommunes(b, hoaBinhCommunesFile, hoaBinhCommunes)
	s, err := NewSurface(base, SurfaceOptions{Grid: worldPop(b, base)})
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(phuThoWardsFile)
	if err != nil {
		b.Fatal(err)
	}
	units, _, err := ReadCommunes(f, CommuneProperties{Code: "code", Name: "name", Type: "type", DistrictCode: "province_code",
		District: "province", Population: "population"}, true, "wards_2025.geojson")
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	people := NewPeople(s)
	b.ReportMetric(float64(len(people.people)), "cells")
	for b.Loop() {
		u, err := people.Rebase(units, SurfaceOptions{})
		if err != nil {
			b.Fatal(err)
		}
		people.Overlap(people.Base(), u)
	}
}
