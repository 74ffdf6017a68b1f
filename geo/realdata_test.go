package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// TestSurface_Vietnam spreads the 2019 census over all 11,163 communes of
// Vietnam (504 with no census figure count 0): every person lands in a
// cell, exactly once.
func TestSurface_Vietnam(t *testing.T) {
	if testing.Short() {
		t.Skip("the national surface takes seconds; skipped with -short")
	}
	cs := loadCommunes(t, vietnamCommunesFile, vietnamCommunes)
	if len(cs) != 11163 {
		t.Fatalf("%d communes, want 11,163", len(cs))
	}
	census := 0
	for _, c := range cs {
		census += c.Population
	}
	s, err := NewSurface(cs, SurfaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Total() != census || census != 89387989 {
		t.Errorf("surface total %d, census %d, want 89,387,989", s.Total(), census)
	}
	inCells := 0
	for i := range cs {
		n := 0
		for c := range s.Cells(i) {
			inCells += c.People
			n++
		}
		if n == 0 {
			t.Errorf("commune %s has no cell", cs[i].Code)
		}
	}
	if inCells != census {
		t.Errorf("cells hold %d people, census %d", inCells, census)
	}
	st := s.Stats()
	t.Logf("grid %d × %d cells of %g m; %d cells in communes; %d communes placed in a shared cell",
		s.Grid().Rows, s.Grid().Cols, s.Grid().CellSizeM, st.Cells, st.SharedCells)
}

// TestCompute_HoaBinh checks the figures of the synthetic seed-1 mobile
// scenario on Hòa Bình's 210 communes for plausibility and against a
// point-in-polygon count on a sample of communes.
func TestCompute_HoaBinh(t *testing.T) {
	cs := loadCommunes(t, hoaBinhCommunesFile, hoaBinhCommunes)
	fps := loadFootprints(t, hoaBinhMobileFile, hoaBinhMobile)
	s, err := NewSurface(cs, SurfaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Total() != hoaBinhCensusTotal {
		t.Fatalf("total %d, want %d", s.Total(), hoaBinhCensusTotal)
	}
	res, err := s.Compute(fps, nil, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	mobile := res.Layer(Mobile)
	all := mobile.Breakdown(KindAll)
	p := all.Province
	t.Logf("mobile broadband: %.0f of %d people (%.1f%%), %d of %d communes reached",
		p.Covered, p.Population, 100*p.Share, p.CommunesReached, p.Communes)
	if p.Population != hoaBinhCensusTotal || p.Communes != 210 || len(all.Districts) != 11 {
		t.Errorf("province %+v, %d districts", p, len(all.Districts))
	}
	// The scenario leaves half of the remote communes without a site of
	// their own (neighbours' sites reach most of them).
	if p.Share < 0.6 || p.Share >= 0.999 || p.CommunesReached == p.Communes {
		t.Errorf("implausible mobile share %.3f, %d of %d communes reached", p.Share, p.CommunesReached, p.Communes)
	}
	var districts float64
	for _, d := range all.Districts {
		districts += d.Covered
	}
	if math.Abs(districts-p.Covered) > 1e-6 {
		t.Errorf("districts sum to %v, province %v", districts, p.Covered)
	}
	largest := mobile.Breakdown(KindLargest)
	for _, b := range mobile.Breakdowns {
		if b.Province.Covered > p.Covered {
			t.Errorf("%s covers %v, more than all providers (%v)", b.Key, b.Province.Covered, p.Covered)
		}
		if b.Kind == KindProvider && b.Province.Covered > largest.Province.Covered {
			t.Errorf("%s covers more than the largest, %s", b.Key, largest.Value)
		}
		t.Logf("  %-20s %8.0f people  %5.1f%%", b.Key, b.Province.Covered, 100*b.Province.Share)
	}
	if largest.Value != "viettel" {
		t.Errorf("largest provider %q, want viettel (the scenario gives it the most sites)", largest.Value)
	}
	// Two or more providers may cover more people than any one provider
	// (a and b here, b and c there), never more than all.
	if m := mobile.Breakdown(KindMulti).Province.Covered; m <= 0 || m > p.Covered {
		t.Errorf("two or more providers cover %v", m)
	}
	// every mobile item is 3G or better: the phone layer is the same
	if ph := res.Layer(Phone).Breakdown(KindAll).Province.Covered; ph != p.Covered {
		t.Errorf("phone %v, mobile %v", ph, p.Covered)
	}

	// Point in polygon on the cells of every tenth commune.
	bounds := make([]orb.Bound, len(fps))
	for i, f := range fps {
		bounds[i] = f.Geometry.Bound()
	}
	for i := 0; i < len(cs); i += 10 {
		want := 0
		for c := range s.Cells(i) {
			centre := s.Grid().Centre(c.Row, c.Col)
			for j, f := range fps {
				if bounds[j].Contains(centre) && planar.MultiPolygonContains(f.Geometry, centre) {
					want += c.People
					break
				}
			}
		}
		if got := all.Communes[i].Covered; got != float64(want) {
			t.Errorf("commune %s: %v people covered, point in polygon says %d", cs[i].Code, got, want)
		}
	}
}

// TestCompute_Vietnam computes the national seed-1 scenario: every person
// is counted once in the rollups, and the figures are plausible.
func TestCompute_Vietnam(t *testing.T) {
	if testing.Short() {
		t.Skip("the national scenario takes seconds to read; skipped with -short")
	}
	cs := loadCommunes(t, vietnamCommunesFile, vietnamCommunes)
	fps := loadFootprints(t, vietnamMobileFile, vietnamMobile)
	if len(fps) != 121087 {
		t.Fatalf("%d footprints, want 121,087", len(fps))
	}
	s, err := NewSurface(cs, SurfaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Compute(fps, nil, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	mobile := res.Layer(Mobile)
	p := mobile.Breakdown(KindAll).Province
	t.Logf("mobile broadband: %.0f of %d people (%.1f%%), %d of %d communes reached; largest %s",
		p.Covered, p.Population, 100*p.Share, p.CommunesReached, p.Communes, mobile.Breakdown(KindLargest).Value)
	if p.Population != s.Total() || p.Communes != len(cs) || p.Share < 0.6 || p.Share >= 0.999 {
		t.Errorf("implausible province %+v", p)
	}
	for _, b := range mobile.Breakdowns {
		if b.Province.Covered > p.Covered {
			t.Errorf("%s covers %v, more than all providers", b.Key, b.Province.Covered)
		}
	}
	if ph := res.Layer(Phone).Breakdown(KindAll).Province; ph != p {
		t.Errorf("phone %+v differs from mobile %+v", ph, p)
	}
}
