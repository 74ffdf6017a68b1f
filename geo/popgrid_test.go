package geo

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// unitGrid returns a population grid in the units of u whose pixels are
// px × px cells, with the given values (rows from the north).
func unitGrid(u units, px float64, rows, cols int, values ...float32) *PopulationGrid {
	return &PopulationGrid{
		Name: "test", West: u.lon0, North: u.lat0 + float64(rows)*px*u.dlat,
		DX: px * u.dlon, DY: px * u.dlat, Cols: cols, Rows: rows, Values: values,
	}
}

func TestNewSurface_GridShapesCommunes(t *testing.T) {
	u := communeUnits()
	nan := float32(math.NaN())
	cases := []struct {
		name     string
		pop      int
		grid     *PopulationGrid
		west     float64 // people of "01" in cells x < 5
		fallback bool
	}{
		// Two pixels of 5 × 10 cells: the west one with 1 person, the
		// east one with 3: 250 and 750 people.
		{name: "west 1, east 3", pop: 1000, grid: unitGrid(u, 5, 2, 2, 0, 0, 1, 3), west: 250},
		{name: "east empty", pop: 999, grid: unitGrid(u, 5, 2, 2, 7, 0, 7, 0), west: 999},
		{name: "no data east", pop: 1000, grid: unitGrid(u, 5, 2, 2, nan, nan, 2, nan), west: 1000},
		{name: "no data anywhere: even", pop: 1000, grid: unitGrid(u, 5, 2, 2, nan, nan, nan, -99999), west: 500, fallback: true},
		{name: "grid elsewhere: even", pop: 1000, grid: &PopulationGrid{Name: "far", West: 0, North: 1, DX: 0.01, DY: 0.01, Cols: 1, Rows: 1, Values: []float32{5}}, west: 500, fallback: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs := []Commune{commune("01", tc.pop, u.rect(0, 0, 10, 10))}
			s := mustSurface(t, cs, SurfaceOptions{Grid: tc.grid})
			checkConserved(t, s)
			res := mustCompute(t, s, []Footprint{footprint("a", Mobile, "4G", orb.Polygon{gridUnits(s).rect(-1, -1, 5, 11)})}, nil, DefaultOptions())
			if f := figure(t, res, Mobile, KindAll, "01"); f.Covered != tc.west {
				t.Errorf("west half: %v people, want %v", f.Covered, tc.west)
			}
			m := res.Method
			if m.Population != tc.grid.Name && m.Population != "grid-"+tc.grid.Name+"-v1" {
				t.Errorf("method population %q", m.Population)
			}
			if got := slices.Equal(m.EvenFallback, []string{"01"}); got != tc.fallback {
				t.Errorf("even fallback %v, want the commune listed: %v", m.EvenFallback, tc.fallback)
			}
			if s.Weighted() == tc.fallback {
				t.Errorf("Weighted() = %v", s.Weighted())
			}
		})
	}
}

// TestNewSurface_GridConserves spreads communes of random shapes and
// populations over random grids: every commune keeps its census
// population to the person, and no cell holds a negative count.
func TestNewSurface_GridConserves(t *testing.T) {
	u := communeUnits()
	rng := rand.New(rand.NewPCG(17, 2020))
	for trial := range 20 {
		var cs []Commune
		for i := range 6 {
			x, y := rng.Float64()*40, rng.Float64()*40
			w, h := 1+rng.Float64()*30, 1+rng.Float64()*30
			cs = append(cs, commune(string(rune('a'+i)), rng.IntN(200000), u.rect(x, y, x+w, y+h)))
		}
		rows, cols := 2+rng.IntN(12), 2+rng.IntN(12)
		vals := make([]float32, rows*cols)
		for i := range vals {
			switch rng.IntN(5) {
			case 0:
				vals[i] = float32(math.NaN())
			case 1:
				vals[i] = 0
			default:
				vals[i] = float32(rng.ExpFloat64() * 500)
			}
		}
		g := unitGrid(u, 1+rng.Float64()*9, rows, cols, vals...)
		s := mustSurface(t, cs, SurfaceOptions{Grid: g})
		checkConserved(t, s)
		for i := range cs {
			for c := range s.Cells(i) {
				if c.People < 0 {
					t.Fatalf("trial %d: commune %s cell %d,%d holds %d", trial, cs[i].Code, c.Row, c.Col, c.People)
				}
			}
		}
	}
}

