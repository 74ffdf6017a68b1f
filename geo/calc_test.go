package geo

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// testCellM makes a 1 km square 10 × 10 cells.
const testCellM = 100.0

// units draws test geometry in cell units: x east, y north, one unit one
// cell of testCellM, from an origin in Hòa Bình.
type units struct{ lon0, lat0, dlon, dlat float64 }

// communeUnits is the frame for communes: those of the tests span about
// ten cells north of the origin, so the grid's reference latitude is near
// y = 5 and cell edges fall on whole units to far better than a
// millionth of a cell.
func communeUnits() units {
	dlat := testCellM / MetresPerDegLat
	return units{105, 20, testCellM / (MetresPerDegLon * math.Cos((20+5*dlat)*math.Pi/180)), dlat}
}

// gridUnits is the frame of a surface's grid: cell (row, col) is the unit
// square at (col, row).
func gridUnits(s *Surface) units {
	g := s.Grid()
	return units{g.Lon0, g.Lat0, g.DLon, g.DLat}
}

func (u units) pt(x, y float64) orb.Point { return orb.Point{u.lon0 + x*u.dlon, u.lat0 + y*u.dlat} }

// rect is the counter-clockwise ring of the rectangle [x0, x1] × [y0, y1].
func (u units) rect(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{u.pt(x0, y0), u.pt(x1, y0), u.pt(x1, y1), u.pt(x0, y1), u.pt(x0, y0)}
}

func commune(code string, pop int, rings ...orb.Ring) Commune {
	return Commune{Code: code, Name: "Xã " + code, DistrictCode: "001", District: "Huyện Một", Population: pop,
		Geometry: orb.MultiPolygon{orb.Polygon(rings)}}
}

func footprint(provider string, layer Layer, tech string, polys ...orb.Polygon) Footprint {
	return Footprint{Provider: provider, Layer: layer, Technology: tech, Geometry: orb.MultiPolygon(polys)}
}

