package export

import (
	"strconv"

	"github.com/phusong/phusong/geo/crs"
)

// InCRS returns a copy of the table whose geometry is in c, for an export
// asked for in a system other than EPSG:4326; the rows' attributes are
// shared, the geometry is new, and t is left as it was. For WGS 84 it
// returns t.
func (t *Table) InCRS(c crs.CRS) *Table {
	if c.IsWGS84() {
		return t
	}
	out := *t
	out.CRS = c
	out.Rows = make([]Row, len(t.Rows))
	for i, r := range t.Rows {
		r.Geometry = c.Project(r.Geometry)
		out.Rows[i] = r
	}
	return &out
}

// crsMember is the GeoJSON 2008 "crs" member naming the table's system,
// which RFC 7946 dropped but GDAL and QGIS still read; nil in EPSG:4326,
// where RFC 7946 wants none.
func (t *Table) crsMember() map[string]any {
	if t.CRS.Code == 0 || t.CRS.IsWGS84() {
		return nil
	}
	return map[string]any{"type": "name", "properties": map[string]any{"name": "urn:ogc:def:crs:EPSG::" + strconv.Itoa(t.CRS.Code)}}
}
