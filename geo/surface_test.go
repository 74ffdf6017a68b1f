package geo

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// cellsOf collects a commune's cells and people.
func cellsOf(s *Surface, i int) (cells map[[2]int]int, people int) {
	cells = map[[2]int]int{}
	for c := range s.Cells(i) {
		cells[[2]int{c.Row, c.Col}] += c.People
		people += c.People
	}
	return cells, people
}

// checkConserved fails unless every commune's cells hold exactly its
// population and no cell is owned twice (a commune placed in a shared cell
// aside).
func checkConserved(t *testing.T, s *Surface) {
	t.Helper()
	owner := map[[2]int]string{}
	sum := 0
	for i, c := range s.Communes() {
		cells, people := cellsOf(s, i)
		if people != c.Population {
			t.Errorf("commune %s: cells hold %d people, census %d", c.Code, people, c.Population)
		}
		sum += people
		if s.cells[i].shared {
			continue
		}
		for k := range cells {
			if o, dup := owner[k]; dup {
				t.Errorf("cell %v owned by %s and %s", k, o, c.Code)
			}
			owner[k] = c.Code
		}
	}
	if sum != s.Total() {
		t.Errorf("cells hold %d people, Total %d", sum, s.Total())
	}
}

func TestNewSurface_OverlapsAndGaps(t *testing.T) {
	u := communeUnits()
	//	0     4  6       10  12   15
	//	┌─────┬──┬────────┐   ┌───┐
	//	│ 02  │▒▒│   01   │   │03 │   02: 0..6, 01: 4..10 overlap in 4..6,
	//	│     │▒▒│        │   │   │   which goes to 01, the smaller code;
	//	└─────┴──┴────────┘   └───┘   10..12 is in no commune
	cs := []Commune{
		commune("02", 1000, u.rect(0, 0, 6, 10)),
		commune("01", 999, u.rect(4, 0, 10, 10)),
		commune("03", 7, u.rect(12, 0, 15, 10)),
	}
	s := mustSurface(t, cs, SurfaceOptions{})
	checkConserved(t, s)
	wantCells := map[string]int{"02": 40, "01": 60, "03": 30}
	for i, c := range s.Communes() {
		if cells, _ := cellsOf(s, i); len(cells) != wantCells[c.Code] {
			t.Errorf("commune %s has %d cells, want %d", c.Code, len(cells), wantCells[c.Code])
		}
	}
	if s.Total() != 2006 {
		t.Errorf("total %d, want 2006", s.Total())
	}
	res := mustCompute(t, s, []Footprint{footprint("a", Mobile, "4G", orb.Polygon{gridUnits(s).rect(-1, -1, 20, 11)})}, nil, DefaultOptions())
	if p := breakdownOf(t, res, Mobile, KindAll).Province; p.Covered != 2006 || p.Share != 1 {
		t.Errorf("everything covered: %+v", p)
	}
}

func TestNewSurface_EvenSpread(t *testing.T) {
	u := communeUnits()
	cases := []struct {
		name     string
		pop      int
		min, max int // people per cell
	}{
		{"divides evenly", 1000, 10, 10},
		{"remainder spread", 1001, 10, 11},
		{"fewer people than cells", 7, 0, 1},
		{"nobody", 0, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSurface(t, []Commune{commune("01", tc.pop, u.rect(0, 0, 10, 10))}, SurfaceOptions{})
			checkConserved(t, s)
			for c := range s.Cells(0) {
				if c.People < tc.min || c.People > tc.max {
					t.Errorf("cell %d,%d holds %d, want %d..%d", c.Row, c.Col, c.People, tc.min, tc.max)
				}
			}
		})
	}
}