func reversed(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

func mustSurface(t testing.TB, cs []Commune, opt SurfaceOptions) *Surface {
	t.Helper()
	if opt.CellSizeM == 0 {
		opt.CellSizeM = testCellM
	}
	s, err := NewSurface(cs, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustCompute(t testing.TB, s *Surface, fps []Footprint, decls []Declaration, opt Options) *Result {
	t.Helper()
	res, err := s.Compute(fps, decls, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// figure returns one commune's figure of one breakdown.
func figure(t testing.TB, res *Result, l Layer, key, code string) CommuneFigure {
	t.Helper()
	b := breakdownOf(t, res, l, key)
	for _, f := range b.Communes {
		if f.Code == code {
			return f
		}
	}
	t.Fatalf("%s %s: no commune %s", l, key, code)
	return CommuneFigure{}
}

func breakdownOf(t testing.TB, res *Result, l Layer, key string) *Breakdown {
	t.Helper()
	lr := res.Layer(l)
	if lr == nil {
		t.Fatalf("no layer %s", l)
	}
	b := lr.Breakdown(key)
	if b == nil {
		t.Fatalf("layer %s: no breakdown %q", l, key)
	}
	return b
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// square is the commune of most tests:
//
//	y
//	10 ┌───────────────────┐
//	   │                   │  commune "01", 0..10 × 0..10 cells,
//	   │    1,000 people   │  10 people in each of its 100 cells
//	   │                   │
//	 0 └───────────────────┘
//	   0                  10 x
func square(t testing.TB) *Surface {
	u := communeUnits()
	return mustSurface(t, []Commune{commune("01", 1000, u.rect(0, 0, 10, 10))}, SurfaceOptions{})
}

func TestCompute_SquareHalfCovered(t *testing.T) {
	s := square(t)
	u := gridUnits(s)
	cases := []struct {
		name    string
		polys   []orb.Polygon
		covered float64
		status  Status
	}{
		// ▓▓▓▓▓░░░░░  the west half: 50 cells
		{"west half", []orb.Polygon{{u.rect(0, 0, 5, 10)}}, 500, StatusPartial},
		{"all and beyond", []orb.Polygon{{u.rect(-3, -3, 13, 13)}}, 1000, StatusCovered},
		{"beside the grid", []orb.Polygon{{u.rect(12, 0, 20, 10)}}, 0, StatusNone},
		// clipped at the grid's edges: only columns 0..2 are on the grid
		{"far beyond the grid", []orb.Polygon{{u.rect(-500, -500, 3, 500)}}, 300, StatusNone},
		// ▓▓▓▓▓░░░░░  row 9 half covered, rows 0..8 all: 95 cells
		// ▓▓▓▓▓▓▓▓▓▓
		{"95 of 100 cells", []orb.Polygon{{u.rect(0, 0, 10, 9)}, {u.rect(0, 9, 5, 10)}}, 950, StatusCovered},
		// two footprints of one provider overlapping: union, 70 cells
		{"overlapping polygons", []orb.Polygon{{u.rect(0, 0, 5, 10)}, {u.rect(2, 0, 7, 10)}}, 700, StatusPartial},
		{"clockwise ring", []orb.Polygon{{reversed(u.rect(0, 0, 5, 10))}}, 500, StatusPartial},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := mustCompute(t, s, []Footprint{footprint("viettel", Mobile, "4G", tc.polys...)}, nil, DefaultOptions())
			f := figure(t, res, Mobile, KindAll, "01")
			if f.Covered != tc.covered || f.Share != tc.covered/1000 || f.Status != tc.status {
				t.Errorf("got %+v, want %v people, %s", f, tc.covered, tc.status)
			}
		})
	}
}

func TestCompute_FootprintWithHole(t *testing.T) {
	s := square(t)
	u := gridUnits(s)
	outer, hole := u.rect(-1, -1, 11, 11), reversed(u.rect(2, 2, 8, 8))
	cases := []struct {
		name    string
		polys   []orb.Polygon
		covered float64
	}{
		//	▓▓▓▓▓▓▓▓▓▓
		//	▓▓┌────┐▓▓   the hole, 2..8 × 2..8, leaves 36 cells out
		//	▓▓│    │▓▓
		//	▓▓└────┘▓▓
		//	▓▓▓▓▓▓▓▓▓▓
		{"hole", []orb.Polygon{{outer, hole}}, 640},
		// a hole is only its own polygon's: another polygon may fill it
		{"hole filled by another polygon", []orb.Polygon{{outer, hole}, {u.rect(2, 2, 8, 8)}}, 1000},
		{"hole drawn counter-clockwise", []orb.Polygon{{outer, u.rect(2, 2, 8, 8)}}, 640},
		{"two holes", []orb.Polygon{{outer, reversed(u.rect(1, 1, 3, 3)), reversed(u.rect(6, 6, 9, 9))}}, 1000 - 40 - 90},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := mustCompute(t, s, []Footprint{footprint("viettel", Mobile, "4G", tc.polys...)}, nil, DefaultOptions())
			if f := figure(t, res, Mobile, KindAll, "01"); f.Covered != tc.covered {
				t.Errorf("covered %v, want %v", f.Covered, tc.covered)
			}
		})
	}
}

// TestCalculator_CellCentreOnEdge checks that a centre exactly on a
// footprint's boundary counts as covered, wherever on the boundary it is.
func TestCalculator_CellCentreOnEdge(t *testing.T) {
	s := square(t)
	g := s.Grid()
	c := g.Centre // c(row, col): the centre of cell (row, col)
	ring := func(pts ...orb.Point) orb.Ring { return append(orb.Ring(pts), pts[0]) }
	far := 50 // cells: well outside the grid
	west, east := g.Lon0-float64(far)*g.DLon, g.Lon0+float64(far)*g.DLon
	south, north := g.Lat0-float64(far)*g.DLat, g.Lat0+float64(far)*g.DLat
	cases := []struct {
		name  string
		poly  orb.Polygon
		cells int
	}{
		//	· · · · · · · · · ·
		//	· · · ●─────● · · ·   corners on the centres of cells (2,3),
		//	· · · │ · · │ · · ·   (2,6), (5,6), (5,3): rows 2..5 × cols 3..6
		//	· · · ●─────● · · ·
		{"rectangle through centres", orb.Polygon{ring(c(2, 3), c(2, 6), c(5, 6), c(5, 3))}, 16},
		{"west edge on centres", orb.Polygon{ring(orb.Point{c(0, 4)[0], south}, orb.Point{east, south}, orb.Point{east, north}, orb.Point{c(0, 4)[0], north})}, 60},
		{"east edge on centres", orb.Polygon{ring(orb.Point{west, south}, orb.Point{c(0, 4)[0], south}, orb.Point{c(0, 4)[0], north}, orb.Point{west, north})}, 50},
		{"south edge on centres", orb.Polygon{ring(orb.Point{west, c(4, 0)[1]}, orb.Point{east, c(4, 0)[1]}, orb.Point{east, north}, orb.Point{west, north})}, 60},
		{"north edge on centres", orb.Polygon{ring(orb.Point{west, south}, orb.Point{east, south}, orb.Point{east, c(4, 0)[1]}, orb.Point{west, c(4, 0)[1]})}, 50},
		//	· · · · ● · · · ·   a thin spike whose apex is the centre of
		//	· · · · │ · · · ·   cell (7,5): column 5, rows 0..7
		//	· · · · │ · · · ·
		{"apex on a centre", orb.Polygon{ring(
			orb.Point{c(0, 5)[0] - 0.1*g.DLon, south}, orb.Point{c(0, 5)[0] + 0.1*g.DLon, south}, c(7, 5))}, 8},
		{"degenerate: a segment through centres", orb.Polygon{ring(c(3, 2), c(3, 7))}, 6},
		// the boundary of a hole is the footprint's boundary too: the
		// hole's corners on centres (2,2)…(7,7) leave only rows and
		// columns 3..6 uncovered
		{"hole edge on centres", orb.Polygon{
			ring(orb.Point{west, south}, orb.Point{east, south}, orb.Point{east, north}, orb.Point{west, north}),
			ring(c(2, 2), c(7, 2), c(7, 7), c(2, 7)),
		}, 100 - 16},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := mustCompute(t, s, []Footprint{footprint("viettel", Mobile, "4G", tc.poly)}, nil, DefaultOptions())
			if f := figure(t, res, Mobile, KindAll, "01"); f.Covered != float64(10*tc.cells) {
				t.Errorf("covered %v people, want %d cells = %d", f.Covered, tc.cells, 10*tc.cells)
			}
		})
	}
}

