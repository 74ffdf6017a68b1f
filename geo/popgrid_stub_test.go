package geo

// Throwaway, to delete when PopulationGrid and SurfaceOptions.Grid land on
// main: until then they let crosscheck_grid_test.go compile and run. The
// stand-in surface gives every cell the weight of the grid pixel holding
// its centre through SurfaceOptions.Weights (one weight point per cell
// centre), which is the rule the real SurfaceOptions.Grid is to follow.

import (
	"math"

	"github.com/paulmach/orb"
)

// PopulationGrid mirrors the type being added on main.
type PopulationGrid struct {
	Name        string
	West, North float64
	DX, DY      float64
	Cols, Rows  int
	Values      []float32
}

// newGridSurface stands in for NewSurface(cs, SurfaceOptions{Grid: pg}).
func newGridSurface(cs []Commune, pg *PopulationGrid) (*Surface, error) {
	even, err := NewSurface(cs, SurfaceOptions{})
	if err != nil {
		return nil, err
	}
	g := even.Grid()
	var ws []WeightPoint
	for row := range g.Rows {
		for col := range g.Cols {
			c := g.Centre(row, col)
			if v := pg.at(c); v > 0 {
				ws = append(ws, WeightPoint{Lon: c[0], Lat: c[1], Weight: v})
			}
		}
	}
	return NewSurface(cs, SurfaceOptions{Weights: ws})
}

// at returns the value of the pixel holding p, or 0 off the grid or where
// it has no data.
func (pg *PopulationGrid) at(p orb.Point) float64 {
	c := math.Floor((p[0] - pg.West) / pg.DX)
	r := math.Floor((pg.North - p[1]) / pg.DY)
	if !(c >= 0 && r >= 0 && c < float64(pg.Cols) && r < float64(pg.Rows)) {
		return 0
	}
	v := float64(pg.Values[int(r)*pg.Cols+int(c)])
	if math.IsNaN(v) {
		return 0
	}
	return v
}
