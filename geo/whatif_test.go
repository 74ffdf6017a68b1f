package geo

import (
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// checkWhatIf compares Base.WhatIf(extra) with a full Compute of the base
// footprints and extra: every layer's "all" breakdown, Method, Ignored and
// Unused must be exactly equal (==, not approximately).
func checkWhatIf(t *testing.T, s *Surface, b *Base, fps, extra []Footprint, decls []Declaration, opt Options) {
	t.Helper()
	want := mustCompute(t, s, append(fps[:len(fps):len(fps)], extra...), decls, opt)
	got, err := b.WhatIf(extra)
	if err != nil {
		t.Fatal(err)
	}
	sameAll(t, want, got)
}

// sameAll reports where got, a WhatIf result, differs from want, a
// Compute result, in what WhatIf returns.
func sameAll(t *testing.T, want, got *Result) {
	t.Helper()
	if !reflect.DeepEqual(got.Method, want.Method) {
		t.Errorf("method %+v, want %+v", got.Method, want.Method)
	}
	if got.Ignored != want.Ignored || got.Unused != want.Unused {
		t.Errorf("ignored %d, unused %d; want %d, %d", got.Ignored, got.Unused, want.Ignored, want.Unused)
	}
	if len(got.Layers) != len(want.Layers) {
		t.Fatalf("%d layers, want %d", len(got.Layers), len(want.Layers))
	}
	for i, wl := range want.Layers {
		gl := got.Layers[i]
		if gl.Layer != wl.Layer || len(gl.Breakdowns) != 1 {
			t.Errorf("layer %d: %s with %d breakdowns, want %s with only %q", i, gl.Layer, len(gl.Breakdowns), wl.Layer, KindAll)
			continue
		}
		w, g := wl.Breakdown(KindAll), &gl.Breakdowns[0]
		if g.Key != w.Key || g.Kind != w.Kind || g.Value != w.Value {
			t.Errorf("%s: breakdown %q %q %q, want %q %q %q", wl.Layer, g.Key, g.Kind, g.Value, w.Key, w.Kind, w.Value)
		}
		if len(g.Communes) != len(w.Communes) || len(g.Districts) != len(w.Districts) {
			t.Fatalf("%s: %d communes and %d districts, want %d and %d", wl.Layer, len(g.Communes), len(g.Districts), len(w.Communes), len(w.Districts))
		}
		bad := 0
		for c := range w.Communes {
			if g.Communes[c] != w.Communes[c] {
				if bad++; bad <= 5 {
					t.Errorf("%s: commune %+v, want %+v", wl.Layer, g.Communes[c], w.Communes[c])
				}
			}
		}
		if bad > 5 {
			t.Errorf("%s: %d communes differ in all", wl.Layer, bad)
		}
		for d := range w.Districts {
			if g.Districts[d] != w.Districts[d] {
				t.Errorf("%s: district %+v, want %+v", wl.Layer, g.Districts[d], w.Districts[d])
			}
		}
		if g.Province != w.Province {
			t.Errorf("%s: province %+v, want %+v", wl.Layer, g.Province, w.Province)
		}
	}
}

// whatIfTown is the surface of the synthetic what-if tests, in cell units
// (each cell of commune 01 holds 10 people, of 02 five, of 04 twenty):
//
//	y
//	20 ┌─────────┬─────────┐
//	   │ 03      │ 04      │      district 002: 03 (population 0), 04, 05
//	   │ 0 ppl   │ 2,000   │
//	10 ├─────────┼─────────┤
//	   │ 01      │ 02      │  ┌───┐ district 001: 01, 02
//	   │ 1,000   │ 500     │  │05 │ 05: 300 people, 25..30 × 0..5
//	 0 └─────────┴─────────┘  └───┘
//	   0        10        20  25  30 x
func whatIfTown(t testing.TB, opt SurfaceOptions) (*Surface, units) {
	t.Helper()
	u := communeUnits()
	in := func(c Commune, code, name string) Commune { c.DistrictCode, c.District = code, name; return c }
	cs := []Commune{
		in(commune("01", 1000, u.rect(0, 0, 10, 10)), "001", "Huyện Một"),
		in(commune("02", 500, u.rect(10, 0, 20, 10)), "001", "Huyện Một"),
		in(commune("03", 0, u.rect(0, 10, 10, 20)), "002", "Huyện Hai"),
		in(commune("04", 2000, u.rect(10, 10, 20, 20)), "002", "Huyện Hai"),
		in(commune("05", 300, u.rect(25, 0, 30, 5)), "002", "Huyện Hai"),
	}
	s := mustSurface(t, cs, opt)
	return s, gridUnits(s)
}

// townItems are the footprints and declarations in force in the what-if
// tests: every layer, both broadcast programmes, declarations where
// footprints are, and items that count nowhere.
func townItems(u units) ([]Footprint, []Declaration) {
	rect := func(x0, y0, x1, y1 float64) orb.MultiPolygon { return orb.MultiPolygon{{u.rect(x0, y0, x1, y1)}} }
	fps := []Footprint{
		{Provider: "viettel", Layer: Mobile, Technology: "4G", MinDownMbps: 50, Geometry: rect(0, 0, 6, 10)},
		{Provider: "vnpt", Layer: Mobile, Technology: "3G", MinDownMbps: 5, Geometry: rect(12, 2, 18, 8)},
		{Provider: "mobifone", Layer: Mobile, Technology: "2G", Geometry: rect(0, 10, 5, 20)},
		{Provider: "vnpt", Layer: Phone, Technology: "fixed_line", Geometry: rect(10, 10, 15, 15)},
		{Provider: "viettel", Layer: Broadband, Technology: "FTTH", Geometry: rect(2, 2, 8, 8)},
		{Provider: "vtv", Layer: Broadcast, Technology: "DVB-T2", Programme: "central", Service: "tv", Geometry: rect(0, 0, 20, 12)},
		{Provider: "hbtv", Layer: Broadcast, Technology: "FM", Programme: "local", Service: "radio", Geometry: rect(5, 0, 15, 20)},
		{Provider: "x", Layer: Mobile, Technology: "LoRa", Geometry: rect(0, 0, 20, 20)},
	}
	decls := []Declaration{
		{Provider: "vnpt", Layer: Mobile, Technology: "4G", CommuneCode: "02", Share: 0.7},
		{Provider: "hbtv", Layer: Broadcast, Technology: "FM", Programme: "local", CommuneCode: "01", Share: 0.4},
		{Provider: "vtv", Layer: Broadcast, Technology: "DVB-T2", Programme: "central", CommuneCode: "05", Share: 0.5},
		{Provider: "vnpt", Layer: Broadband, Technology: "xDSL", CommuneCode: "04", Share: 0.9},
		{Provider: "vnpt", Layer: Phone, Technology: "fixed_line", CommuneCode: "03", Share: 0.3},
		{Provider: "vnpt", Layer: Mobile, Technology: "4G", CommuneCode: "99", Share: 1},
	}
	return fps, decls
}

func TestWhatIf_EqualsCompute(t *testing.T) {
	weights := func(u units) []WeightPoint {
		// Villages in the west of 01 and the north-east of 04.
		return []WeightPoint{
			{Lon: u.pt(1.5, 1.5)[0], Lat: u.pt(1.5, 1.5)[1], Weight: 30},
			{Lon: u.pt(2.5, 7.5)[0], Lat: u.pt(2.5, 7.5)[1], Weight: 10},
			{Lon: u.pt(18.5, 18.5)[0], Lat: u.pt(18.5, 18.5)[1], Weight: 5},
			{Lon: u.pt(11.5, 12.5)[0], Lat: u.pt(11.5, 12.5)[1], Weight: 1},
		}
	}
	type item struct {
		layer                Layer
		tech, programme      string
		mbps                 float64
		provider             string
		x0, y0, x1, y1       float64
		hx0, hy0, hx1, hy1   float64 // a hole, when hx1 > hx0
		extraX0, extraX1, ey float64 // a second polygon [extraX0, extraX1] × [0, ey], when ey > 0
	}
	cases := []struct {
		name    string
		items   []item
		minMbps float64
		noDecls bool
	}{
		{name: "nothing added"},
		// ░░░░░░▓▓▓   viettel 0..6 in force, the site 3..9: half new
		{name: "overlapping existing coverage", items: []item{{layer: Mobile, tech: "4G", provider: "vnpt", x0: 3, y0: 3, x1: 9, y1: 9}}},
		{name: "inside existing coverage", items: []item{{layer: Mobile, tech: "4G", provider: "viettel", x0: 1, y0: 1, x1: 5, y1: 9}}},
		{name: "outside every commune, on the grid", items: []item{{layer: Mobile, tech: "4G", x0: 21, y0: 1, x1: 24, y1: 9}}},
		{name: "outside the grid", items: []item{{layer: Mobile, tech: "5G", x0: 40, y0: 40, x1: 50, y1: 50}}},
		// ▓▓▓▓▓▓▓▓▓▓  02 and 04 with a hole 12..18 × 5..15
		// ▓▓      ▓▓
		// ▓▓▓▓▓▓▓▓▓▓
		{name: "polygon with a hole", items: []item{{layer: Mobile, tech: "4G", x0: 10, y0: 0, x1: 20, y1: 20, hx0: 12, hy0: 5, hx1: 18, hy1: 15}}},
		{name: "broadcast central where local is", items: []item{{layer: Broadcast, tech: "FM", programme: "central", provider: "vov", x0: 5, y0: 12, x1: 15, y1: 20}}},
		{name: "broadcast local where central is", items: []item{{layer: Broadcast, tech: "DVB-T2", programme: "Local", provider: "hbtv", x0: 15, y0: 0, x1: 20, y1: 12}}},
		{name: "broadcast both, where neither was", items: []item{
			{layer: Broadcast, tech: "cable", programme: "central", provider: "cab", x0: 25, y0: 0, x1: 28, y1: 5},
			{layer: Broadcast, tech: "cable", programme: "local", provider: "cab", x0: 26, y0: 0, x1: 30, y1: 5}}},
		{name: "broadcast over a declared local share", items: []item{{layer: Broadcast, tech: "DVB-T2", programme: "central", x0: 0, y0: 0, x1: 3, y1: 10}}},
		{name: "broadcast without a programme is unused", items: []item{{layer: Broadcast, tech: "FM", x0: 0, y0: 0, x1: 20, y1: 20}}},
		{name: "phone via 4G mobile", items: []item{{layer: Mobile, tech: "4g", x0: 5, y0: 10, x1: 15, y1: 20}}},
		{name: "phone via 2G mobile only", items: []item{{layer: Mobile, tech: "2G", x0: 0, y0: 0, x1: 20, y1: 20}}},
		{name: "phone layer 4G", items: []item{{layer: Phone, tech: "4G", x0: 0, y0: 12, x1: 20, y1: 14}}},
		{name: "under a declared share", items: []item{{layer: Mobile, tech: "4G", x0: 10, y0: 0, x1: 13, y1: 10}}},
		{name: "above a declared share", items: []item{{layer: Mobile, tech: "4G", x0: 10, y0: 0, x1: 20, y1: 10}}},
		{name: "declared broadband share", items: []item{{layer: Broadband, tech: "ftth", x0: 10, y0: 10, x1: 20, y1: 19}}},
		{name: "without declarations", noDecls: true, items: []item{{layer: Mobile, tech: "4G", x0: 10, y0: 0, x1: 20, y1: 10}}},
		{name: "speed below the minimum", minMbps: 10, items: []item{{layer: Mobile, tech: "4G", mbps: 5, x0: 6, y0: 0, x1: 20, y1: 10}}},
		{name: "speed above the minimum", minMbps: 10, items: []item{{layer: Mobile, tech: "4G", mbps: 20, x0: 6, y0: 0, x1: 20, y1: 10}}},
		{name: "speeds below and above", minMbps: 10, items: []item{
			{layer: Mobile, tech: "4G", mbps: 5, x0: 6, y0: 0, x1: 12, y1: 10},
			{layer: Mobile, tech: "5G", mbps: 100, x0: 14, y0: 0, x1: 20, y1: 20}}},
		{name: "spanning several communes", items: []item{{layer: Mobile, tech: "3G", x0: 5, y0: 5, x1: 28, y1: 15}}},
		{name: "zero-population commune", items: []item{{layer: Mobile, tech: "3G", x0: 0, y0: 10, x1: 7, y1: 20}}},
		{name: "two polygons in one footprint", items: []item{{layer: Mobile, tech: "4G", x0: 0, y0: 15, x1: 20, y1: 20, extraX0: 25, extraX1: 27, ey: 5}}},
		{name: "unknown technology is unused", items: []item{{layer: Broadband, tech: "LoRa", x0: 0, y0: 0, x1: 20, y1: 20}}},
		{name: "every layer at once", items: []item{
			{layer: Mobile, tech: "4G", x0: 8, y0: 8, x1: 12, y1: 12},
			{layer: Mobile, tech: "4G", provider: "viettel", x0: 0, y0: 0, x1: 2, y1: 20},
			{layer: Phone, tech: "fixed_line", x0: 0, y0: 0, x1: 10, y1: 3},
			{layer: Broadband, tech: "xDSL", x0: 25, y0: 0, x1: 30, y1: 5},
			{layer: Broadcast, tech: "FM", programme: "central", x0: 0, y0: 12, x1: 5, y1: 20},
			{layer: Broadcast, tech: "FM", programme: "local", x0: 0, y0: 0, x1: 5, y1: 20}}},
	}
	// A population grid of 4 × 4-cell pixels over the town, denser to the
	// north-east, with pixels of no data and of nobody.
	grid := func(u units) *PopulationGrid {
		vals := make([]float32, 6*6)
		for i := range vals {
			vals[i] = float32(1 + (i%6)*(5-i/6))
		}
		vals[7], vals[20] = float32(math.NaN()), 0
		return unitGrid(u, 4, 6, 6, vals...)
	}
	surfaces := []struct {
		name string
		opt  func(u units) SurfaceOptions
	}{
		{"even", func(units) SurfaceOptions { return SurfaceOptions{} }},
		{"weighted", func(u units) SurfaceOptions { return SurfaceOptions{Weights: weights(u)} }},
		{"grid", func(u units) SurfaceOptions { return SurfaceOptions{Grid: grid(u)} }},
	}
	for _, sc := range surfaces {
		for _, tc := range cases {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				s, u := whatIfTown(t, sc.opt(communeUnits()))
				fps, decls := townItems(u)
				if tc.noDecls {
					decls = nil
				}
				opt := DefaultOptions()
				opt.MobileMinDownMbps = tc.minMbps
				var extra []Footprint
				for _, it := range tc.items {
					p := orb.Polygon{u.rect(it.x0, it.y0, it.x1, it.y1)}
					if it.hx1 > it.hx0 {
						p = append(p, reversed(u.rect(it.hx0, it.hy0, it.hx1, it.hy1)))
					}
					mp := orb.MultiPolygon{p}
					if it.ey > 0 {
						mp = append(mp, orb.Polygon{u.rect(it.extraX0, 0, it.extraX1, it.ey)})
					}
					provider := it.provider
					if provider == "" {
						provider = "whatif"
					}
					extra = append(extra, Footprint{Provider: provider, Layer: it.layer, Technology: it.tech,
						Programme: it.programme, MinDownMbps: it.mbps, Geometry: mp})
				}
				res, b, err := s.ComputeBase(fps, decls, opt)
				if err != nil {
					t.Fatal(err)
				}
				if want := mustCompute(t, s, fps, decls, opt); !reflect.DeepEqual(res, want) {
					t.Fatal("ComputeBase's result differs from Compute's")
				}
				checkWhatIf(t, s, b, fps, extra, decls, opt)
				// Again, after a Compute has reused the pool's bitsets:
				// the Base is unchanged by both.
				mustCompute(t, s, append(fps, extra...), decls, opt)
				checkWhatIf(t, s, b, fps, extra, decls, opt)
				checkWhatIf(t, s, b, fps, nil, decls, opt)
			})
		}
	}
}