func TestCompute_ProvidersOverlap(t *testing.T) {
	s := square(t)
	u := gridUnits(s)
	strip := func(x0, x1 float64) orb.Polygon { return orb.Polygon{u.rect(x0, -1, x1, 11)} }
	cases := []struct {
		name              string
		fps               []Footprint
		all, multi        float64
		largest           string
		largestPeople     float64
		providers         map[string]float64
		technologies      map[string]float64
		provinceReachedAt float64 // share reached by "all"
	}{
		{
			//	0     3     6       10
			//	▓▓▓▓▓▓▓▓▓▓▓▓             a: 0..6, 600 people
			//	      ░░░░░░░░░░░░░░░░   b: 3..10, 700 people
			//	all 1,000 (not 1,300); largest b; multi 3..6: 300
			name: "two providers",
			fps: []Footprint{
				footprint("a", Mobile, "4G", strip(0, 6)),
				footprint("b", Mobile, "4G", strip(3, 10)),
			},
			all: 1000, multi: 300, largest: "b", largestPeople: 700,
			providers:    map[string]float64{"a": 600, "b": 700},
			technologies: map[string]float64{"3G": 0, "4G": 1000, "5G": 0},
		},
		{
			//	0     3     6       10
			//	▓▓▓▓▓▓▓▓▓▓▓▓             a: 0..6
			//	      ░░░░░░░░░░░░░░░░   b: 3..10
			//	▒▒▒▒▒▒                   c: 0..3, 3G
			//	two or more: 0..6
			name: "three providers",
			fps: []Footprint{
				footprint("a", Mobile, "4G", strip(0, 6)),
				footprint("b", Mobile, "4G", strip(3, 10)),
				footprint("c", Mobile, "3G", strip(0, 3)),
			},
			all: 1000, multi: 600, largest: "b", largestPeople: 700,
			providers:    map[string]float64{"a": 600, "b": 700, "c": 300},
			technologies: map[string]float64{"3G": 300, "4G": 1000, "5G": 0},
		},
		{
			name: "one provider, two technologies",
			fps: []Footprint{
				footprint("a", Mobile, "4G", strip(0, 6)),
				footprint("a", Mobile, "5G", strip(4, 8)),
			},
			all: 800, multi: 0, largest: "a", largestPeople: 800,
			providers:    map[string]float64{"a": 800},
			technologies: map[string]float64{"3G": 0, "4G": 600, "5G": 400},
		},
		{
			name: "equal providers: the first by name is largest",
			fps: []Footprint{
				footprint("b", Mobile, "4G", strip(5, 10)),
				footprint("a", Mobile, "4G", strip(0, 5)),
			},
			all: 1000, multi: 0, largest: "a", largestPeople: 500,
			providers:    map[string]float64{"a": 500, "b": 500},
			technologies: map[string]float64{"4G": 1000},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := mustCompute(t, s, tc.fps, nil, DefaultOptions())
			if f := figure(t, res, Mobile, KindAll, "01"); f.Covered != tc.all {
				t.Errorf("all: %v, want %v", f.Covered, tc.all)
			}
			if f := figure(t, res, Mobile, KindMulti, "01"); f.Covered != tc.multi {
				t.Errorf("multi: %v, want %v", f.Covered, tc.multi)
			}
			if b := breakdownOf(t, res, Mobile, KindLargest); b.Value != tc.largest || b.Province.Covered != tc.largestPeople {
				t.Errorf("largest: %s with %v, want %s with %v", b.Value, b.Province.Covered, tc.largest, tc.largestPeople)
			}
			for p, want := range tc.providers {
				if f := figure(t, res, Mobile, ProviderKey(p), "01"); f.Covered != want {
					t.Errorf("provider %s: %v, want %v", p, f.Covered, want)
				}
			}
			for tech, want := range tc.technologies {
				if f := figure(t, res, Mobile, TechnologyKey(tech), "01"); f.Covered != want {
					t.Errorf("technology %s: %v, want %v", tech, f.Covered, want)
				}
			}
		})
	}
}

