package geotiff

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// GeoKeys read by this package (GeoTIFF 1.1, OGC 19-008r4).
const (
	keyModelType      = 1024
	keyRasterType     = 1025
	keyGeographicType = 2048
	keyGeodeticDatum  = 2050
	keyAngularUnits   = 2054
	keyProjectedType  = 3072
)

// GeoKey values.
const (
	modelProjected   = 1
	modelGeographic  = 2
	modelGeocentric  = 3
	rasterPixelPoint = 2
	epsgWGS84        = 4326
	datumWGS84       = 6326
	userDefined      = 32767
	unitDegree       = 9102
	unitDegreeSupp   = 9122
)

// geoKeys returns the GeoKeys whose value is held in the directory itself
// (all the ones this package reads); nil when the file has none.
func (f *file) geoKeys() (map[uint16]int, error) {
	v, err := f.uints(tagGeoKeyDirectory)
	if v == nil || err != nil {
		return nil, err
	}
	if len(v) < 4 {
		return nil, corrupt("the GeoKeyDirectory holds %d values", len(v))
	}
	n := int(v[3])
	if len(v) < 4+4*n {
		return nil, corrupt("the GeoKeyDirectory lists %d keys in %d values", n, len(v))
	}
	keys := make(map[uint16]int, n)
	for i := range n {
		k := v[4+4*i : 8+4*i]
		if k[1] == 0 { // the value is in the directory
			keys[uint16(k[0])] = int(k[3])
		} else {
			keys[uint16(k[0])] = -1 // held elsewhere; none read here
		}
	}
	return keys, nil
}

// checkCRS refuses anything but longitude/latitude on WGS 84, naming what
// the file holds instead.
func checkCRS(keys map[uint16]int) error {
	const reproject = "reproject it, e.g. gdalwarp -t_srs EPSG:4326 in.tif out.tif"
	model := keys[keyModelType]
	if proj, ok := keys[keyProjectedType]; model == modelProjected || ok && model != modelGeographic {
		return fmt.Errorf("%w: the grid is in a projected CRS (%s); expected longitude/latitude in EPSG:4326 — %s",
			ErrNotGeographic, epsgName(proj), reproject)
	}
	if model == modelGeocentric {
		return fmt.Errorf("%w: the grid is in a geocentric CRS; expected longitude/latitude in EPSG:4326 — %s", ErrNotGeographic, reproject)
	}
	geog, ok := keys[keyGeographicType]
	switch {
	case ok && geog == epsgWGS84:
	case model == modelGeographic && (!ok || geog == userDefined) && keys[keyGeodeticDatum] == datumWGS84:
		// A user-defined CRS on the WGS 84 datum is EPSG:4326 by another name.
	case ok && geog != userDefined:
		return fmt.Errorf("%w: the grid is in the geographic CRS %s, not WGS 84; expected EPSG:4326 — %s",
			ErrNotGeographic, epsgName(geog), reproject)
	case model == modelGeographic:
		return fmt.Errorf("%w: the grid is in a user-defined geographic CRS that is not WGS 84; expected EPSG:4326 — %s",
			ErrNotGeographic, reproject)
	default:
		return fmt.Errorf("%w: the GeoKeys name no coordinate reference system; expected EPSG:4326 — if that is what the grid is in, say so with gdal_edit.py -a_srs EPSG:4326 file.tif",
			ErrNotGeographic)
	}
	if u, ok := keys[keyAngularUnits]; ok && u != unitDegree && u != unitDegreeSupp {
		return unsupported("angular unit %d instead of degrees (9102); %s", u, reproject)
	}
	return nil
}

// epsgName names a GeoKey CRS code for messages.
func epsgName(code int) string {
	switch {
	case code == userDefined:
		return "user-defined"
	case code <= 0:
		return "not given by an EPSG code"
	}
	return "EPSG:" + strconv.Itoa(code)
}

