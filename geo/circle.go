package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// CircleVertices is how many vertices Circle gives a circle: the 32 of the
// operator scenarios' sites.
const CircleVertices = 32

// Circle returns a closed counter-clockwise polygon of CircleVertices
// vertices on the circle of radiusM metres about centre (EPSG:4326), with
// the local scale of the grid (110,574 m per degree of latitude, 111,320 ×
// cos(latitude) per degree of longitude): a site's footprint, good for
// radii up to tens of kilometres away from the poles.
func Circle(centre orb.Point, radiusM float64) orb.Polygon {
	kx := MetresPerDegLon * math.Cos(centre.Lat()*math.Pi/180)
	ring := make(orb.Ring, 0, CircleVertices+1)
	for k := range CircleVertices {
		t := 2 * math.Pi * float64(k) / CircleVertices
		ring = append(ring, orb.Point{centre.Lon() + radiusM*math.Cos(t)/kx, centre.Lat() + radiusM*math.Sin(t)/MetresPerDegLat})
	}
	ring = append(ring, ring[0])
	return orb.Polygon{ring}
}

// Distance returns the distance in metres between two nearby points
// (EPSG:4326) in the local scale of Circle, taken at their mean latitude:
// the vertices of Circle(c, r) are about r metres from c. It is good to well
// under 1% up to tens of kilometres; it is not a great-circle distance.
func Distance(a, b orb.Point) float64 {
	kx := MetresPerDegLon * math.Cos((a.Lat()+b.Lat())/2*math.Pi/180)
	return math.Hypot((a.Lon()-b.Lon())*kx, (a.Lat()-b.Lat())*MetresPerDegLat)
}