// TestNewSurface_GridProportional checks that cells get people in the
// ratio of their pixels' values, within one person.
func TestNewSurface_GridProportional(t *testing.T) {
	u := communeUnits()
	g := unitGrid(u, 2, 5, 5,
		1, 2, 3, 4, 5,
		0, 0, 0, 0, 0,
		10, 10, 10, 10, 10,
		0.5, 0.25, 0, 100, 1,
		7, 7, 7, 7, 7)
	cs := []Commune{commune("01", 123457, u.rect(0, 0, 10, 10))}
	s := mustSurface(t, cs, SurfaceOptions{Grid: g})
	var total float64
	grid := s.Grid()
	for c := range s.Cells(0) {
		p := grid.Centre(c.Row, c.Col)
		total += g.At(p[0], p[1])
	}
	for c := range s.Cells(0) {
		p := grid.Centre(c.Row, c.Col)
		want := 123457 * g.At(p[0], p[1]) / total
		if math.Abs(float64(c.People)-want) > 1 {
			t.Errorf("cell %d,%d: %d people, want %.2f", c.Row, c.Col, c.People, want)
		}
	}
}

func TestNewSurface_GridRefused(t *testing.T) {
	u := communeUnits()
	ok := []Commune{commune("01", 10, u.rect(0, 0, 10, 10))}
	good := func() *PopulationGrid { return unitGrid(u, 5, 1, 1, 1) }
	cases := []struct {
		name string
		opt  SurfaceOptions
	}{
		{"grid and points", SurfaceOptions{Grid: good(), Weights: []WeightPoint{{105, 20, 1}}}},
		{"no name", SurfaceOptions{Grid: func() *PopulationGrid { g := good(); g.Name = ""; return g }()}},
		{"name with spaces", SurfaceOptions{Grid: func() *PopulationGrid { g := good(); g.Name = "World Pop"; return g }()}},
		{"values short", SurfaceOptions{Grid: func() *PopulationGrid { g := good(); g.Cols = 2; return g }()}},
		{"zero pixel", SurfaceOptions{Grid: func() *PopulationGrid { g := good(); g.DX = 0; return g }()}},
		{"off the globe", SurfaceOptions{Grid: func() *PopulationGrid { g := good(); g.North = 95; return g }()}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewSurface(ok, tc.opt); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("err %v, want ErrInvalidInput", err)
			}
		})
	}
}

// TestWhatIf_SiteOverAVillage: on a grid surface a planned site over the
// village counts its villagers, where the even spread counts a quarter of
// the commune.
func TestWhatIf_SiteOverAVillage(t *testing.T) {
	u := communeUnits()
	cs := []Commune{commune("01", 1000, u.rect(0, 0, 10, 10))}
	// Four pixels of 5 × 5 cells: the village in the north-east one.
	village := unitGrid(u, 5, 2, 2, 1, 99, 1, 1)
	for _, tc := range []struct {
		name string
		opt  SurfaceOptions
		want float64
	}{
		{"even", SurfaceOptions{}, 250},
		{"grid", SurfaceOptions{Grid: village}, 971}, // 1000 · 99·25 / (102·25), in whole people
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSurface(t, cs, tc.opt)
			_, base, err := s.ComputeBase(nil, nil, DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			g := gridUnits(s)
			site := footprint("plan", Mobile, "4G", orb.Polygon{g.rect(5, 5, 10.5, 10.5)})
			res, err := base.WhatIf([]Footprint{site})
			if err != nil {
				t.Fatal(err)
			}
			if f := figure(t, res, Mobile, KindAll, "01"); math.Abs(f.Covered-tc.want) > 1 {
				t.Errorf("the site covers %v people, want %v", f.Covered, tc.want)
			}
		})
	}
}