// georeference reads where the image lies: the outer edges of its top-left
// pixel and the pixel size, in degrees.
func (f *file) georeference(l *layout) (west, north, dx, dy float64, err error) {
	keys, err := f.geoKeys()
	if err != nil {
		return 0, 0, 0, 0, err
	}
	scale, err := f.floats(tagModelPixelScale)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	tie, err := f.floats(tagModelTiepoint)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	mt, err := f.floats(tagModelTransform)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	if tie == nil && mt == nil {
		if keys == nil {
			return 0, 0, 0, 0, fmt.Errorf("%w: a TIFF image without georeferencing (no GeoTIFF tags: ModelTiepoint, ModelPixelScale, ModelTransformation, GeoKeyDirectory)", ErrNotGeoTIFF)
		}
		return 0, 0, 0, 0, fmt.Errorf("%w: the GeoTIFF has GeoKeys but does not say where its pixels lie (no ModelTiepoint or ModelTransformation)", ErrNotGeoTIFF)
	}
	if keys == nil {
		return 0, 0, 0, 0, fmt.Errorf("%w: the GeoTIFF has no GeoKeyDirectory, so its coordinate reference system is unknown; expected EPSG:4326 — if that is what the grid is in, say so with gdal_edit.py -a_srs EPSG:4326 file.tif", ErrNotGeographic)
	}
	if err := checkCRS(keys); err != nil {
		return 0, 0, 0, 0, err
	}

	switch {
	case tie != nil && scale != nil:
		if len(tie) < 6 || len(scale) < 2 {
			return 0, 0, 0, 0, corrupt("ModelTiepoint holds %d values and ModelPixelScale %d", len(tie), len(scale))
		}
		dx, dy = scale[0], scale[1]
		west, north = tie[3]-tie[0]*dx, tie[4]+tie[1]*dy
	case tie != nil && len(tie) > 6 && mt == nil:
		return 0, 0, 0, 0, unsupported("the grid is placed by %d ground control points, not a regular grid; warp it with gdalwarp -t_srs EPSG:4326 in.tif out.tif", len(tie)/6)
	case mt != nil:
		if len(mt) < 16 {
			return 0, 0, 0, 0, corrupt("ModelTransformation holds %d values, expected 16", len(mt))
		}
		if mt[1] != 0 || mt[4] != 0 {
			return 0, 0, 0, 0, unsupported("the grid is rotated (ModelTransformation %v); warp it north up with gdalwarp -t_srs EPSG:4326 in.tif out.tif", mt[:8])
		}
		west, north, dx, dy = mt[3], mt[7], mt[0], -mt[5]
	default:
		return 0, 0, 0, 0, fmt.Errorf("%w: ModelTiepoint without ModelPixelScale does not say the pixel size", ErrNotGeoTIFF)
	}
	if !finite(west, north, dx, dy) || dx == 0 || dy == 0 {
		return 0, 0, 0, 0, corrupt("georeferencing gives origin (%g, %g) and pixel size %g × %g", west, north, dx, dy)
	}
	if dx < 0 || dy < 0 {
		return 0, 0, 0, 0, unsupported("the grid is not north up (pixel size %g × %g); warp it with gdalwarp -t_srs EPSG:4326 in.tif out.tif", dx, -dy)
	}
	if keys[keyRasterType] == rasterPixelPoint {
		// Coordinates are those of pixel centres; GDAL shifts them too.
		west, north = west-dx/2, north+dy/2
	}
	east, south := west+float64(l.cols)*dx, north-float64(l.rows)*dy
	if west < -540 || east > 540 || south < -90-dy || north > 90+dy {
		return 0, 0, 0, 0, fmt.Errorf("%w: the grid says EPSG:4326 but spans lon %g – %g, lat %g – %g, which are not longitudes and latitudes (metres?); fix its CRS with gdal_edit.py -a_srs",
			ErrNotGeographic, west, east, south, north)
	}
	return west, north, dx, dy, nil
}

// noData reads the GDAL_NODATA tag.
func (f *file) noData() (v float64, ok bool, err error) {
	s, err := f.ascii(tagGDALNoData)
	if err != nil || !f.has(tagGDALNoData) {
		return 0, false, err
	}
	s = strings.TrimSpace(s)
	v, err = strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false, corrupt("the GDAL_NODATA tag holds %q, which is not a number", s)
	}
	return v, true, nil
}

// finite reports whether all of vs are neither infinite nor NaN.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return false
		}
	}
	return true
}