func TestCompute_DeclarationWithFootprint(t *testing.T) {
	u := communeUnits()
	s := mustSurface(t, []Commune{
		commune("01", 1000, u.rect(0, 0, 10, 10)),
		commune("02", 3, u.rect(10, 0, 20, 10)),
	}, SurfaceOptions{})
	g := gridUnits(s)
	west40 := footprint("a", Broadband, "FTTH", orb.Polygon{g.rect(0, -1, 4, 11)})
	decl := func(provider, tech, code string, share float64) Declaration {
		return Declaration{Provider: provider, Layer: Broadband, Technology: tech, CommuneCode: code, Share: share}
	}
	cases := []struct {
		name      string
		fps       []Footprint
		decls     []Declaration
		code      string
		key       string
		covered   float64
		share     float64
		status    Status
		ignored   int
		unused    int
		providers int
	}{
		{name: "footprint only", fps: []Footprint{west40}, code: "01", key: KindAll, covered: 400, share: 0.4, status: StatusNone},
		{name: "declaration above footprint", fps: []Footprint{west40}, decls: []Declaration{decl("a", "FTTH", "01", 0.7)},
			code: "01", key: KindAll, covered: 700, share: 0.7, status: StatusPartial},
		{name: "declaration below footprint", fps: []Footprint{west40}, decls: []Declaration{decl("a", "FTTH", "01", 0.3)},
			code: "01", key: KindAll, covered: 400, share: 0.4, status: StatusNone},
		{name: "declarations of two providers: the larger, not the sum", decls: []Declaration{decl("a", "FTTH", "01", 0.5), decl("b", "xDSL", "01", 0.4)},
			code: "01", key: KindAll, covered: 500, share: 0.5, status: StatusPartial},
		{name: "one provider's declaration beside another's footprint", fps: []Footprint{west40}, decls: []Declaration{decl("b", "xDSL", "01", 0.6)},
			code: "01", key: ProviderKey("a"), covered: 400, share: 0.4, status: StatusNone},
		{name: "declared share exactly at the threshold is covered", decls: []Declaration{decl("a", "FTTH", "02", 0.95)},
			code: "02", key: KindAll, covered: 0.95 * 3, share: 0.95, status: StatusCovered},
		{name: "technology breakdown", fps: []Footprint{west40}, decls: []Declaration{decl("b", "xDSL", "01", 0.6)},
			code: "01", key: TechnologyKey("xDSL"), covered: 600, share: 0.6, status: StatusPartial},
		{name: "unknown commune is ignored and counted", decls: []Declaration{decl("a", "FTTH", "99", 1)},
			code: "01", key: KindAll, status: StatusNone, ignored: 1},
		{name: "unknown technology is unused", decls: []Declaration{decl("a", "carrier pigeon", "01", 1)},
			code: "01", key: KindAll, status: StatusNone, unused: 1},
		{name: "technology names match case-insensitively", decls: []Declaration{decl("a", "ftth", "01", 1)},
			code: "01", key: TechnologyKey("FTTH"), covered: 1000, share: 1, status: StatusCovered},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := mustCompute(t, s, tc.fps, tc.decls, DefaultOptions())
			f := figure(t, res, Broadband, tc.key, tc.code)
			if !near(f.Covered, tc.covered) || f.Share != tc.share || f.Status != tc.status {
				t.Errorf("got %+v, want %v people, share %v, %s", f, tc.covered, tc.share, tc.status)
			}
			if res.Ignored != tc.ignored || res.Unused != tc.unused {
				t.Errorf("ignored %d, unused %d; want %d, %d", res.Ignored, res.Unused, tc.ignored, tc.unused)
			}
		})
	}
}