func TestNewSurface_CommuneWithoutCell(t *testing.T) {
	u := communeUnits()
	big := commune("01", 1000, u.rect(0, 0, 10, 10))
	//	┌──────────────┐
	//	│   ┌─┐        │   "02" lies inside cell (3,3) of "01" and
	//	│   └─┘        │   contains no cell centre
	//	└──────────────┘
	tiny := commune("02", 50, u.rect(3.1, 3.1, 3.4, 3.4))
	// "00" is the same square as "01" with a smaller code and takes all its
	// cells: "01" is left with none and is placed at its point.
	twin := commune("00", 300, u.rect(0, 0, 10, 10))
	withPoint := big
	withPoint.Point = u.pt(7.5, 8.5)
	noShape := Commune{Code: "03", Population: 20, Point: u.pt(1.5, 1.5)}
	cases := []struct {
		name     string
		communes []Commune
		code     string
		cell     [2]int // row, col
	}{
		{"smaller than a cell", []Commune{big, tiny}, "02", [2]int{3, 3}},
		{"all cells taken, placed at the centroid", []Commune{big, twin}, "01", [2]int{5, 5}},
		{"all cells taken, placed at its point", []Commune{withPoint, twin}, "01", [2]int{8, 7}},
		{"no polygon, only a point", []Commune{big, noShape}, "03", [2]int{1, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSurface(t, tc.communes, SurfaceOptions{})
			checkConserved(t, s)
			i, _ := s.Index(tc.code)
			cells, people := cellsOf(s, i)
			if len(cells) != 1 || cells[tc.cell] != people {
				t.Fatalf("cells %v, want all %d people in %v", cells, people, tc.cell)
			}
			if s.Stats().SharedCells != 1 {
				t.Errorf("stats %+v", s.Stats())
			}
			// covering only that cell covers the whole commune
			g := gridUnits(s)
			r, c := float64(tc.cell[0]), float64(tc.cell[1])
			res := mustCompute(t, s, []Footprint{footprint("a", Mobile, "4G", orb.Polygon{g.rect(c+0.2, r+0.2, c+0.8, r+0.8)})}, nil, DefaultOptions())
			if f := figure(t, res, Mobile, KindAll, tc.code); f.Share != 1 {
				t.Errorf("%+v, want covered whole", f)
			}
		})
	}
}

func TestNewSurface_Weighted(t *testing.T) {
	u := communeUnits()
	at := func(x, y, w float64) WeightPoint {
		p := u.pt(x, y)
		return WeightPoint{Lon: p[0], Lat: p[1], Weight: w}
	}
	cases := []struct {
		name    string
		pop     int
		weights []WeightPoint
		want    map[[2]int]int // people by cell; nil: even
		west    float64        // people in the west half, x < 5
	}{
		{
			//	┌──────────┐
			//	│       ●3 │   villages of weight 1 at cell (1,1) and 3 at
			//	│ ●1       │   cell (8,8): 250 and 750 people
			//	└──────────┘
			name: "two villages", pop: 1000,
			weights: []WeightPoint{at(1.5, 1.5, 1), at(8.5, 8.5, 3)},
			want:    map[[2]int]int{{1, 1}: 250, {8, 8}: 750}, west: 250,
		},
		{
			name: "rescaled in whole people", pop: 1001,
			weights: []WeightPoint{at(0.5, 0.5, 1), at(1.5, 0.5, 1), at(2.5, 0.5, 1)},
			want:    map[[2]int]int{{0, 0}: 333, {0, 1}: 334, {0, 2}: 334}, west: 1001,
		},
		{
			name: "points in one cell add up", pop: 100,
			weights: []WeightPoint{at(6.2, 6.2, 1), at(6.7, 6.7, 1), at(2.5, 2.5, 2)},
			want:    map[[2]int]int{{6, 6}: 50, {2, 2}: 50}, west: 50,
		},
		{name: "weights outside the commune: even", pop: 1000, weights: []WeightPoint{at(50, 50, 1)}, west: 500},
		{name: "zero weights: even", pop: 1000, weights: []WeightPoint{at(1.5, 1.5, 0)}, west: 500},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs := []Commune{commune("01", tc.pop, u.rect(0, 0, 10, 10)), commune("02", 10, u.rect(10, 0, 20, 10))}
			// "02" has no weights and stays even
			s := mustSurface(t, cs, SurfaceOptions{Weights: tc.weights})
			checkConserved(t, s)
			cells, _ := cellsOf(s, 0)
			if tc.want != nil {
				for k, v := range cells {
					if v != tc.want[k] {
						t.Errorf("cell %v holds %d, want %d", k, v, tc.want[k])
					}
				}
				if !s.Weighted() {
					t.Error("not weighted")
				}
			}
			res := mustCompute(t, s, []Footprint{footprint("a", Mobile, "4G", orb.Polygon{gridUnits(s).rect(-1, -1, 5, 11)})}, nil, DefaultOptions())
			if f := figure(t, res, Mobile, KindAll, "01"); f.Covered != tc.west {
				t.Errorf("west half: %v people, want %v", f.Covered, tc.west)
			}
			if f := figure(t, res, Mobile, KindAll, "02"); f.Covered != 0 {
				t.Errorf("02: %v people, want 0", f.Covered)
			}
		})
	}
}

