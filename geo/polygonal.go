package geo

import (
	"encoding/json"

	"github.com/paulmach/orb"
)

// ReadPolygonal decodes a GeoJSON geometry that must be a Polygon or a
// MultiPolygon with closed rings and coordinates in range (see
// CheckPolygonal), as the commune reader does, returning it as a
// MultiPolygon or a message saying what is wrong.
func ReadPolygonal(raw json.RawMessage) (orb.MultiPolygon, string) { return readPolygonal(raw) }