func TestCompute_BroadcastCentralAndLocal(t *testing.T) {
	s := square(t)
	u := gridUnits(s)
	strip := func(x0, x1 float64) orb.MultiPolygon { return orb.MultiPolygon{{u.rect(x0, -1, x1, 11)}} }
	fp := func(provider, tech, programme, service string, g orb.MultiPolygon) Footprint {
		return Footprint{Provider: provider, Layer: Broadcast, Technology: tech, Programme: programme, Service: service, Geometry: g}
	}
	decl := func(provider, programme string, share float64) Declaration {
		return Declaration{Provider: provider, Layer: Broadcast, Technology: "DVB-T2", Programme: programme, Service: "tv", CommuneCode: "01", Share: share}
	}
	cases := []struct {
		name   string
		fps    []Footprint
		decls  []Declaration
		key    string
		people float64
	}{
		{
			//	0       4   6       10
			//	▓▓▓▓▓▓▓▓▓▓▓▓             central TV: 0..6
			//	        ░░░░░░░░░░░░░░   local radio: 4..10
			//	both: 4..6, 200 people
			name: "central and local footprints overlap",
			fps:  []Footprint{fp("vtv", "DVB-T2", "central", "tv", strip(0, 6)), fp("hbtv", "FM", "local", "radio", strip(4, 10))},
			key:  KindAll, people: 200,
		},
		{name: "central only is not covered", fps: []Footprint{fp("vtv", "DVB-T2", "central", "tv", strip(0, 10))}, key: KindAll},
		{
			name: "central by TV or radio",
			fps: []Footprint{fp("vtv", "DVB-T2", "central", "tv", strip(0, 3)), fp("vov", "FM", "central", "radio", strip(3, 6)),
				fp("hbtv", "FM", "local", "radio", strip(0, 10))},
			key: KindAll, people: 600,
		},
		{name: "declarations: the smaller of central and local", decls: []Declaration{decl("vtv", "central", 0.8), decl("hbtv", "local", 0.6)}, key: KindAll, people: 600},
		{name: "central footprint, local declaration", fps: []Footprint{fp("vtv", "DVB-T2", "central", "tv", strip(0, 6))},
			decls: []Declaration{decl("hbtv", "local", 0.5)}, key: KindAll, people: 500},
		{name: "programme breakdown", fps: []Footprint{fp("vtv", "DVB-T2", "central", "tv", strip(0, 6))},
			decls: []Declaration{decl("hbtv", "local", 0.5)}, key: ProgrammeKey("central"), people: 600},
		{name: "a provider carrying both", fps: []Footprint{fp("cab", "cable", "central", "tv", strip(0, 7)), fp("cab", "cable", "local", "tv", strip(2, 10))},
			key: ProviderKey("cab"), people: 500},
		{name: "technology breakdown applies the rule within the technology",
			fps: []Footprint{fp("vtv", "DVB-T2", "central", "tv", strip(0, 10)), fp("hbtv", "FM", "local", "radio", strip(0, 10))},
			key: TechnologyKey("DVB-T2"), people: 0},
		{
			//	p: central 0..10, local 0..10     q: central 0..10, local 0..5
			//	central from two providers everywhere, local from two in 0..5
			name: "multi: central and local each from two or more",
			fps: []Footprint{fp("p", "DVB-T2", "central", "tv", strip(0, 10)), fp("p", "DVB-T2", "local", "tv", strip(0, 10)),
				fp("q", "DVB-T2", "central", "tv", strip(0, 10)), fp("q", "FM", "local", "radio", strip(0, 5))},
			key: KindMulti, people: 500,
		},
		{name: "unknown programme is unused", fps: []Footprint{fp("x", "DVB-T2", "regional", "tv", strip(0, 10))}, key: KindAll},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := mustCompute(t, s, tc.fps, tc.decls, DefaultOptions())
			if f := figure(t, res, Broadcast, tc.key, "01"); !near(f.Covered, tc.people) {
				t.Errorf("%s: %v people, want %v", tc.key, f.Covered, tc.people)
			}
		})
	}
}

