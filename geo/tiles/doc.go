// Package tiles cuts Mapbox Vector Tiles (MVT 2.1) of the communes'
// shapes for maps of many communes, where one GeoJSON document would be too
// heavy: a Set projects the shapes to Web Mercator once, simplifies them
// per zoom (orb's simplify), clips them to each tile (orb's clip) and
// encodes the tile with orb's encoding/mvt. The attributes of each feature
// are the caller's (package api gives the export table's columns).
//
// Like package geo, whose errors it returns, it does no I/O: a tile comes
// back as []byte.
package tiles
