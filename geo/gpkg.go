package geo

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	geom "github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkb"
)

// SRID is the spatial reference of every geometry Phủ Sóng stores and
// serves: EPSG:4326, WGS 84 longitude/latitude in degrees.
const SRID = 4326

// gpkgHeaderLen is the length of a GeoPackage binary header with an XY
// envelope: magic (2), version (1), flags (1), srs_id (4), envelope (4×8).
const gpkgHeaderLen = 8 + 32

// EncodeGPKG returns the GeoPackage binary encoding (GeoPackage 1.3, §2.1.3)
// of mp in EPSG:4326: a little-endian header with an XY envelope, followed by
// ISO WKB written by go-geom. An empty multipolygon is flagged empty and has
// no envelope.
func EncodeGPKG(mp orb.MultiPolygon) ([]byte, error) {
	g := geom.NewMultiPolygon(geom.XY)
	if _, err := g.SetCoords(toGeomCoords(mp)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidGeometry, err)
	}
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidGeometry, err)
	}
	if len(mp) == 0 {
		out := make([]byte, 8, 8+len(body))
		copy(out, "GP")
		out[3] = 0x01 | 0x10 // little-endian header, empty geometry, no envelope
		binary.LittleEndian.PutUint32(out[4:], SRID)
		return append(out, body...), nil
	}
	b := mp.Bound()
	out := make([]byte, gpkgHeaderLen, gpkgHeaderLen+len(body))
	copy(out, "GP")
	out[2] = 0           // version 1 of the binary format
	out[3] = 0x01 | 0x02 // little-endian header, envelope [minx, maxx, miny, maxy]
	binary.LittleEndian.PutUint32(out[4:], SRID)
	for i, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
		binary.LittleEndian.PutUint64(out[8+8*i:], math.Float64bits(v))
	}
	return append(out, body...), nil
}

// DecodeGPKG reads a GeoPackage binary geometry and returns it as a
// multipolygon; a Polygon is promoted to a MultiPolygon of one. Any other
// geometry type, a bad header or an SRS other than 4326 is an error wrapping
// ErrInvalidGeometry.
func DecodeGPKG(b []byte) (orb.MultiPolygon, error) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return nil, fmt.Errorf("%w: not a GeoPackage binary geometry", ErrInvalidGeometry)
	}
	flags := b[3]
	var order binary.ByteOrder = binary.BigEndian
	if flags&0x01 == 1 {
		order = binary.LittleEndian
	}
	if srs := int32(order.Uint32(b[4:8])); srs != SRID {
		return nil, fmt.Errorf("%w: SRS %d, want %d", ErrInvalidGeometry, srs, SRID)
	}
	envLen := map[byte]int{0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags>>1)&0x07]
	if (flags>>1)&0x07 > 4 {
		return nil, fmt.Errorf("%w: bad envelope code in GeoPackage header", ErrInvalidGeometry)
	}
	if len(b) < 8+envLen {
		return nil, fmt.Errorf("%w: truncated GeoPackage header", ErrInvalidGeometry)
	}
	g, err := wkb.Unmarshal(b[8+envLen:])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidGeometry, err)
	}
	switch t := g.(type) {
	case *geom.MultiPolygon:
		return fromGeomMultiPolygon(t), nil
	case *geom.Polygon:
		return orb.MultiPolygon{fromGeomPolygon(t)}, nil
	default:
		return nil, fmt.Errorf("%w: %T is not a (multi)polygon", ErrInvalidGeometry, g)
	}
}

func toGeomCoords(mp orb.MultiPolygon) [][][]geom.Coord {
	out := make([][][]geom.Coord, len(mp))
	for i, p := range mp {
		out[i] = make([][]geom.Coord, len(p))
		for j, r := range p {
			out[i][j] = make([]geom.Coord, len(r))
			for k, pt := range r {
				out[i][j][k] = geom.Coord{pt[0], pt[1]}
			}
		}
	}
	return out
}

func fromGeomMultiPolygon(g *geom.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, g.NumPolygons())
	for i := range out {
		out[i] = fromGeomPolygon(g.Polygon(i))
	}
	return out
}

func fromGeomPolygon(g *geom.Polygon) orb.Polygon {
	out := make(orb.Polygon, g.NumLinearRings())
	for i := range out {
		cs := g.LinearRing(i).Coords()
		r := make(orb.Ring, len(cs))
		for k, c := range cs {
			r[k] = orb.Point{c[0], c[1]}
		}
		out[i] = r
	}
	return out
}