func TestCompute_PhoneFromMobile(t *testing.T) {
	s := square(t)
	u := gridUnits(s)
	all := orb.Polygon{u.rect(-1, -1, 11, 11)}
	west := orb.Polygon{u.rect(-1, -1, 5, 11)}
	speed := func(f Footprint, mbps float64) Footprint { f.MinDownMbps = mbps; return f }
	cases := []struct {
		name          string
		fps           []Footprint
		decls         []Declaration
		minMbps       float64
		phone, mobile float64
		phoneTech     string
		phoneTechPpl  float64
	}{
		{name: "2G counts for phone, not mobile broadband", fps: []Footprint{footprint("a", Mobile, "2G", all)}, phone: 1000, mobile: 0, phoneTech: "2G", phoneTechPpl: 1000},
		{name: "4G counts for both", fps: []Footprint{footprint("a", Mobile, "4G", west)}, phone: 500, mobile: 500, phoneTech: "4G", phoneTechPpl: 500},
		{name: "fixed line with mobile voice", fps: []Footprint{footprint("a", Mobile, "2G", west)},
			decls: []Declaration{{Provider: "vnpt", Layer: Phone, Technology: "fixed_line", CommuneCode: "01", Share: 0.7}},
			phone: 700, mobile: 0, phoneTech: "fixed_line", phoneTechPpl: 700},
		{name: "too slow for mobile broadband, still a phone", fps: []Footprint{speed(footprint("a", Mobile, "4G", all), 5)}, minMbps: 10,
			phone: 1000, mobile: 0, phoneTech: "4G", phoneTechPpl: 1000},
		{name: "fast enough", fps: []Footprint{speed(footprint("a", Mobile, "4G", all), 20)}, minMbps: 10, phone: 1000, mobile: 1000, phoneTech: "4G", phoneTechPpl: 1000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opt := DefaultOptions()
			opt.MobileMinDownMbps = tc.minMbps
			res := mustCompute(t, s, tc.fps, tc.decls, opt)
			if f := figure(t, res, Phone, KindAll, "01"); f.Covered != tc.phone {
				t.Errorf("phone %v, want %v", f.Covered, tc.phone)
			}
			if f := figure(t, res, Mobile, KindAll, "01"); f.Covered != tc.mobile {
				t.Errorf("mobile %v, want %v", f.Covered, tc.mobile)
			}
			if f := figure(t, res, Phone, TechnologyKey(tc.phoneTech), "01"); f.Covered != tc.phoneTechPpl {
				t.Errorf("phone %s %v, want %v", tc.phoneTech, f.Covered, tc.phoneTechPpl)
			}
			if f := figure(t, res, Broadband, KindAll, "01"); f.Covered != 0 {
				t.Errorf("broadband %v, want 0", f.Covered)
			}
		})
	}
}

func TestCompute_MultiWithDeclarations(t *testing.T) {
	s := square(t)
	u := gridUnits(s)
	west, east := orb.Polygon{u.rect(-1, -1, 5, 11)}, orb.Polygon{u.rect(5, -1, 11, 11)}
	decl := func(p string, share float64) Declaration {
		return Declaration{Provider: p, Layer: Mobile, Technology: "4G", CommuneCode: "01", Share: share}
	}
	cases := []struct {
		name  string
		fps   []Footprint
		decls []Declaration
		multi float64
	}{
		// with declarations only, the providers are taken as nested:
		// the second largest is covered by two
		{name: "declarations only", decls: []Declaration{decl("a", 0.8), decl("b", 0.6), decl("c", 0.3)}, multi: 600},
		// footprints that do not overlap are known not to overlap
		{name: "disjoint footprints", fps: []Footprint{footprint("a", Mobile, "4G", west), footprint("b", Mobile, "4G", east)}, multi: 0},
		{name: "footprint and declaration", fps: []Footprint{footprint("a", Mobile, "4G", west)}, decls: []Declaration{decl("b", 0.3)}, multi: 300},
		{name: "declaration larger than the other's footprint", fps: []Footprint{footprint("a", Mobile, "4G", west)}, decls: []Declaration{decl("b", 0.9)}, multi: 500},
		{name: "declaration below its own footprint does not decide", fps: []Footprint{footprint("a", Mobile, "4G", west), footprint("b", Mobile, "4G", east)},
			decls: []Declaration{decl("b", 0.2)}, multi: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := mustCompute(t, s, tc.fps, tc.decls, DefaultOptions())
			if f := figure(t, res, Mobile, KindMulti, "01"); !near(f.Covered, tc.multi) {
				t.Errorf("multi %v, want %v", f.Covered, tc.multi)
			}
		})
	}
}

