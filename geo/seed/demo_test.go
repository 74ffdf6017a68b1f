package seed

import (
	"cmp"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/phusong/phusong/geo"
)

// demoHoaBinh is the Hòa Bình communes with their official boundaries, as
// the default data seeds them.
func demoHoaBinh(t *testing.T) []geo.Commune {
	t.Helper()
	return withBoundaries(t, loadHoaBinh(t))
}

func TestDemoFilings_Deterministic(t *testing.T) {
	cs := demoHoaBinh(t)
	a := DemoFilings(cs, 42)
	// Input order must not matter: the generator walks communes by code.
	reversed := slices.Clone(cs)
	slices.Reverse(reversed)
	if b := DemoFilings(reversed, 42); !reflect.DeepEqual(a, b) {
		t.Error("two calls with the same communes and seed differ")
	}
	if c := DemoFilings(cs, 43); reflect.DeepEqual(a, c) {
		t.Error("another seed gives the same filings")
	}
	if got := DemoFilings(nil, 42); got != nil {
		t.Errorf("no communes: got %d filings, want none", len(got))
	}
}

func TestDemoFilings_Valid(t *testing.T) {
	cs := demoHoaBinh(t)
	codes := map[string]geo.Commune{}
	for _, c := range cs {
		codes[c.Code] = c
	}
	filings := DemoFilings(cs, 42)
	type key struct {
		provider string
		layer    geo.Layer
		tech     string
	}
	dates := map[key][]string{}
	seen := map[key]map[string]bool{}
	layers := map[geo.Layer]int{}
	for _, f := range filings {
		k := key{f.Provider, f.Layer, f.Technology}
		name := f.Provider + "/" + string(f.Layer) + "/" + f.Technology + "@" + f.AsOf
		if !f.Layer.Valid() || f.Provider == "" || f.Technology == "" {
			t.Errorf("%s: incomplete filing", name)
		}
		if d, err := time.Parse(time.DateOnly, f.AsOf); err != nil || d.Year() < 2016 || d.Year() > 2026 {
			t.Errorf("%s: date not a day of 2016–2026 (%v)", name, err)
		}
		if seen[k] == nil {
			seen[k] = map[string]bool{}
		}
		if seen[k][f.AsOf] {
			t.Errorf("%s: filed twice", name)
		}
		seen[k][f.AsOf] = true
		dates[k] = append(dates[k], f.AsOf)
		layers[f.Layer]++
		if len(f.Footprints)+len(f.Declarations) == 0 {
			t.Errorf("%s: empty", name)
		}
		for i, fp := range f.Footprints {
			if fp.Provider != f.Provider || fp.Layer != f.Layer || fp.Technology != f.Technology {
				t.Errorf("%s: footprint %d belongs to %s/%s/%s", name, i, fp.Provider, fp.Layer, fp.Technology)
			}
			checkTarget(t, name, f.Layer, fp.Programme, fp.Service)
			checkCircle(t, name, fp.Geometry)
			if f.Technology == "5G" {
				if c := nearestCommune(cs, centroid(fp.Geometry)); float64(c.Population)/c.AreaKm2 <= demoDense {
					t.Errorf("%s: 5G site in %s, density %.0f/km²", name, c.Code, float64(c.Population)/c.AreaKm2)
				}
			}
		}
		for _, d := range f.Declarations {
			if d.Provider != f.Provider || d.Layer != f.Layer || d.Technology != f.Technology {
				t.Errorf("%s: declaration for %s belongs to %s/%s/%s", name, d.CommuneCode, d.Provider, d.Layer, d.Technology)
			}
			checkTarget(t, name, f.Layer, d.Programme, d.Service)
			if _, ok := codes[d.CommuneCode]; !ok {
				t.Errorf("%s: unknown commune %q", name, d.CommuneCode)
			}
			if !(d.Share > 0 && d.Share <= 1) {
				t.Errorf("%s: %s share %g outside (0, 1]", name, d.CommuneCode, d.Share)
			}
		}
	}
	for _, l := range geo.Layers {
		if layers[l] == 0 {
			t.Errorf("no %s filings", l)
		}
	}
	if !slices.IsSortedFunc(filings, func(a, b DemoFiling) int { return cmp.Compare(a.AsOf, b.AsOf) }) {
		t.Error("filings not in date order")
	}
	// History: each operator re-files 4G five times, never shrinking.
	for _, p := range []string{"viettel", "vnpt", "mobifone"} {
		if n := len(dates[key{p, geo.Mobile, "4G"}]); n != 5 {
			t.Errorf("%s 4G: %d filings, want 5", p, n)
		}
		prev := 0
		for _, f := range filings {
			if f.Provider == p && f.Layer == geo.Mobile && f.Technology == "4G" {
				if len(f.Footprints) < prev {
					t.Errorf("%s 4G %s: %d sites, fewer than the %d before", p, f.AsOf, len(f.Footprints), prev)
				}
				prev = len(f.Footprints)
			}
		}
	}
}

