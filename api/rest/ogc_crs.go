package rest

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo/crs"
)

// OGC API – Features Part 2 (Coordinate Reference Systems by Reference):
// the items can be asked for in the systems of geo/crs (crs) and filtered by
// a bbox given in one of them (bbox-crs). The communes are stored in CRS84
// (storageCrs), the default of both parameters.

// crsConformance is Part 2's conformance class.
const crsConformance = "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"

// crsParams are the query parameters /items takes for Part 2.
var crsParams = []string{"crs", "bbox-crs"}

// ogcCRSURIs are the systems a collection is offered in, CRS84 first.
var ogcCRSURIs = []string{
	crs84,
	"http://www.opengis.net/def/crs/EPSG/0/4326",
	"http://www.opengis.net/def/crs/EPSG/0/3857",
	"http://www.opengis.net/def/crs/EPSG/0/4756",
	"http://www.opengis.net/def/crs/EPSG/0/3405",
	"http://www.opengis.net/def/crs/EPSG/0/3406",
}

// ogcCRSList returns ogcCRSURIs, a copy for each collection document.
func ogcCRSList() []string { return append([]string(nil), ogcCRSURIs...) }

// ogcCRS is a system a client asked for by its URI.
type ogcCRS struct {
	uri string
	sys crs.CRS
	// latFirst says the system's axes are latitude, longitude, as EPSG
	// defines EPSG:4326 and EPSG:4756 and Part 2 asks coordinates to be
	// ordered (/req/crs/crs-action); CRS84 is longitude first.
	latFirst bool
}

// defaultOGCCRS is CRS84, the storage CRS.
var defaultOGCCRS = ogcCRS{uri: crs84, sys: crs.WGS84}

// parseOGCCRS reads the value of param (crs or bbox-crs): one of
// ogcCRSURIs, or "" for CRS84. Anything else wraps data.ErrInvalid, a 400.
func parseOGCCRS(param, v string) (ogcCRS, error) {
	if v == "" || v == crs84 {
		return defaultOGCCRS, nil
	}
	for _, uri := range ogcCRSURIs {
		if v != uri {
			continue
		}
		sys, err := crs.Lookup(uri)
		if err != nil {
			return ogcCRS{}, err
		}
		return ogcCRS{uri: uri, sys: sys, latFirst: sys.Geographic}, nil
	}
	return ogcCRS{}, fmt.Errorf("%w: %s %s: want one of %s", data.ErrInvalid, param, quote(v), strings.Join(ogcCRSURIs, ", "))
}

// parseBBoxIn reads bbox in the system named by bboxCRS and returns its
// bound in CRS84: parseBBox's for CRS84 (""), else the CRS84 bound of the
// box (crs.InverseBound), in the system's axis order, 4 or 6 numbers with
// the minimum first on each axis.
func parseBBoxIn(v, bboxCRS string) ([]orb.Bound, error) {
	c, err := parseOGCCRS("bbox-crs", bboxCRS)
	if err != nil {
		return nil, err
	}
	if c.uri == crs84 {
		return parseBBox(v)
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return nil, fmt.Errorf("want 4 or 6 numbers in the axis order of %s, got %d values", c.uri, len(parts))
	}
	all := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("value %d (%s) is not a number", i+1, quote(p))
		}
		all[i] = f
	}
	lo, hi := orb.Point{all[0], all[1]}, orb.Point{all[2], all[3]}
	if len(all) == 6 {
		hi = orb.Point{all[3], all[4]}
	}
	if c.latFirst {
		lo, hi = orb.Point{lo[1], lo[0]}, orb.Point{hi[1], hi[0]}
	}
	if lo[0] > hi[0] || lo[1] > hi[1] {
		return nil, fmt.Errorf("a minimum is above its maximum in %s", c.uri)
	}
	b, ok := c.sys.InverseBound(orb.Bound{Min: lo, Max: hi})
	if !ok {
		return nil, fmt.Errorf("the box is outside where %s is defined", c.uri)
	}
	return []orb.Bound{b}, nil
}

// geometry returns mp, stored in CRS84, in the system: a new geometry, the
// stored one untouched.
func (c ogcCRS) geometry(mp orb.MultiPolygon) *geojson.Geometry {
	if c.uri == crs84 || c.uri == "" {
		return geojson.NewGeometry(mp)
	}
	out := c.sys.Project(mp)
	if c.latFirst {
		out = swapAxes(out)
	}
	return geojson.NewGeometry(out)
}

// project puts the features' geometry, as feature built it from the stored
// communes, into the system.
func (c ogcCRS) project(fs []ogcFeature) {
	for i := range fs {
		if mp, ok := fs[i].Geometry.Coordinates.(orb.MultiPolygon); ok {
			fs[i].Geometry = c.geometry(mp)
		}
	}
}

// swapAxes returns a copy of mp with x and y exchanged.
func swapAxes(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(orb.Polygon, len(poly))
		for j, ring := range poly {
			r := make(orb.Ring, len(ring))
			for k, p := range ring {
				r[k] = orb.Point{p[1], p[0]}
			}
			out[i][j] = r
		}
	}
	return out
}

// setContentCrs sends Part 2's Content-Crs header, the URI of the
// geometry's system in angle brackets, with a GeoJSON answer.
func setContentCrs(c *gin.Context, html bool, sys ogcCRS) {
	if !html {
		c.Header("Content-Crs", "<"+sys.uri+">")
	}
}