// rollupCase is three communes in two districts, covered 100%, 60% and 0%
// by one footprint:
//
//	0      10     20     30
//	┌──────┬──────┬──────┐
//	│ 01   │ 02   │ 03   │   01, 02 in district 001; 03 in 002
//	│ 100% │ 60%  │ 0%   │   1,000, 500 and 200 people
//	└──────┴──────┴──────┘
func rollupCase(t *testing.T) (*Surface, *Result, *Breakdown) {
	t.Helper()
	u := communeUnits()
	cs := []Commune{
		commune("01", 1000, u.rect(0, 0, 10, 10)),
		commune("02", 500, u.rect(10, 0, 20, 10)),
		commune("03", 200, u.rect(20, 0, 30, 10)),
	}
	cs[2].DistrictCode, cs[2].District = "002", "Huyện Hai"
	s := mustSurface(t, cs, SurfaceOptions{})
	g := gridUnits(s)
	res := mustCompute(t, s, []Footprint{footprint("a", Mobile, "4G", orb.Polygon{g.rect(-1, -1, 16, 11)})}, nil, DefaultOptions())
	return s, res, breakdownOf(t, res, Mobile, KindAll)
}

func TestCompute_Rollups(t *testing.T) {
	s, res, b := rollupCase(t)
	cs := s.Communes()
	want := []Rollup{
		{Code: "001", Name: "Huyện Một", Population: 1500, Covered: 1300, Share: 1300.0 / 1500, Communes: 2,
			CommunesCovered: 1, CommunesPartial: 1, CommunesReached: 1, ShareReached: 0.5, ReachedThreshold: 0.95},
		{Code: "002", Name: "Huyện Hai", Population: 200, Communes: 1, CommunesNone: 1, ReachedThreshold: 0.95},
	}
	if !reflect.DeepEqual(b.Districts, want) {
		t.Errorf("districts\n got %+v\nwant %+v", b.Districts, want)
	}
	wantProvince := Rollup{Population: 1700, Covered: 1300, Share: 1300.0 / 1700, Communes: 3,
		CommunesCovered: 1, CommunesPartial: 1, CommunesNone: 1, CommunesReached: 1, ShareReached: 1.0 / 3, ReachedThreshold: 0.95}
	if b.Province != wantProvince {
		t.Errorf("province\n got %+v\nwant %+v", b.Province, wantProvince)
	}
	for i, f := range b.Communes {
		if f.Code != cs[i].Code {
			t.Errorf("commune %d is %s, want the surface's order (%s)", i, f.Code, cs[i].Code)
		}
	}
	if res.Method.Name != MethodName || res.Method.CellSizeM != testCellM || res.Method.Rules["combine"] == "" {
		t.Errorf("method %+v", res.Method)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Error(err)
	}
	// With the mobile layer's reached threshold at 50%, the partial
	// commune 02 is reached too; the status rule does not change, and
	// other layers keep the covered threshold.
	opt := DefaultOptions()
	opt.Reached = map[Layer]float64{Mobile: 0.5}
	res50 := mustCompute(t, s, []Footprint{footprint("a", Mobile, "4G", orb.Polygon{gridUnits(s).rect(-1, -1, 16, 11)})}, nil, opt)
	p50 := breakdownOf(t, res50, Mobile, KindAll).Province
	if p50.CommunesReached != 2 || p50.ReachedThreshold != 0.5 || p50.CommunesCovered != 1 || p50.CommunesPartial != 1 {
		t.Errorf("reached at 50%%: %+v", p50)
	}
	if ph := breakdownOf(t, res50, Phone, KindAll).Province; ph.ReachedThreshold != 0.95 || ph.CommunesReached != 1 {
		t.Errorf("phone keeps the covered threshold: %+v", ph)
	}
	if res50.Method.ReachedThresholds[Mobile] != 0.5 || res50.Method.ReachedThresholds[Broadband] != 0.95 {
		t.Errorf("method's reached thresholds %v", res50.Method.ReachedThresholds)
	}
}