func TestNewSurface_ZeroPopulationShare(t *testing.T) {
	u := communeUnits()
	s := mustSurface(t, []Commune{commune("01", 0, u.rect(0, 0, 10, 10))}, SurfaceOptions{})
	res := mustCompute(t, s, []Footprint{footprint("a", Mobile, "4G", orb.Polygon{gridUnits(s).rect(-1, -1, 7, 11)})}, nil, DefaultOptions())
	if f := figure(t, res, Mobile, KindAll, "01"); f.Covered != 0 || f.Share != 0.7 || f.Status != StatusPartial {
		t.Errorf("%+v, want 0 people, share of cells 0.7, partial", f)
	}
}

func TestNewSurface_Errors(t *testing.T) {
	u := communeUnits()
	ok := commune("01", 10, u.rect(0, 0, 10, 10))
	cases := []struct {
		name     string
		communes []Commune
		opt      SurfaceOptions
		want     error
	}{
		{"duplicate code", []Commune{ok, ok}, SurfaceOptions{}, ErrInvalidInput},
		{"empty code", []Commune{commune("", 10, u.rect(0, 0, 1, 1))}, SurfaceOptions{}, ErrInvalidInput},
		{"negative population", []Commune{commune("01", -1, u.rect(0, 0, 1, 1))}, SurfaceOptions{}, ErrInvalidInput},
		{"cell size", []Commune{ok}, SurfaceOptions{CellSizeM: -5}, ErrInvalidInput},
		{"grid too large", []Commune{commune("01", 10, orb.Ring{{-170, -60}, {170, -60}, {170, 60}, {-170, 60}})}, SurfaceOptions{CellSizeM: 1}, ErrInvalidInput},
		{"latitude 95", []Commune{commune("01", 10, orb.Ring{{105, 20}, {105, 95}, {106, 20}})}, SurfaceOptions{}, ErrInvalidGeometry},
		{"nowhere to place", []Commune{ok, {Code: "02", Population: 5}}, SurfaceOptions{}, ErrInvalidGeometry},
		{"negative weight", []Commune{ok}, SurfaceOptions{Weights: []WeightPoint{{105, 20, -1}}}, ErrInvalidInput},
		{"NaN weight", []Commune{ok}, SurfaceOptions{Weights: []WeightPoint{{105, 20, math.NaN()}}}, ErrInvalidInput},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewSurface(tc.communes, tc.opt); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestNewSurface_Empty(t *testing.T) {
	s, err := NewSurface(nil, SurfaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Total() != 0 || len(s.Communes()) != 0 || s.Grid().CellSizeM != DefaultCellSizeM {
		t.Errorf("empty surface: total %d, grid %+v", s.Total(), s.Grid())
	}
}

func TestGrid_DegreesPerCell(t *testing.T) {
	u := communeUnits()
	s := mustSurface(t, []Commune{commune("01", 1, u.rect(0, 0, 10, 10))}, SurfaceOptions{})
	g := s.Grid()
	wantLat := (u.pt(0, 0)[1] + u.pt(0, 10)[1]) / 2
	if g.LatRef != wantLat || g.DLat != testCellM/110574 || g.DLon != testCellM/(111320*math.Cos(wantLat*math.Pi/180)) {
		t.Errorf("grid %+v", g)
	}
	if g.Rows < 10 || g.Rows > 11 || g.Cols < 10 || g.Cols > 11 {
		t.Errorf("grid %d × %d, want 10 × 10 (or one more by rounding)", g.Rows, g.Cols)
	}
	for _, p := range []orb.Point{g.Centre(0, 0), g.Centre(9, 9)} {
		if r, c, ok := g.Cell(p); !ok || g.Centre(r, c) != p {
			t.Errorf("Cell(Centre) of %v = %d,%d,%v", p, r, c, ok)
		}
	}
	if _, _, ok := g.Cell(u.pt(-1, 5)); ok {
		t.Error("a point west of the grid is in a cell")
	}
}
