package crs

import "math"

// The WGS 84 ellipsoid, on which VN-2000 is also defined.
const (
	wgs84A = 6378137.0
	wgs84F = 1 / 298.257223563
)

const deg = math.Pi / 180

// webMercator is EPSG:3857: the spherical Mercator on a sphere of the WGS
// 84 semi-major axis, applied to WGS 84 longitude/latitude as if they were
// spherical, which is what the EPSG definition (and every web map) does.
func webMercator(lon, lat float64) (x, y float64) {
	return wgs84A * lon * deg, wgs84A * math.Log(math.Tan(math.Pi/4+lat*deg/2))
}

// vn2000ToWGS84 is EPSG:6960 "VN-2000 to WGS 84 (2)", the Ministry of
// Natural Resources and Environment's parameters, exactly as PROJ applies
// them (projinfo -s EPSG:4326 -t EPSG:4756): translations in metres,
// rotations in arc-seconds in the coordinate frame convention, scale in
// parts per million.
var vn2000ToWGS84 = helmert{
	tx: -191.90441429, ty: -39.30318279, tz: -111.45032835,
	rx: -0.00928836, ry: 0.01975479, rz: -0.00427372,
	ppm: 0.252906278,
}

// helmert is a 7-parameter similarity transform of geocentric coordinates,
// coordinate frame convention (EPSG method 9607).
type helmert struct {
	tx, ty, tz float64 // metres
	rx, ry, rz float64 // arc-seconds
	ppm        float64 // scale difference, parts per million
}

// inverse maps the target system's geocentric coordinates back to the
// source's as PROJ's "+inv +proj=helmert" does: remove the translation and
// scale, then rotate by the transpose of the small-angle rotation matrix.
// The transpose is the exact inverse only to second order in the angles,
// which at 0.02" is 10⁻¹⁴ of the radius: nothing at all.
func (h helmert) inverse(x, y, z float64) (float64, float64, float64) {
	const arcsec = math.Pi / (180 * 3600)
	rx, ry, rz := h.rx*arcsec, h.ry*arcsec, h.rz*arcsec
	s := 1 + h.ppm*1e-6
	x, y, z = (x-h.tx)/s, (y-h.ty)/s, (z-h.tz)/s
	// Coordinate frame rotation R = [1 rz -ry; -rz 1 rx; ry -rx 1];
	// the source is Rᵀ·(X - T)/s.
	return x - rz*y + ry*z,
		rz*x + y - rx*z,
		-ry*x + rx*y + z
}

// toVN2000 is EPSG:4756: WGS 84 longitude/latitude to VN-2000's on the
// same ellipsoid, through geocentric coordinates at height zero (PROJ keeps
// the height aside and restores it, so a 2D point shifts as one on the
// ellipsoid does).
func toVN2000(lon, lat float64) (float64, float64) {
	x, y, z := geocentric(lon*deg, lat*deg, 0)
	x, y, z = vn2000ToWGS84.inverse(x, y, z)
	lam, phi := geodetic(x, y, z)
	return lam / deg, phi / deg
}

// vn2000UTM returns the VN-2000 / UTM projection of the zone whose
// central meridian is lon0 degrees: the datum shift of toVN2000 and then
// the transverse Mercator with scale 0.9996 and false easting 500 km.
func vn2000UTM(lon0 float64) func(lon, lat float64) (float64, float64) {
	tm := newTransverseMercator(wgs84A, wgs84F, 0.9996)
	return func(lon, lat float64) (float64, float64) {
		lon, lat = toVN2000(lon, lat)
		x, y := tm.forward((lon-lon0)*deg, lat*deg)
		return 500000 + x, y
	}
}

// geocentric returns the Earth-centred Cartesian coordinates in metres of
// longitude lam, latitude phi (radians) and ellipsoidal height h on WGS 84.
func geocentric(lam, phi, h float64) (x, y, z float64) {
	e2 := wgs84F * (2 - wgs84F)
	sinPhi, cosPhi := math.Sincos(phi)
	n := wgs84A / math.Sqrt(1-e2*sinPhi*sinPhi)
	return (n + h) * cosPhi * math.Cos(lam), (n + h) * cosPhi * math.Sin(lam), (n*(1-e2) + h) * sinPhi
}

// geodetic is the inverse of geocentric at any height, returning longitude
// and latitude in radians. The latitude is iterated from Bowring's start,
// which near the ellipsoid converges to 10⁻¹⁵ rad in two steps; four are
// run.
func geodetic(x, y, z float64) (lam, phi float64) {
	e2 := wgs84F * (2 - wgs84F)
	p := math.Hypot(x, y)
	phi = math.Atan2(z, p*(1-e2))
	for i := 0; i < 4; i++ {
		sinPhi := math.Sin(phi)
		n := wgs84A / math.Sqrt(1-e2*sinPhi*sinPhi)
		phi = math.Atan2(z+e2*n*sinPhi, p)
	}
	return math.Atan2(y, x), phi
}

// transverseMercator is the ellipsoidal transverse Mercator by Krüger's
// series in the third flattening n, to order n⁶ (Karney, "Transverse
// Mercator with an accuracy of a few nanometers", J. Geodesy 85, 2011),
// which is accurate to well under a millimetre within a UTM zone and
// several degrees beyond it.
type transverseMercator struct {
	e     float64    // eccentricity
	ak0   float64    // rectifying radius A times the scale k0
	alpha [6]float64 // α₁…α₆
}

func newTransverseMercator(a, f, k0 float64) transverseMercator {
	n := f / (2 - f)
	n2 := n * n
	n3 := n2 * n
	n4, n5, n6 := n2*n2, n2*n3, n3*n3
	A := a / (1 + n) * (1 + n2/4 + n4/64 + n6/256)
	return transverseMercator{
		e:   math.Sqrt(f * (2 - f)),
		ak0: A * k0,
		alpha: [6]float64{
			n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
			13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
			61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
			49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
			34729*n5/80640 - 3418889*n6/1995840,
			212378941 * n6 / 319334400,
		},
	}
}

// forward maps dlam, the longitude from the central meridian, and phi, the
// latitude (radians), to easting and northing in metres from the central
// meridian and the equator, before any false easting.
func (tm transverseMercator) forward(dlam, phi float64) (x, y float64) {
	e := tm.e
	t := math.Sinh(math.Atanh(math.Sin(phi)) - e*math.Atanh(e*math.Sin(phi)))
	xi0 := math.Atan2(t, math.Cos(dlam))
	eta0 := math.Atanh(math.Sin(dlam) / math.Sqrt(1+t*t))
	xi, eta := xi0, eta0
	for j, a := range tm.alpha {
		k := 2 * float64(j+1)
		xi += a * math.Sin(k*xi0) * math.Cosh(k*eta0)
		eta += a * math.Cos(k*xi0) * math.Sinh(k*eta0)
	}
	return tm.ak0 * eta, tm.ak0 * xi
}
