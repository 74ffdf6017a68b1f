package crs

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// ErrUnsupported is returned by Lookup for a system this package does not
// transform to.
var ErrUnsupported = errors.New("unsupported coordinate reference system")

// CRS is one coordinate reference system the service writes geometry in.
// The zero CRS is not valid; use WGS84 or Lookup.
type CRS struct {
	// Code is the EPSG code (4326 for WGS 84, also for OGC CRS84).
	Code int
	// Name is the EPSG name, e.g. "VN-2000 / UTM zone 48N".
	Name string
	// Geographic says coordinates are degrees of longitude and latitude;
	// otherwise they are metres.
	Geographic bool
	// WKT is the definition as GDAL writes it (WKT1_GDAL, from PROJ's
	// projinfo), for GeoPackage's gpkg_spatial_ref_sys.
	WKT string
	// forward maps WGS 84 longitude/latitude in degrees to this system's
	// x, y; nil for WGS 84 itself.
	forward func(lon, lat float64) (x, y float64)
}

// WGS84 is EPSG:4326, the system of every geometry the service stores.
var WGS84 = CRS{Code: 4326, Name: "WGS 84", Geographic: true, WKT: wktWGS84}

// systems lists the supported systems by EPSG code.
var systems = map[int]CRS{
	4326: WGS84,
	3857: {Code: 3857, Name: "WGS 84 / Pseudo-Mercator", WKT: wkt3857, forward: webMercator},
	4756: {Code: 4756, Name: "VN-2000", Geographic: true, WKT: wkt4756, forward: toVN2000},
	3405: {Code: 3405, Name: "VN-2000 / UTM zone 48N", WKT: wkt3405, forward: vn2000UTM(105)},
	3406: {Code: 3406, Name: "VN-2000 / UTM zone 49N", WKT: wkt3406, forward: vn2000UTM(111)},
}

// Codes returns the EPSG codes Lookup accepts, in increasing order.
func Codes() []int {
	out := make([]int, 0, len(systems))
	for c := range systems {
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}

// Names returns "EPSG:<code>" for each of Codes, for messages and
// parameter documentation.
func Names() []string {
	var out []string
	for _, c := range Codes() {
		out = append(out, "EPSG:"+strconv.Itoa(c))
	}
	return out
}

// ogcPrefix is the prefix of the OGC URIs of EPSG systems.
const ogcPrefix = "http://www.opengis.net/def/crs/EPSG/0/"

// CRS84URI is OGC's URI of WGS 84 longitude/latitude, which Lookup takes
// as EPSG:4326 since this package orders every output longitude first.
const CRS84URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// Lookup returns the system named by s: "EPSG:3405" (any case), a bare
// code "3405", the OGC URI ".../def/crs/EPSG/0/3405", or CRS84 (its URI
// or "OGC:CRS84"), which is EPSG:4326 in longitude-first order. An empty s
// is WGS 84. Anything else is an error wrapping ErrUnsupported that names
// the systems supported.
func Lookup(s string) (CRS, error) {
	t := strings.TrimSpace(s)
	switch {
	case t == "", t == CRS84URI, strings.EqualFold(t, "OGC:CRS84"), strings.EqualFold(t, "CRS84"):
		return WGS84, nil
	case strings.HasPrefix(t, ogcPrefix):
		t = strings.TrimPrefix(t, ogcPrefix)
	case len(t) > 5 && strings.EqualFold(t[:5], "EPSG:"):
		t = t[5:]
	}
	if code, err := strconv.Atoi(t); err == nil {
		if c, ok := systems[code]; ok {
			return c, nil
		}
	}
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return CRS{}, fmt.Errorf("%w: %q: want %s", ErrUnsupported, s, strings.Join(Names(), ", "))
}

// String returns "EPSG:<code>".
func (c CRS) String() string { return "EPSG:" + strconv.Itoa(c.Code) }

// URI returns the OGC URI of the system, e.g.
// http://www.opengis.net/def/crs/EPSG/0/3405.
func (c CRS) URI() string { return ogcPrefix + strconv.Itoa(c.Code) }

// IsWGS84 says the system is EPSG:4326, in which geometry needs no
// transforming.
func (c CRS) IsWGS84() bool { return c.forward == nil }

// Forward maps a WGS 84 point (longitude, latitude in degrees) into the
// system. Latitudes at the poles map to ±Inf in Web Mercator; callers pass
// points in and around Vietnam, where every system here is defined.
func (c CRS) Forward(p orb.Point) orb.Point {
	if c.forward == nil {
		return p
	}
	x, y := c.forward(p[0], p[1])
	return orb.Point{x, y}
}

// Project returns a copy of mp with every vertex mapped by Forward; mp is
// left as it was, since the callers' geometry is shared with the
// snapshot. For WGS 84 it returns mp itself.
func (c CRS) Project(mp orb.MultiPolygon) orb.MultiPolygon {
	if c.forward == nil || mp == nil {
		return mp
	}
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		if poly == nil {
			continue
		}
		np := make(orb.Polygon, len(poly))
		for j, ring := range poly {
			if ring == nil {
				continue
			}
			nr := make(orb.Ring, len(ring))
			for k, p := range ring {
				nr[k] = c.Forward(p)
			}
			np[j] = nr
		}
		out[i] = np
	}
	return out
}

// ProjectBound maps b into the system and returns the bound of the result,
// sampling each edge so that the curved image of a projected box is
// covered: meant for the extents GeoPackage and OGC API record, not for
// exact clipping.
func (c CRS) ProjectBound(b orb.Bound) orb.Bound {
	if c.forward == nil {
		return b
	}
	const steps = 16
	var out orb.Bound
	first := true
	add := func(lon, lat float64) {
		p := c.Forward(orb.Point{lon, lat})
		if first {
			out, first = orb.Bound{Min: p, Max: p}, false
			return
		}
		out = out.Extend(p)
	}
	for i := 0; i <= steps; i++ {
		f := float64(i) / steps
		lon := b.Min[0] + f*(b.Max[0]-b.Min[0])
		lat := b.Min[1] + f*(b.Max[1]-b.Min[1])
		add(lon, b.Min[1])
		add(lon, b.Max[1])
		add(b.Min[0], lat)
		add(b.Max[0], lat)
	}
	return out
}
