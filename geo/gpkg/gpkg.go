package gpkg

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/phusong/phusong/geo"
)

// headerLen is the length of a GeoPackage binary header with an XY
// envelope: magic (2), version (1), flags (1), srs_id (4), envelope (4×8).
const headerLen = 8 + 32

// Encode returns the GeoPackage binary encoding (GeoPackage 1.3, §2.1.3)
// of mp in EPSG:4326: a little-endian header with an XY envelope, followed by
// little-endian ISO WKB of a MultiPolygon (type 6) written by orb's
// encoding/wkb. An empty or nil multipolygon is flagged empty, has no
// envelope and is written as an empty MultiPolygon; a nil Polygon in mp is
// written as an empty one.
func Encode(mp orb.MultiPolygon) ([]byte, error) {
	return EncodeSRS(mp, geo.SRID)
}

// EncodeSRS is Encode for geometry in the system srsID of the file's
// gpkg_spatial_ref_sys, for exports in a system other than EPSG:4326
// (geo/crs); the envelope is then in that system's units.
func EncodeSRS(mp orb.MultiPolygon, srsID int32) ([]byte, error) {
	body, err := marshalWKB(mp)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", geo.ErrInvalidGeometry, err)
	}
	if len(mp) == 0 {
		out := make([]byte, 8, 8+len(body))
		copy(out, "GP")
		out[3] = 0x01 | 0x10 // little-endian header, empty geometry, no envelope
		binary.LittleEndian.PutUint32(out[4:], uint32(srsID))
		return append(out, body...), nil
	}
	b := mp.Bound()
	out := make([]byte, headerLen, headerLen+len(body))
	copy(out, "GP")
	out[2] = 0           // version 1 of the binary format
	out[3] = 0x01 | 0x02 // little-endian header, envelope [minx, maxx, miny, maxy]
	binary.LittleEndian.PutUint32(out[4:], uint32(srsID))
	for i, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
		binary.LittleEndian.PutUint64(out[8+8*i:], math.Float64bits(v))
	}
	return append(out, body...), nil
}

// marshalWKB writes mp as little-endian WKB. orb writes nothing for a nil
// MultiPolygon, and nothing for a nil Polygon inside one (which would
// leave the part count wrong), so both are made empty first; the bytes are
// then those go-geom wrote before orb replaced it (TestWKB_OrbSameAsGoGeom).
// The byte order is given, not taken from orb's package default.
func marshalWKB(mp orb.MultiPolygon) ([]byte, error) {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		if p == nil {
			p = orb.Polygon{}
		}
		out[i] = p
	}
	return wkb.Marshal(out, binary.LittleEndian)
}

// Decode reads a GeoPackage binary geometry and returns it as a
// multipolygon; a Polygon is promoted to a MultiPolygon of one. Any other
// geometry type (including a Polygon or MultiPolygon with Z or M values,
// which a store's geometry columns prohibit), a bad header or an SRS other
// than 4326 is an error wrapping [geo.ErrInvalidGeometry].
func Decode(b []byte) (orb.MultiPolygon, error) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return nil, fmt.Errorf("%w: not a GeoPackage binary geometry", geo.ErrInvalidGeometry)
	}
	flags := b[3]
	var order binary.ByteOrder = binary.BigEndian
	if flags&0x01 == 1 {
		order = binary.LittleEndian
	}
	if srs := int32(order.Uint32(b[4:8])); srs != geo.SRID {
		return nil, fmt.Errorf("%w: SRS %d, want %d", geo.ErrInvalidGeometry, srs, geo.SRID)
	}
	envLen := map[byte]int{0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags>>1)&0x07]
	if (flags>>1)&0x07 > 4 {
		return nil, fmt.Errorf("%w: bad envelope code in GeoPackage header", geo.ErrInvalidGeometry)
	}
	if len(b) < 8+envLen {
		return nil, fmt.Errorf("%w: truncated GeoPackage header", geo.ErrInvalidGeometry)
	}
	body := b[8+envLen:]
	if t, ok := wkbType(body); !ok || (t != 3 && t != 6) {
		// orb reads only the low bits of the type, so an XYM (2006) or
		// EWKB-flagged type would be misread as XY: refuse them here.
		return nil, fmt.Errorf("%w: WKB geometry type %d is not an XY Polygon (3) or MultiPolygon (6)", geo.ErrInvalidGeometry, t)
	}
	g, err := wkb.Unmarshal(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", geo.ErrInvalidGeometry, err)
	}
	switch t := g.(type) {
	case orb.MultiPolygon:
		return t, nil
	case orb.Polygon:
		return orb.MultiPolygon{t}, nil
	default:
		return nil, fmt.Errorf("%w: %T is not a (multi)polygon", geo.ErrInvalidGeometry, g)
	}
}

// wkbType returns the geometry type of WKB b, read in b's own byte order;
// false when b is too short or its byte-order mark is neither 0 nor 1.
func wkbType(b []byte) (uint32, bool) {
	if len(b) < 5 {
		return 0, false
	}
	switch b[0] {
	case 0:
		return binary.BigEndian.Uint32(b[1:5]), true
	case 1:
		return binary.LittleEndian.Uint32(b[1:5]), true
	}
	return 0, false
}
