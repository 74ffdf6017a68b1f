// Package geo holds Phủ Sóng's domain types that carry geometry and the
// coverage calculator, and reads filings and commune files. It is pure: no
// I/O, no database, no HTTP. Geometry is held in memory as orb types in
// EPSG:4326 (longitude, latitude in degrees).
//
// What is built on it lives beside it and imports it, never the reverse:
// geo/export (the table every output presents, and its GeoJSON, CSV and KML
// files), geo/gpkg (the GeoPackage geometry blob), geo/tiles (Mapbox
// Vector Tiles of the communes) and geo/seed (approximate shapes, the
// default remote set and demonstration filings).
package geo
