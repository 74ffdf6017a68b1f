package geo

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"slices"
	"testing"
)

var updateFigure = flag.Bool("update-figure", false, "redraw figures/population-surface.png, the README's picture of the population rule")

// TestFigure_PopulationSurface draws, for the README, one commune of the
// seed scenario on the two surfaces: each 100 m cell coloured by the people
// it holds, blue where the scenario's mobile footprints cover it, orange
// where they do not. It runs with -update-figure only.
func TestFigure_PopulationSurface(t *testing.T) {
	if !*updateFigure {
		t.Skip("draws the README's figure with -update-figure")
	}
	const code, scale, gap = "05263", 4, 32 // Xã Vạn Mai, the commune the grid moves most
	cs := loadCommunes(t, hoaBinhCommunesFile, hoaBinhCommunes)
	fps := loadFootprints(t, hoaBinhMobileFile, hoaBinhMobile)
	var panels [2][]Cell
	var covered [2]map[[2]int]bool
	for k, opt := range []SurfaceOptions{{}, {Grid: worldPop(t, cs)}} {
		s := mustSurface(t, cs, opt)
		_, base, err := s.ComputeBase(fps, nil, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		ci, _ := s.Index(code)
		union := base.layers[slices.Index(Layers, Mobile)].union[0]
		covered[k] = map[[2]int]bool{}
		for c := range s.Cells(ci) {
			panels[k] = append(panels[k], c)
			covered[k][[2]int{c.Row, c.Col}] = union.has(s.lay.base[c.Row] + c.Col)
		}
	}
	r0, r1, c0, c1, top := math.MaxInt, 0, math.MaxInt, 0, 1
	for _, p := range panels {
		for _, c := range p {
			r0, r1, c0, c1 = min(r0, c.Row), max(r1, c.Row), min(c0, c.Col), max(c1, c.Col)
			top = max(top, c.People)
		}
	}
	w, h := (c1-c0+1)*scale, (r1-r0+1)*scale
	img := image.NewRGBA(image.Rect(0, 0, 2*w+gap, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for k, p := range panels {
		for _, c := range p {
			t := math.Log1p(float64(c.People)) / math.Log1p(float64(top))
			col := color.RGBA{235, 235, 235, 255}
			switch {
			case c.People > 0 && covered[k][[2]int{c.Row, c.Col}]:
				col = ramp(t, color.RGBA{198, 219, 239, 255}, color.RGBA{8, 48, 107, 255})
			case c.People > 0:
				col = ramp(t, color.RGBA{254, 230, 206, 255}, color.RGBA{166, 54, 3, 255})
			}
			x, y := k*(w+gap)+(c.Col-c0)*scale, (r1-c.Row)*scale
			for dy := range scale {
				for dx := range scale {
					img.SetRGBA(x+dx, y+dy, col)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("figures/population-surface.png", buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d × %d px, most people in a cell %d", img.Bounds().Dx(), img.Bounds().Dy(), top)
}

func ramp(t float64, a, b color.RGBA) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + t*(float64(y)-float64(x)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}
