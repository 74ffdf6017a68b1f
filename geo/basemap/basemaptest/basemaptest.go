// Package basemaptest writes small PMTiles archives of vector tiles over
// Hòa Bình for the tests: a few made-up features in the layers of the
// Protomaps basemap (earth, landuse, water, boundaries, roads, places), so
// that the service's basemap can be tested with no real extract, which is
// tens of MB and not to be had offline. The shapes are drawn by hand near
// the real river Đà, road QL6 and towns; they are not survey data.
package basemaptest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"
)

// Options choose how the archive is written.
type Options struct {
	// Uncompressed stores the tiles and directories as they are; by
	// default both are gzip-compressed, as in the Protomaps builds.
	Uncompressed bool
	// LeafSize, when above 0, puts the tile entries into leaf directories
	// of that many entries, the root pointing to them, as large archives
	// are laid out.
	LeafSize int
	// MinZoom and MaxZoom are the zooms written; 0 and 0 mean 5 to 10.
	MinZoom, MaxZoom uint8
}

// Extent is the archive's extent: west, south, east, north (Hòa Bình).
var Extent = orb.Bound{Min: orb.Point{104.8, 20.3}, Max: orb.Point{105.9, 21.15}}

// Places are the towns written in the places layer, by name.
var Places = map[string]orb.Point{
	"Hòa Bình":  {105.338, 20.813},
	"Mai Châu":  {105.052, 20.664},
	"Lương Sơn": {105.531, 20.876},
	"Tân Lạc":   {105.272, 20.612},
	"Lạc Sơn":   {105.447, 20.452},
}

// QL6 is the highway written in the roads layer, west to east.
var QL6 = orb.LineString{{104.85, 20.6}, {105.05, 20.66}, {105.2, 20.72}, {105.338, 20.813}, {105.45, 20.85}, {105.531, 20.876}, {105.75, 20.93}}

// Da is the river Đà written in the water layer (a line), south-west to north.
var Da = orb.LineString{{104.82, 20.95}, {104.95, 20.86}, {105.1, 20.83}, {105.25, 20.8}, {105.338, 20.83}, {105.37, 20.92}, {105.4, 21.05}, {105.42, 21.14}}

// Reservoir is the lake written in the water layer (a polygon).
var Reservoir = orb.Polygon{{{105.12, 20.86}, {105.22, 20.9}, {105.3, 20.86}, {105.33, 20.84}, {105.26, 20.825}, {105.15, 20.84}, {105.12, 20.86}}}

// features returns the basemap's features by layer, new each time (tiling
// projects them in place).
func features() map[string]*geojson.FeatureCollection {
	fc := func(fs ...*geojson.Feature) *geojson.FeatureCollection {
		c := geojson.NewFeatureCollection()
		c.Features = fs
		return c
	}
	f := func(g orb.Geometry, props map[string]any) *geojson.Feature {
		ft := geojson.NewFeature(orb.Clone(g))
		ft.Properties = props
		return ft
	}
	places := []*geojson.Feature{}
	names := make([]string, 0, len(Places))
	for n := range Places {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		rank := 9
		if n == "Hòa Bình" {
			rank = 11
		}
		places = append(places, f(Places[n], map[string]any{"kind": "locality", "kind_detail": "town", "name": n, "population_rank": rank, "min_zoom": 7}))
	}
	return map[string]*geojson.FeatureCollection{
		"earth": fc(f(Extent.ToPolygon(), map[string]any{"kind": "earth"})),
		"landuse": fc(f(orb.Polygon{{{104.9, 20.45}, {105.1, 20.45}, {105.1, 20.58}, {104.9, 20.58}, {104.9, 20.45}}},
			map[string]any{"kind": "forest", "name": "Rừng Hang Kia"})),
		"water": fc(
			f(Reservoir, map[string]any{"kind": "lake", "name": "Hồ Hòa Bình"}),
			f(Da, map[string]any{"kind": "river", "name": "Sông Đà"}),
			f(orb.LineString{{105.6, 20.5}, {105.62, 20.7}, {105.7, 20.9}}, map[string]any{"kind": "stream", "name": "Sông Bôi"}),
		),
		"boundaries": fc(f(orb.LineString{{104.8, 21.15}, {105.3, 21.1}, {105.9, 21.0}}, map[string]any{"kind": "region", "kind_detail": 4})),
		"roads": fc(
			f(QL6, map[string]any{"kind": "highway", "kind_detail": "trunk", "ref": "QL6"}),
			f(orb.LineString{{105.338, 20.813}, {105.3, 20.7}, {105.272, 20.612}, {105.447, 20.452}}, map[string]any{"kind": "major_road", "kind_detail": "primary", "ref": "QL12B"}),
			f(orb.LineString{{105.052, 20.664}, {105.0, 20.62}, {104.95, 20.55}}, map[string]any{"kind": "minor_road", "kind_detail": "tertiary"}),
		),
		"places": fc(places...),
	}
}

