// Package export presents one layer's figures per commune as every output
// shows them: a Table of Rows built from the calculator's figures (package
// geo), written as a GeoJSON FeatureCollection (orb's geojson), CSV for
// spreadsheets (the standard library) and KML for Google Earth (go-kml,
// with go-geom's KML encoder for the geometry, which orb lacks). The API's
// GeoJSON, OGC API – Features, the vector tiles' attributes and the
// GeoPackage export (package data) read the same Table, so their values
// agree.
//
// It does no I/O of its own: writers take an io.Writer.
//
// The files in testdata/ are golden copies of the GeoJSON, CSV and KML of
// a small table (TestTable_Golden), compared by what they say rather than
// byte for byte: GeoJSON as JSON values, CSV record by record, KML element
// by element, numbers within 1e-9. After a deliberate change of output,
// rewrite them and read the diff:
//
//	go test ./geo/export -update
package export