func TestCompute_Empty(t *testing.T) {
	u := communeUnits()
	cases := []struct {
		name     string
		communes []Commune
	}{
		{"no communes", nil},
		{"communes, no items", []Commune{commune("01", 1000, u.rect(0, 0, 10, 10))}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSurface(t, tc.communes, SurfaceOptions{})
			res := mustCompute(t, s, nil, nil, DefaultOptions())
			if len(res.Layers) != len(Layers) {
				t.Fatalf("%d layers, want %d", len(res.Layers), len(Layers))
			}
			for i, lr := range res.Layers {
				if lr.Layer != Layers[i] {
					t.Errorf("layer %d is %s, want %s", i, lr.Layer, Layers[i])
				}
				for _, key := range []string{KindAll, KindLargest, KindMulti} {
					b := lr.Breakdown(key)
					if b == nil {
						t.Fatalf("%s: no %s", lr.Layer, key)
					}
					if b.Province.Covered != 0 || b.Province.Communes != len(tc.communes) || len(b.Communes) != len(tc.communes) {
						t.Errorf("%s %s: %+v", lr.Layer, key, b.Province)
					}
					for _, f := range b.Communes {
						if f.Status != StatusNone {
							t.Errorf("%s %s: %+v", lr.Layer, key, f)
						}
					}
				}
			}
		})
	}
}

func TestCompute_Errors(t *testing.T) {
	s := square(t)
	u := gridUnits(s)
	bad := DefaultOptions()
	bad.PartialThreshold = 0.99
	cases := []struct {
		name  string
		fps   []Footprint
		decls []Declaration
		opt   Options
		want  error
	}{
		{name: "zero options", opt: Options{}, want: ErrInvalidInput},
		{name: "partial above covered", opt: bad, want: ErrInvalidInput},
		{name: "share above 1", decls: []Declaration{{Provider: "a", Layer: Mobile, Technology: "4G", CommuneCode: "01", Share: 1.5}}, opt: DefaultOptions(), want: ErrInvalidInput},
		{name: "share NaN", decls: []Declaration{{Provider: "a", Layer: Mobile, Technology: "4G", CommuneCode: "01", Share: math.NaN()}}, opt: DefaultOptions(), want: ErrInvalidInput},
		{name: "latitude out of range", fps: []Footprint{footprint("a", Mobile, "4G", orb.Polygon{{u.pt(0, 0), {105, 91}, u.pt(5, 5)}})}, opt: DefaultOptions(), want: ErrInvalidGeometry},
		{name: "NaN coordinate", fps: []Footprint{footprint("a", Mobile, "4G", orb.Polygon{{u.pt(0, 0), {math.NaN(), 20}, u.pt(5, 5)}})}, opt: DefaultOptions(), want: ErrInvalidGeometry},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.Compute(tc.fps, tc.decls, tc.opt); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}

// TestCompute_Concurrent runs what-if style computations side by side on
// one surface; run with -race.
func TestCompute_Concurrent(t *testing.T) {
	s := square(t)
	u := gridUnits(s)
	want := make([]*Result, 8)
	fps := func(i int) []Footprint {
		return []Footprint{
			footprint("a", Mobile, "4G", orb.Polygon{u.rect(0, 0, float64(i+1), 10)}),
			footprint("b", Mobile, "3G", orb.Polygon{u.rect(float64(i), 0, 10, 10)}),
		}
	}
	for i := range want {
		want[i] = mustCompute(t, s, fps(i), nil, DefaultOptions())
	}
	var wg sync.WaitGroup
	for range 4 {
		for i := range want {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := s.Compute(fps(i), nil, DefaultOptions())
				if err != nil {
					t.Error(err)
					return
				}
				if !reflect.DeepEqual(got, want[i]) {
					t.Errorf("run %d differs when concurrent", i)
				}
			}()
		}
	}
	wg.Wait()
}