// Tile encodes the tile t (nil when nothing of the basemap is in it).
func Tile(t maptile.Tile) ([]byte, error) {
	if !t.Bound().Intersects(Extent) {
		return nil, nil
	}
	layers := mvt.NewLayers(features())
	for _, l := range layers {
		l.Version = 2 // the current specification, as real tiles are
	}
	layers.ProjectToTile(t)
	layers.Clip(mvt.MapboxGLDefaultExtentBound)
	layers.RemoveEmpty(0, 0)
	if len(layers) == 0 {
		return nil, nil
	}
	return mvt.Marshal(layers)
}

// Write writes an archive to path.
func Write(path string, opt Options) error {
	b, err := Build(opt)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// Build returns an archive: a PMTiles version 3 file laid out as the
// specification says (header, root directory, metadata, leaf directories,
// tile data), its directories and metadata written by go-pmtiles.
func Build(opt Options) ([]byte, error) {
	if opt.MinZoom == 0 && opt.MaxZoom == 0 {
		opt.MinZoom, opt.MaxZoom = 5, 10
	}
	compression := pmtiles.Compression(pmtiles.Gzip)
	if opt.Uncompressed {
		compression = pmtiles.NoCompression
	}
	var data bytes.Buffer
	var entries []pmtiles.EntryV3
	for z := opt.MinZoom; z <= opt.MaxZoom; z++ {
		lo := maptile.At(orb.Point{Extent.Min[0], Extent.Max[1]}, maptile.Zoom(z))
		hi := maptile.At(orb.Point{Extent.Max[0], Extent.Min[1]}, maptile.Zoom(z))
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				tile, err := Tile(maptile.New(x, y, maptile.Zoom(z)))
				if err != nil {
					return nil, fmt.Errorf("tile %d/%d/%d: %w", z, x, y, err)
				}
				if tile == nil {
					continue
				}
				if compression == pmtiles.Gzip {
					tile = gzipped(tile)
				}
				entries = append(entries, pmtiles.EntryV3{TileID: pmtiles.ZxyToID(z, x, y), Offset: uint64(data.Len()), Length: uint32(len(tile)), RunLength: 1})
				data.Write(tile)
			}
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].TileID < entries[j].TileID })

	var root, leaves []byte
	if opt.LeafSize > 0 {
		var rootEntries []pmtiles.EntryV3
		for i := 0; i < len(entries); i += opt.LeafSize {
			leaf := pmtiles.SerializeEntries(entries[i:min(i+opt.LeafSize, len(entries))], compression)
			rootEntries = append(rootEntries, pmtiles.EntryV3{TileID: entries[i].TileID, Offset: uint64(len(leaves)), Length: uint32(len(leaf))})
			leaves = append(leaves, leaf...)
		}
		root = pmtiles.SerializeEntries(rootEntries, compression)
	} else {
		root = pmtiles.SerializeEntries(entries, compression)
	}
	layers := []any{}
	for _, id := range []string{"earth", "landuse", "water", "boundaries", "roads", "places"} {
		layers = append(layers, map[string]any{"id": id, "fields": map[string]string{"kind": "String", "name": "String"}})
	}
	metadata, err := pmtiles.SerializeMetadata(map[string]any{
		"name":          "Hòa Bình test basemap",
		"description":   "Made-up features for Phủ Sóng's tests",
		"attribution":   `© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors`,
		"vector_layers": layers,
	}, compression)
	if err != nil {
		return nil, err
	}
	h := pmtiles.HeaderV3{
		SpecVersion:         3,
		RootOffset:          pmtiles.HeaderV3LenBytes,
		RootLength:          uint64(len(root)),
		AddressedTilesCount: uint64(len(entries)),
		TileEntriesCount:    uint64(len(entries)),
		TileContentsCount:   uint64(len(entries)),
		Clustered:           true,
		InternalCompression: compression,
		TileCompression:     compression,
		TileType:            pmtiles.Mvt,
		MinZoom:             opt.MinZoom,
		MaxZoom:             opt.MaxZoom,
		MinLonE7:            int32(Extent.Min[0] * 1e7),
		MinLatE7:            int32(Extent.Min[1] * 1e7),
		MaxLonE7:            int32(Extent.Max[0] * 1e7),
		MaxLatE7:            int32(Extent.Max[1] * 1e7),
		CenterZoom:          8,
		CenterLonE7:         int32(105.338 * 1e7),
		CenterLatE7:         int32(20.813 * 1e7),
	}
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(len(metadata))
	h.LeafDirectoryOffset = h.MetadataOffset + h.MetadataLength
	h.LeafDirectoryLength = uint64(len(leaves))
	h.TileDataOffset = h.LeafDirectoryOffset + h.LeafDirectoryLength
	h.TileDataLength = uint64(data.Len())
	var out bytes.Buffer
	out.Write(pmtiles.SerializeHeader(h))
	out.Write(root)
	out.Write(metadata)
	out.Write(leaves)
	out.Write(data.Bytes())
	return out.Bytes(), nil
}

// Header returns the header of an archive that Build made, for a test to
// change and write back with pmtiles.SerializeHeader.
func Header(archive []byte) (pmtiles.HeaderV3, error) {
	return pmtiles.DeserializeHeader(archive[:pmtiles.HeaderV3LenBytes])
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
