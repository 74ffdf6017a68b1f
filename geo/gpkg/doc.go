// Package gpkg encodes and decodes the geometry of a GeoPackage feature
// row: the GeoPackage binary header (GeoPackage 1.3, §2.1.3) followed by
// WKB, for the multipolygons of Phủ Sóng's communes and footprints in
// EPSG:4326 (geo.SRID). The store keeps every shape this way and the
// GeoPackage export writes its rows this way.
//
// The WKB is written and read by orb's encoding/wkb, since orb is the
// in-memory geometry type; go-geom wrote it before, and the bytes are the
// same (TestWKB_OrbSameAsGoGeom keeps go-geom as the reference). Like
// package geo, it does no I/O: blobs go in and out as []byte.
//
// testdata/blobs.json holds golden blobs in hex (TestEncode_Golden),
// compared byte for byte since GDAL, QGIS and every store read these bytes;
// after a deliberate change, rewrite it with go test ./geo/gpkg -update.
package gpkg
