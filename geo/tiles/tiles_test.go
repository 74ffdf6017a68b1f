package tiles

import (
	"errors"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"github.com/phusong/phusong/geo"
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

func TestSet_Tile(t *testing.T) {
	shapes, attrs := twoShapes()
	ts := NewSet(shapes)
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
	if len(layers) != 1 || layers[0].Name != "mobile" || layers[0].Version != 2 || layers[0].Extent != Extent {
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
				if pt[0] < -tileBuffer || pt[0] > Extent+tileBuffer || pt[1] < -tileBuffer || pt[1] > Extent+tileBuffer ||
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

func TestSet_OutOfRangeAndEmpty(t *testing.T) {
	ts := NewSet([]orb.MultiPolygon{{{{{105.3, 20.8}, {105.4, 20.8}, {105.4, 20.9}, {105.3, 20.8}}}}})
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
			if _, err := ts.Tile(c.z, c.x, c.y, "l", id, none); !errors.Is(err, geo.ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
		})
	}
	b, err := ts.Tile(1, 0, 0, "l", id, none) // the north-west quarter of the world: no Vietnam
	if err != nil || len(b) != 0 {
		t.Fatalf("empty tile: %d bytes, %v", len(b), err)
	}
}

// vietnamCommunesFile is every commune of Vietnam, beside the repository
// (see ../../../shared/data/README.md).
const vietnamCommunesFile = "../../../shared/data/vietnam/communes_2013_pop2019.geojson"

// vietnamShapes returns the communes' shapes and their codes and census
// populations, skipping when the file is absent.
func vietnamShapes(b *testing.B) ([]orb.MultiPolygon, []string, []int) {
	b.Helper()
	raw, err := os.ReadFile(vietnamCommunesFile)
	if err != nil {
		b.Skipf("reference data absent, skipping: %v", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		b.Fatal(err)
	}
	var shapes []orb.MultiPolygon
	var codes []string
	var pops []int
	for _, f := range fc.Features {
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			shapes = append(shapes, orb.MultiPolygon{g})
		case orb.MultiPolygon:
			shapes = append(shapes, g)
		default:
			continue
		}
		pop, _ := f.Properties["pop_2019"].(float64) // null counts as 0
		codes = append(codes, fmt.Sprint(f.Properties["commune_id"]))
		pops = append(pops, int(pop))
	}
	return shapes, codes, pops
}

// BenchmarkSet_Vietnam cuts the busiest tiles of Vietnam's 11,163
// communes (Hà Nội) at zoom 0 (every commune), 6 and 12, with the figures' properties, once the
// zoom's shapes are simplified.
func BenchmarkSet_Vietnam(b *testing.B) {
	shapes, codes, pops := vietnamShapes(b)
	ts := NewSet(shapes)
	props := func(i int) map[string]any {
		return map[string]any{"code": codes[i], "population": pops[i], "population_covered": pops[i] / 2,
			"share_covered": float64(i%1000) / 1000, "status": "partial"}
	}
	id := func(int) (uint64, bool) { return 0, false }
	for _, z := range []uint32{0, 6, 12} {
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

// A shape too small for a zoom is still a feature of every tile it covers
// part of, as a square of markerUnits:
//
//	  tile 1/0/0 │ tile 1/1/0
//	            ┌┼┐
//	            └┼┘  a 20 m commune across the meridian: in both tiles
//	─────────────┼─────────────
func TestSet_SmallShapeIsKept(t *testing.T) {
	square := func(lon, lat, side float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{lon, lat}, {lon + side, lat}, {lon + side, lat + side}, {lon, lat + side}, {lon, lat}}}}
	}
	ts := NewSet([]orb.MultiPolygon{
		square(105.3, 20.8, 0.0002),   // 20 m, in one tile at every zoom
		square(-0.0001, 10.0, 0.0002), // 20 m across the meridian
	})
	id := func(i int) (uint64, bool) { return uint64(i + 1), true }
	none := func(int) map[string]any { return nil }
	cases := []struct {
		name    string
		z, x, y uint32
		want    []float64 // MVT decodes ids as float64
	}{
		{"the world", 0, 0, 0, []float64{1, 2}},
		{"east of the meridian", 1, 1, 0, []float64{1, 2}},
		{"west of the meridian", 1, 0, 0, []float64{2}},
		{"south: nothing", 1, 1, 1, nil},
		{"zoom 6 over Hòa Bình", 6, 50, 28, []float64{1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := ts.Tile(c.z, c.x, c.y, "l", id, none)
			if err != nil {
				t.Fatal(err)
			}
			var got []float64
			if len(b) > 0 {
				layers, err := mvt.Unmarshal(b)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range layers[0].Features {
					v, _ := f.ID.(float64)
					got = append(got, v)
					p, ok := f.Geometry.(orb.Polygon)
					if !ok || ringArea(p[0]) != markerUnits*markerUnits {
						t.Fatalf("feature %v: %v, want a square of %d units", f.ID, f.Geometry, markerUnits)
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("features %v, want %v", got, c.want)
			}
		})
	}
}