func checkTarget(t *testing.T, name string, l geo.Layer, programme, service string) {
	t.Helper()
	if l == geo.Broadcast {
		if (programme != "central" && programme != "local") || (service != "tv" && service != "radio") {
			t.Errorf("%s: programme %q, service %q", name, programme, service)
		}
	} else if programme != "" || service != "" {
		t.Errorf("%s: programme %q, service %q on a %s filing", name, programme, service, l)
	}
}

// checkCircle fails unless mp is a valid one-ring polygon in range.
func checkCircle(t *testing.T, name string, mp orb.MultiPolygon) {
	t.Helper()
	for _, poly := range mp {
		for _, ring := range poly {
			for _, p := range ring {
				if !(p.Lon() >= -180 && p.Lon() <= 180 && p.Lat() >= -90 && p.Lat() <= 90) {
					t.Fatalf("%s: coordinate %v out of range", name, p)
				}
			}
		}
	}
	checkShape(t, name, mp, centroid(mp))
	if n := len(mp[0][0]); n != geo.CircleVertices+1 {
		t.Errorf("%s: circle of %d points, want %d", name, n, geo.CircleVertices+1)
	}
}

func centroid(mp orb.MultiPolygon) orb.Point {
	c, _ := planar.CentroidArea(mp)
	return c
}

func nearestCommune(cs []geo.Commune, p orb.Point) geo.Commune {
	return slices.MinFunc(cs, func(a, b geo.Commune) int {
		return cmp.Compare(geo.Distance(a.Point, p), geo.Distance(b.Point, p))
	})
}

// coverageEstimate is, per commune code, an independent rough share of a
// commune served by a set of filings: the larger of the best declared
// share and the share of sample points of its shape inside some
// footprint. point says whether its interior point is inside a footprint.
type coverageEstimate struct {
	share float64
	point bool
}

func estimateCoverage(cs []geo.Commune, footprints []geo.Footprint, decls []geo.Declaration) map[string]coverageEstimate {
	out := map[string]coverageEstimate{}
	for _, d := range decls {
		e := out[d.CommuneCode]
		e.share = max(e.share, d.Share)
		out[d.CommuneCode] = e
	}
	for _, c := range cs {
		b := c.Geometry.Bound()
		var near []orb.MultiPolygon
		for _, fp := range footprints {
			if fp.Geometry.Bound().Intersects(b) {
				near = append(near, fp.Geometry)
			}
		}
		inAny := func(p orb.Point) bool {
			return slices.ContainsFunc(near, func(g orb.MultiPolygon) bool { return planar.MultiPolygonContains(g, p) })
		}
		const steps = 24
		in, covered := 0, 0
		for i := range steps {
			for j := range steps {
				p := orb.Point{
					b.Min.Lon() + (float64(i)+0.5)/steps*(b.Max.Lon()-b.Min.Lon()),
					b.Min.Lat() + (float64(j)+0.5)/steps*(b.Max.Lat()-b.Min.Lat()),
				}
				if planar.MultiPolygonContains(c.Geometry, p) {
					in++
					if inAny(p) {
						covered++
					}
				}
			}
		}
		e := out[c.Code]
		if in > 0 {
			e.share = max(e.share, float64(covered)/float64(in))
		}
		e.point = inAny(c.Point)
		out[c.Code] = e
	}
	return out
}

// latest keeps, of each provider, layer and technology, the last filing.
func latest(filings []DemoFiling) []DemoFiling {
	last := map[[3]string]DemoFiling{}
	for _, f := range filings {
		k := [3]string{f.Provider, string(f.Layer), f.Technology}
		if f.AsOf > last[k].AsOf {
			last[k] = f
		}
	}
	out := make([]DemoFiling, 0, len(last))
	for _, f := range last {
		out = append(out, f)
	}
	return out
}

