package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// peopleMap computes fps and decls on s and returns layer l's people map
// with the province rollup it must agree with.
func peopleMap(t *testing.T, s *Surface, fps []Footprint, decls []Declaration, l Layer, squareM float64) (*PeopleMap, Rollup) {
	t.Helper()
	res, base, err := s.ComputeBase(fps, decls, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	m, err := base.PeopleMap(l, squareM)
	if err != nil {
		t.Fatal(err)
	}
	prov := res.Layer(l).Breakdown(KindAll).Province
	if m.People != prov.Population || math.Abs(m.Uncovered-(float64(prov.Population)-prov.Covered)) > 1e-6 {
		t.Errorf("map: %d people, %.4f uncovered; province: %d people, %.4f covered", m.People, m.Uncovered, prov.Population, prov.Covered)
	}
	var people, whole int
	var uncovered float64
	for _, sq := range m.Squares {
		people += sq.People
		uncovered += sq.Uncovered
		whole += sq.UncoveredWhole
		if math.Abs(float64(sq.UncoveredWhole)-sq.Uncovered) >= 1 || sq.UncoveredWhole > sq.People {
			t.Errorf("square %d,%d: %d whole uncovered for %v of %d", sq.Row, sq.Col, sq.UncoveredWhole, sq.Uncovered, sq.People)
		}
		if sq.Uncovered < 0 || sq.Uncovered > float64(sq.People)+1e-9 {
			t.Errorf("square %d,%d: %v uncovered of %d", sq.Row, sq.Col, sq.Uncovered, sq.People)
		}
	}
	if whole != int(math.Round(m.Uncovered)) {
		t.Errorf("squares hold %d whole uncovered people, total %v", whole, m.Uncovered)
	}
	if people != m.People || math.Abs(uncovered-m.Uncovered) > 1e-6 {
		t.Errorf("squares hold %d people, %.4f uncovered; totals %d, %.4f", people, uncovered, m.People, m.Uncovered)
	}
	return m, prov
}

func TestPeopleMap_FootprintsAndDeclarations(t *testing.T) {
	u := communeUnits()
	// 01 is 10 × 10 cells with a village pixel in its north-east quarter;
	// 02 east of it is spread evenly.
	cs := []Commune{commune("01", 1000, u.rect(0, 0, 10, 10)), commune("02", 400, u.rect(10, 0, 20, 10))}
	grid := unitGrid(u, 5, 2, 4, 0, 9, 1, 1, 0, 0, 1, 1)
	s := mustSurface(t, cs, SurfaceOptions{Grid: grid})
	g := gridUnits(s)
	west := footprint("a", Mobile, "4G", orb.Polygon{g.rect(-1, -1, 5, 11)})

	m, _ := peopleMap(t, s, []Footprint{west}, nil, Mobile, 5*testCellM)
	if m.Size != 5 || len(m.Squares) != 5 { // 01's empty pixels hold no square
		t.Fatalf("size %d, %d squares", m.Size, len(m.Squares))
	}
	// 01's people are all in its north-east pixel, which the western
	// footprint misses: all 1000 uncovered there.
	for _, sq := range m.Squares {
		want := 0.0
		switch {
		case sq.Col == 1 && sq.Row == 1:
			want = 1000
		case sq.Col >= 2:
			want = 100
		}
		if math.Abs(sq.Uncovered-want) > 1e-9 {
			t.Errorf("square row %d col %d: %v uncovered, want %v", sq.Row, sq.Col, sq.Uncovered, want)
		}
	}

	// A declaration of 80% of 02 with no footprint there: the 80 people
	// left uncovered stay where the surface puts them, scaled down.
	decl := Declaration{Provider: "b", Layer: Mobile, Technology: "4G", CommuneCode: "02", Share: 0.8}
	m, prov := peopleMap(t, s, []Footprint{west}, []Declaration{decl}, Mobile, 5*testCellM)
	if want := 1000 + 0.2*400; math.Abs(m.Uncovered-want) > 1e-9 || prov.Covered != 400-80+0 {
		t.Errorf("uncovered %v, want %v; province %+v", m.Uncovered, want, prov)
	}
	for _, sq := range m.Squares {
		if sq.Col >= 2 && math.Abs(sq.Uncovered-20) > 1e-9 {
			t.Errorf("square row %d col %d of 02: %v uncovered, want 20", sq.Row, sq.Col, sq.Uncovered)
		}
	}

	// Broadcast needs both programmes: a central footprint alone leaves
	// everyone uncovered.
	central := Footprint{Provider: "vtv", Layer: Broadcast, Technology: "DVB-T2", Programme: "central", Service: "tv",
		Geometry: orb.MultiPolygon{{g.rect(-1, -1, 21, 11)}}}
	if m, _ := peopleMap(t, s, []Footprint{central}, nil, Broadcast, 1000); m.Uncovered != 1400 {
		t.Errorf("broadcast, central only: %v uncovered, want 1400", m.Uncovered)
	}
}

func TestPeopleMap_Clusters(t *testing.T) {
	u := communeUnits()
	// Two villages far apart in one commune, 3 : 1, and nothing between.
	cs := []Commune{commune("01", 4000, u.rect(0, 0, 40, 10))}
	vals := make([]float32, 2*8)
	vals[8+1], vals[8+6] = 3, 1 // bottom row, pixels 1 and 6
	s := mustSurface(t, cs, SurfaceOptions{Grid: unitGrid(u, 5, 2, 8, vals...)})
	m, _ := peopleMap(t, s, nil, nil, Mobile, 5*testCellM)
	cl := m.Clusters(1, 0)
	if len(cl) != 2 {
		t.Fatalf("%d clusters, want 2: %+v", len(cl), cl)
	}
	if cl[0].Uncovered != 3000 || cl[1].Uncovered != 1000 || cl[0].Squares != 1 || cl[0].Communes[0].Commune != 0 {
		t.Errorf("clusters %+v", cl)
	}
	if c := s.Grid().Centre(2, 7); !(cl[0].West < c[0] && c[0] < cl[0].East && cl[0].South < c[1] && c[1] < cl[0].North) {
		t.Errorf("cluster 1 %+v does not hold the village pixel's cell %v", cl[0], c)
	}
	if got := m.Clusters(1, 1); len(got) != 1 {
		t.Errorf("limit 1: %d clusters", len(got))
	}
	if _, err := (&Base{}).PeopleMap("roads", 1000); err == nil {
		t.Error("unknown layer accepted")
	}
}
