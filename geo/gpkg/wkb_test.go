package gpkg

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	geom "github.com/twpayne/go-geom"
	geomwkb "github.com/twpayne/go-geom/encoding/wkb"

	"github.com/phusong/phusong/geo"
)

// The WKB inside a GeoPackage blob is written and read by orb's
// encoding/wkb; go-geom's did it before, and every store made until then
// holds its bytes. These tests hold the two to the same bytes on the
// shapes Phủ Sóng stores: official boundaries (the seed's among them) with
// holes and several parts, and the edge cases; go-geom stays here as the
// reference.

// Official boundaries beside the repository (see ../../../shared/data); the
// cases that read them skip when they are absent.
var officialFiles = []string{
	"../../../shared/data/hoabinh/communes_2019.geojson",      // 2 multipolygons, 1 hole
	"../../../shared/data/hoabinh/communes_2020_2025.geojson", // merged units: 30 with holes
	"../../../shared/data/phutho/wards_2025.geojson",
	"../../../shared/data/vietnam/communes_2013_pop2019.geojson", // 11,163 communes
}

// goGeomWKB is the WKB that Encode wrote through go-geom: ISO WKB,
// little-endian, a MultiPolygon (type 6) in XY.
func goGeomWKB(mp orb.MultiPolygon) ([]byte, error) {
	coords := make([][][]geom.Coord, len(mp))
	for i, p := range mp {
		coords[i] = make([][]geom.Coord, len(p))
		for j, r := range p {
			coords[i][j] = make([]geom.Coord, len(r))
			for k, pt := range r {
				coords[i][j][k] = geom.Coord{pt[0], pt[1]}
			}
		}
	}
	g, err := geom.NewMultiPolygon(geom.XY).SetCoords(coords)
	if err != nil {
		return nil, err
	}
	return geomwkb.Marshal(g, binary.LittleEndian)
}

// encodedWKB is the WKB inside the blob Encode writes, after the
// header and its envelope, if any.
func encodedWKB(mp orb.MultiPolygon) ([]byte, error) {
	b, err := Encode(mp)
	if err != nil {
		return nil, err
	}
	if b[3]&0x10 != 0 { // empty: no envelope
		return b[8:], nil
	}
	return b[8+32:], nil
}

// goGeomDecode reads WKB as Decode did through go-geom.
func goGeomDecode(b []byte) (orb.MultiPolygon, error) {
	g, err := geomwkb.Unmarshal(b)
	if err != nil {
		return nil, err
	}
	var polys []*geom.Polygon
	switch g := g.(type) {
	case *geom.MultiPolygon:
		for i := range g.NumPolygons() {
			polys = append(polys, g.Polygon(i))
		}
	case *geom.Polygon:
		polys = append(polys, g)
	default:
		return nil, fmt.Errorf("%T", g)
	}
	out := make(orb.MultiPolygon, len(polys))
	for i, p := range polys {
		out[i] = make(orb.Polygon, p.NumLinearRings())
		for j := range out[i] {
			cs := p.LinearRing(j).Coords()
			out[i][j] = make(orb.Ring, len(cs))
			for k, c := range cs {
				out[i][j][k] = orb.Point{c[0], c[1]}
			}
		}
	}
	return out, nil
}

// decodedWKB reads WKB written by go-geom as Decode reads it, in a
// blob with a header that has no envelope.
func decodedWKB(b []byte) (orb.MultiPolygon, error) {
	blob := append([]byte{'G', 'P', 0, 0x01, 0, 0, 0, 0}, b...)
	binary.LittleEndian.PutUint32(blob[4:], geo.SRID)
	return Decode(blob)
}

// sameWKB fails t when Encode (orb) writes mp differently from
// go-geom, naming the first byte that differs, or when Decode reads
// go-geom's bytes differently from go-geom.
func sameWKB(t *testing.T, name string, mp orb.MultiPolygon) {
	t.Helper()
	want, err := goGeomWKB(mp)
	if err != nil {
		t.Fatalf("%s: go-geom: %v", name, err)
	}
	got, err := encodedWKB(mp)
	if err != nil {
		t.Fatalf("%s: Encode: %v", name, err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		t.Fatalf("%s: orb writes %d bytes, go-geom %d; first difference at byte %d:\n orb  % x\n geom % x",
			name, len(got), len(want), i, got[i:min(len(got), i+16)], want[i:min(len(want), i+16)])
	}
	a, err := goGeomDecode(want)
	if err != nil {
		t.Fatalf("%s: go-geom decode: %v", name, err)
	}
	b, err := decodedWKB(want)
	if err != nil {
		t.Fatalf("%s: Decode: %v", name, err)
	}
	if !orb.Equal(a, b) {
		t.Fatalf("%s: decoded differently:\n orb  %v\n geom %v", name, b, a)
	}
}

func TestWKB_OrbSameAsGoGeom(t *testing.T) {
	square := orb.Ring{{105, 20}, {106, 20}, {106, 21}, {105, 21}, {105, 20}}
	hole := orb.Ring{{105.2, 20.2}, {105.2, 20.4}, {105.4, 20.4}, {105.2, 20.2}}
	far := orb.Ring{{-180, -89.9}, {180, -89.9}, {180, 89.9}, {-180, -89.9}}
	cases := []struct {
		name string
		mp   orb.MultiPolygon
	}{
		{"one square", orb.MultiPolygon{{square}}},
		{"square with hole", orb.MultiPolygon{{square, hole}}},
		{"two parts, one with a hole", orb.MultiPolygon{{square, hole}, {hole}}},
		{"whole world, signed zero", orb.MultiPolygon{{far}, {{{0, math.Copysign(0, -1)}, {1, 0}, {1, 1}, {0, 0}}}}},
		{"empty", orb.MultiPolygon{}},
		{"nil", nil},
		{"polygon with no ring", orb.MultiPolygon{{}}},
		{"nil polygon after a square", orb.MultiPolygon{{square}, nil}},
		{"ring with no point", orb.MultiPolygon{{{}}}},
		{"nil ring", orb.MultiPolygon{{square, nil}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { sameWKB(t, c.name, c.mp) })
	}

	for _, path := range officialFiles {
		t.Run(path, func(t *testing.T) {
			shapes := officialShapes(t, path)
			for i, mp := range shapes {
				sameWKB(t, fmt.Sprintf("feature %d", i), mp)
			}
		})
	}
}

// officialShapes reads the (multi)polygons of a boundary file, skipping
// when it is absent.
func officialShapes(t *testing.T, path string) []orb.MultiPolygon {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("reference data absent, skipping: %v", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	var out []orb.MultiPolygon
	for _, f := range fc.Features {
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			out = append(out, orb.MultiPolygon{g})
		case orb.MultiPolygon:
			out = append(out, g)
		}
	}
	return out
}
