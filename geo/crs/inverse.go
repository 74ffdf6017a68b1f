package crs

import (
	"math"

	"github.com/paulmach/orb"
)

// Inverse maps a point of the system back to WGS 84 longitude/latitude in
// degrees, for a bounding box a client gives in the system (OGC API –
// Features' bbox-crs). It solves Forward by Newton's method from a first
// guess, to 10⁻⁹ degrees (0.1 mm), so that it is Forward's inverse however
// the forward transform is built. ok is false for a point whose inverse
// does not converge or lies off the globe: one far outside the system's
// area of use.
func (c CRS) Inverse(p orb.Point) (q orb.Point, ok bool) {
	if c.forward == nil {
		return p, validLonLat(p)
	}
	lon, lat := c.guess(p[0], p[1])
	// The step of the numerical derivative, in degrees: 10⁻⁶° is 0.1 m,
	// where the transforms are linear to far below the tolerance.
	const h = 1e-6
	for i := 0; i < 30; i++ {
		x, y := c.forward(lon, lat)
		fx, fy := x-p[0], y-p[1]
		x1, y1 := c.forward(lon+h, lat)
		x2, y2 := c.forward(lon, lat+h)
		a, b := (x1-x)/h, (x2-x)/h
		cc, d := (y1-y)/h, (y2-y)/h
		det := a*d - b*cc
		if det == 0 || math.IsNaN(det) || math.IsInf(det, 0) {
			return orb.Point{}, false
		}
		dlon, dlat := (d*fx-b*fy)/det, (a*fy-cc*fx)/det
		lon, lat = lon-dlon, lat-dlat
		if math.Abs(dlon) < 1e-10 && math.Abs(dlat) < 1e-10 {
			q = orb.Point{lon, lat}
			return q, validLonLat(q)
		}
	}
	return orb.Point{}, false
}

// guess is the first guess of Inverse: the point itself in a geographic
// system, the spherical inverse for Web Mercator, and for a UTM zone the
// northing as a meridian arc and the easting as a parallel's.
func (c CRS) guess(x, y float64) (lon, lat float64) {
	if c.Geographic {
		return x, y
	}
	lon0, x0, k0 := 0.0, 0.0, 1.0
	switch c.Code {
	case 3405:
		lon0, x0, k0 = 105, 500000, 0.9996
	case 3406:
		lon0, x0, k0 = 111, 500000, 0.9996
	}
	if c.Code == 3857 {
		lat = (2*math.Atan(math.Exp(y/wgs84A)) - math.Pi/2) / deg
	} else {
		lat = y / (wgs84A * k0) / deg // a transverse Mercator's northing is nearly the meridian arc
	}
	lon = lon0 + (x-x0)/(wgs84A*k0*math.Cos(lat*deg))/deg
	return lon, lat
}

func validLonLat(p orb.Point) bool {
	return p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90
}

// InverseBound returns the WGS 84 bound of box b of the system, sampling
// its edges, since a projected box is curved in longitude/latitude: a
// bound that holds the box, a little larger at its corners, which is what
// a bbox filter that keeps whatever intersects it needs. ok is false when
// a sample has no inverse (see Inverse).
func (c CRS) InverseBound(b orb.Bound) (orb.Bound, bool) {
	if c.forward == nil {
		return b, validLonLat(b.Min) && validLonLat(b.Max)
	}
	const steps = 16
	var out orb.Bound
	for i := 0; i <= steps; i++ {
		f := float64(i) / steps
		x := b.Min[0] + f*(b.Max[0]-b.Min[0])
		y := b.Min[1] + f*(b.Max[1]-b.Min[1])
		for j, p := range []orb.Point{{x, b.Min[1]}, {x, b.Max[1]}, {b.Min[0], y}, {b.Max[0], y}} {
			q, ok := c.Inverse(p)
			if !ok {
				return orb.Bound{}, false
			}
			if i == 0 && j == 0 {
				out = orb.Bound{Min: q, Max: q}
			} else {
				out = out.Extend(q)
			}
		}
	}
	return out, true
}
