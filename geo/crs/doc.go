// Package crs transforms Phủ Sóng's geometry, which is always WGS 84
// longitude/latitude (EPSG:4326), into the few coordinate reference systems
// Vietnamese GIS users ask for: Web Mercator (EPSG:3857), VN-2000
// geographic (EPSG:4756) and VN-2000 / UTM zones 48N and 49N (EPSG:3405,
// EPSG:3406).
//
// It is pure Go, so that the service builds without cgo or libproj, and it
// reproduces PROJ's own pipelines: the datum shift is EPSG:6960 "VN-2000 to
// WGS 84 (2)", the Ministry's 7-parameter Helmert in the coordinate frame
// convention, applied in reverse, and the transverse Mercator is Krüger's
// series in n to order 6 (Karney 2011), which agrees with PROJ to well under
// a millimetre across Vietnam. Only forward transforms from WGS 84 exist:
// nothing in the service reads geometry in another system.
//
// Every output is x first: easting/northing in metres for the projected
// systems, longitude/latitude in degrees for the geographic ones, as
// GeoJSON, GeoPackage and GDAL order them, whatever the EPSG axis order.
package crs
