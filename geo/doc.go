// Package geo holds Phủ Sóng's domain types that carry geometry and the
// coverage calculator. It is pure: no I/O, no database, no HTTP. Geometry is
// held in memory as orb types in EPSG:4326 (longitude, latitude in degrees);
// go-geom is used only for the one encoding orb lacks, KML (kml.go). It also
// turns the calculator's figures into what every output presents (Table:
// GeoJSON, CSV, KML) and cuts Mapbox Vector Tiles of the communes (TileSet).
// The GeoPackage blob codec is package geo/gpkg and the seed data package
// geo/seed; both import geo, never the reverse.
package geo
