package export

import (
	"encoding/json"
	"io"

	"github.com/paulmach/orb/geojson"

	"github.com/phusong/phusong/geo"
)

// Feature returns row i as a GeoJSON feature whose id is the commune code
// and whose properties are the row's Columns.
func (t *Table) Feature(i int) *geojson.Feature {
	r := t.Rows[i]
	f := geojson.NewFeature(r.Geometry)
	f.ID = r.Code
	f.Properties = r.Properties()
	return f
}

// FeatureCollection returns every row as a GeoJSON feature collection
// (RFC 7946, EPSG:4326) with the table's metadata as foreign members:
// layer, as_of, computed_at, method, source (when known) and, when any shape is
// approximate, boundary_note and approximate_boundaries.
func (t *Table) FeatureCollection() *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for i := range t.Rows {
		fc.Append(t.Feature(i))
	}
	fc.ExtraMembers = geojson.Properties{
		"layer":       t.Layer,
		"as_of":       t.AsOf,
		"computed_at": t.ComputedAt,
		"method":      t.Method,
	}
	if t.Breakdown != "" {
		fc.ExtraMembers["breakdown"] = t.Breakdown
	}
	if t.Source != "" {
		fc.ExtraMembers["source"] = t.Source
	}
	if m := t.crsMember(); m != nil {
		fc.ExtraMembers["crs"] = m
	}
	if n := t.Approximate(); n > 0 {
		fc.ExtraMembers["boundary_note"] = geo.BoundaryNote
		fc.ExtraMembers["approximate_boundaries"] = n
	}
	return fc
}

// WriteGeoJSON writes the table as one GeoJSON FeatureCollection (see
// FeatureCollection).
func (t *Table) WriteGeoJSON(w io.Writer) error {
	b, err := json.Marshal(t.FeatureCollection())
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