// TestDemoFilings_Mix checks that on the latest filings every layer shows
// communes covered (≥ 95%), partly covered (50–95%) and not covered at
// all. Phone counts mobile footprints too, as the design derives phone
// service from any mobile footprint; broadcast is checked both for any
// service and for all four of central and local radio and TV.
func TestDemoFilings_Mix(t *testing.T) {
	cs := demoHoaBinh(t)
	now := latest(DemoFilings(cs, 42))
	collect := func(keep func(l geo.Layer, tech, programme, service string) bool) ([]geo.Footprint, []geo.Declaration) {
		var fps []geo.Footprint
		var ds []geo.Declaration
		for _, f := range now {
			for _, fp := range f.Footprints {
				if keep(f.Layer, f.Technology, fp.Programme, fp.Service) {
					fps = append(fps, fp)
				}
			}
			for _, d := range f.Declarations {
				if keep(f.Layer, f.Technology, d.Programme, d.Service) {
					ds = append(ds, d)
				}
			}
		}
		return fps, ds
	}
	for _, l := range geo.Layers {
		t.Run(string(l), func(t *testing.T) {
			fps, ds := collect(func(fl geo.Layer, _, _, _ string) bool { return fl == l || l == geo.Phone && fl == geo.Mobile })
			est := estimateCoverage(cs, fps, ds)
			covered, partial, none := 0, 0, 0
			for _, c := range cs {
				switch e := est[c.Code]; {
				case e.share >= 0.95:
					covered++
				case e.share >= 0.5:
					partial++
				case e.share == 0 && !e.point:
					none++
				}
			}
			t.Logf("%s: %d covered, %d partial, %d with nothing, of %d", l, covered, partial, none, len(cs))
			if covered < 3 || partial < 3 || none < 3 {
				t.Errorf("%s: want at least 3 covered, 3 partial and 3 with nothing", l)
			}
		})
	}
	t.Run("broadcast all four", func(t *testing.T) {
		all := map[string]float64{}
		for _, c := range cs {
			all[c.Code] = 1
		}
		for _, programme := range []string{"central", "local"} {
			for _, service := range []string{"tv", "radio"} {
				fps, ds := collect(func(fl geo.Layer, _, p, s string) bool { return fl == geo.Broadcast && p == programme && s == service })
				for code, e := range estimateCoverage(cs, fps, ds) {
					all[code] = min(all[code], e.share)
				}
			}
		}
		covered := 0
		for _, s := range all {
			if s >= 0.95 {
				covered++
			}
		}
		t.Logf("%d communes receive central and local radio and TV", covered)
		if covered < 3 {
			t.Errorf("only %d communes receive all four programmes, want at least 3", covered)
		}
	})
}

func TestDemoCircle(t *testing.T) {
	c := orb.Point{105.3, 20.8}
	got := demoCircle(c, 2000)
	checkCircle(t, "circle", got)
	// The vertices lie 2 km from the centre in the local metric.
	for _, v := range got[0][0] {
		if d := geo.Distance(c, v); math.Abs(d-2000) > 1 {
			t.Fatalf("vertex %v is %.1f m from the centre", v, d)
		}
	}
}

// checkShape checks that mp is one closed, counter-clockwise, convex ring
// that holds p (a demonstration circle).
func checkShape(t *testing.T, name string, mp orb.MultiPolygon, p orb.Point) {
	t.Helper()
	if len(mp) != 1 || len(mp[0]) != 1 {
		t.Fatalf("%s: want one polygon with one ring, got %d polygons", name, len(mp))
	}
	r := mp[0][0]
	if len(r) < 4 || r[0] != r[len(r)-1] {
		t.Fatalf("%s: ring of %d points not closed", name, len(r))
	}
	if r.Orientation() != orb.CCW {
		t.Errorf("%s: ring is not counter-clockwise", name)
	}
	n := len(r) - 1
	for k := range n {
		a, b, c := r[k], r[k+1], r[(k+2)%n]
		if (b[0]-a[0])*(c[1]-b[1])-(b[1]-a[1])*(c[0]-b[0]) < -1e-18 {
			t.Errorf("%s: reflex vertex %d", name, k+1)
		}
		for j := k + 2; j < n; j++ {
			if k == 0 && j == n-1 {
				continue // adjacent through the closing point
			}
			if segmentsCross(a, b, r[j], r[j+1]) {
				t.Errorf("%s: edges %d and %d intersect", name, k, j)
			}
		}
	}
	if !planar.MultiPolygonContains(mp, p) {
		t.Errorf("%s: does not contain its point %v", name, p)
	}
}

func segmentsCross(a, b, c, d orb.Point) bool {
	o := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	return o(a, b, c)*o(a, b, d) < 0 && o(c, d, a)*o(c, d, b) < 0
}