func TestWhatIf_Errors(t *testing.T) {
	s, u := whatIfTown(t, SurfaceOptions{})
	fps, decls := townItems(u)
	_, b, err := s.ComputeBase(fps, decls, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		extra []Footprint
	}{
		{"latitude out of range", []Footprint{footprint("a", Mobile, "4G", orb.Polygon{{u.pt(0, 0), {105, 91}, u.pt(5, 5)}})}},
		{"NaN coordinate", []Footprint{footprint("a", Mobile, "4G", orb.Polygon{{u.pt(0, 0), {math.NaN(), 20}, u.pt(5, 5)}})}},
		{"bad coordinate in an unused item", []Footprint{footprint("a", Mobile, "LoRa", orb.Polygon{{u.pt(0, 0), {200, 20}, u.pt(5, 5)}})}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, werr := b.WhatIf(tc.extra)
			_, cerr := s.Compute(append(fps[:len(fps):len(fps)], tc.extra...), decls, DefaultOptions())
			if !errors.Is(werr, ErrInvalidGeometry) || !errors.Is(cerr, ErrInvalidGeometry) {
				t.Errorf("WhatIf error %v, Compute error %v; want both %v", werr, cerr, ErrInvalidGeometry)
			}
		})
	}
	// The Base still answers after a refused what-if.
	checkWhatIf(t, s, b, fps, []Footprint{footprint("a", Mobile, "4G", orb.Polygon{u.rect(0, 0, 20, 20)})}, decls, DefaultOptions())
}

