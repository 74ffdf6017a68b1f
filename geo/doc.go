// Package geo holds Phủ Sóng's domain types that carry geometry and the
// coverage calculator. It is pure: no I/O, no database, no HTTP. Geometry is
// held in memory as orb types in EPSG:4326 (longitude, latitude in degrees);
// go-geom is used only for encodings orb lacks (WKB inside GeoPackage
// binaries), behind the small adapter in gpkg.go.
package geo