func TestComputeBase_Errors(t *testing.T) {
	s, _ := whatIfTown(t, SurfaceOptions{})
	if _, _, err := s.ComputeBase(nil, nil, Options{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("error %v, want %v", err, ErrInvalidInput)
	}
}

func TestWhatIf_NoCommunes(t *testing.T) {
	s := mustSurface(t, nil, SurfaceOptions{})
	u := communeUnits()
	_, b, err := s.ComputeBase(nil, nil, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	checkWhatIf(t, s, b, nil, []Footprint{footprint("a", Mobile, "4G", orb.Polygon{u.rect(0, 0, 5, 5)})}, nil, DefaultOptions())
}

// TestWhatIf_Concurrent runs what-ifs on one Base side by side, and full
// Computes on its Surface among them; run with -race.
func TestWhatIf_Concurrent(t *testing.T) {
	s, u := whatIfTown(t, SurfaceOptions{})
	fps, decls := townItems(u)
	opt := DefaultOptions()
	_, b, err := s.ComputeBase(fps, decls, opt)
	if err != nil {
		t.Fatal(err)
	}
	extra := func(i int) []Footprint {
		x := float64(i % 20)
		return []Footprint{
			footprint("a", Mobile, "4G", orb.Polygon{u.rect(x, 0, x+3, 20)}),
			{Provider: "b", Layer: Broadcast, Technology: "FM", Programme: "local", Geometry: orb.MultiPolygon{{u.rect(0, x, 30, x+2)}}},
		}
	}
	want := make([]*Result, 16)
	for i := range want {
		want[i] = mustCompute(t, s, append(fps[:len(fps):len(fps)], extra(i)...), decls, opt)
	}
	var wg sync.WaitGroup
	for i := range want {
		wg.Add(2)
		go func() {
			defer wg.Done()
			got, err := b.WhatIf(extra(i))
			if err != nil {
				t.Error(err)
				return
			}
			sameAll(t, want[i], got)
		}()
		go func() {
			defer wg.Done()
			if _, err := s.Compute(append(fps[:len(fps):len(fps)], extra(i+1)...), decls, opt); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// needData fails t in CI (CI set), where the reference data must be
// present, and otherwise skips it, when a file is absent.
func needData(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			needInCI(t, "reference data absent: %s (expected in ../shared/data beside the repository): %v", p, err)
		}
	}
}

// leastCovered returns the populated commune with the smallest share of
// the mobile "all" breakdown, the first of equals.
func leastCovered(res *Result) int {
	worst := 0
	figs := res.Layer(Mobile).Breakdown(KindAll).Communes
	for i, f := range figs {
		if f.Population > 0 && (figs[worst].Population == 0 || f.Share < figs[worst].Share) {
			worst = i
		}
	}
	return worst
}

// realWhatIfs are the what-ifs tried on real data: a 3 km 4G site in the
// least-covered commune (the benchmark's), sites in a few other communes,
// a large polygon with a hole, a broadcast pair, and a fixed line.
func realWhatIfs(cs []Commune, res *Result, n int) map[string][]Footprint {
	worst := leastCovered(res)
	centre := func(i int) orb.Point { return cs[i].Geometry.Bound().Center() }
	site := func(i int, tech string, r float64) Footprint {
		return Footprint{Provider: "vnpt", Layer: Mobile, Technology: tech, Geometry: orb.MultiPolygon{{circle(centre(i), r)}}}
	}
	out := map[string][]Footprint{"3 km 4G site in the least-covered commune": {site(worst, "4G", 3000)}}
	if n < 2 {
		return out
	}
	var sites []Footprint
	for i := 0; i < len(cs); i += max(1, len(cs)/n) {
		sites = append(sites, site(i, []string{"3G", "4G", "5G", "2G"}[i%4], 1000+float64(i%7)*1000))
	}
	out[fmt.Sprintf("%d sites across the surface", len(sites))] = sites
	c := centre(worst)
	out["20 km polygon with a hole, broadcast pair, fixed line"] = []Footprint{
		{Provider: "whatif", Layer: Mobile, Technology: "5G", Geometry: orb.MultiPolygon{{circle(c, 20000), reversed(circle(c, 5000))}}},
		{Provider: "vtv", Layer: Broadcast, Technology: "DVB-T2", Programme: "central", Geometry: orb.MultiPolygon{{circle(c, 15000)}}},
		{Provider: "hbtv", Layer: Broadcast, Technology: "FM", Programme: "local", Geometry: orb.MultiPolygon{{circle(centre(0), 10000)}}},
		{Provider: "vnpt", Layer: Phone, Technology: "fixed_line", Geometry: orb.MultiPolygon{{circle(centre(len(cs)-1), 4000)}}},
	}
	return out
}

func TestWhatIf_HoaBinh(t *testing.T) {
	needData(t, hoaBinhCommunesFile, hoaBinhMobileFile)
	cs := loadCommunes(t, hoaBinhCommunesFile, hoaBinhCommunes)
	fps := loadFootprints(t, hoaBinhMobileFile, hoaBinhMobile)
	for _, surface := range []string{"even", "worldpop"} {
		t.Run(surface, func(t *testing.T) {
			var opt SurfaceOptions
			if surface == "worldpop" {
				opt.Grid = worldPop(t, cs)
			}
			s, err := NewSurface(cs, opt)
			if err != nil {
				t.Fatal(err)
			}
			whatIfHoaBinh(t, s, cs, fps)
		})
	}
}

// whatIfHoaBinh checks what-ifs against Computes on the Hòa Bình scenario
// on surface s.
func whatIfHoaBinh(t *testing.T, s *Surface, cs []Commune, fps []Footprint) {
	// Declarations for a few communes, some where the scenario's sites are.
	var decls []Declaration
	for i := 0; i < len(cs); i += 17 {
		decls = append(decls, Declaration{Provider: "vnpt", Layer: Mobile, Technology: "4G", CommuneCode: cs[i].Code, Share: 0.5 + float64(i%5)/10})
	}
	decls = append(decls, Declaration{Provider: "hbtv", Layer: Broadcast, Technology: "FM", Programme: "local", CommuneCode: cs[3].Code, Share: 0.9})
	// The scenario states no speed: give its footprints some, so that the
	// speed filter keeps some of them.
	fast := slices.Clone(fps)
	for i := range fast {
		fast[i].MinDownMbps = float64(20 * (i % 4))
	}
	for _, minMbps := range []float64{0, 30} {
		opt := DefaultOptions()
		opt.MobileMinDownMbps = minMbps
		fps := fps
		if minMbps > 0 {
			fps = fast
		}
		res, b, err := s.ComputeBase(fps, decls, opt)
		if err != nil {
			t.Fatal(err)
		}
		for name, extra := range realWhatIfs(cs, res, 12) {
			for i := range extra {
				extra[i].MinDownMbps = float64(10 * (i % 5))
			}
			t.Run(fmt.Sprintf("%s/min %v Mbit/s", name, minMbps), func(t *testing.T) {
				checkWhatIf(t, s, b, fps, extra, decls, opt)
			})
		}
	}
}

// TestWhatIf_Vietnam checks the what-if against full Computes on the
// national scenario: one base, a few what-ifs (each check costs a national
// Compute).
func TestWhatIf_Vietnam(t *testing.T) {
	if testing.Short() {
		t.Skip("the national scenario takes seconds to read; skipped with -short")
	}
	needData(t, vietnamCommunesFile, vietnamMobileFile)
	cs := loadCommunes(t, vietnamCommunesFile, vietnamCommunes)
	fps := loadFootprints(t, vietnamMobileFile, vietnamMobile)
	s, err := NewSurface(cs, SurfaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	decls := []Declaration{
		{Provider: "vnpt", Layer: Mobile, Technology: "4G", CommuneCode: cs[0].Code, Share: 0.99},
		{Provider: "vtv", Layer: Broadcast, Technology: "DVB-T2", Programme: "central", CommuneCode: cs[len(cs)/2].Code, Share: 0.8},
	}
	opt := DefaultOptions()
	res, b, err := s.ComputeBase(fps, decls, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("base holds %.1f MB", float64(b.bytes)/1e6)
	for name, extra := range realWhatIfs(cs, res, 25) {
		t.Run(name, func(t *testing.T) { checkWhatIf(t, s, b, fps, extra, decls, opt) })
	}
}
