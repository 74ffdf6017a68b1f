package basemap_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"github.com/phusong/phusong/geo/basemap"
	"github.com/phusong/phusong/geo/basemap/basemaptest"
)

// write writes b to a file of its own and returns the path.
func write(t *testing.T, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "basemap.pmtiles")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func build(t *testing.T, opt basemaptest.Options) []byte {
	t.Helper()
	b, err := basemaptest.Build(opt)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hoaBinh is the tile at zoom z holding the town of Hòa Bình.
func hoaBinh(z maptile.Zoom) maptile.Tile { return maptile.At(basemaptest.Places["Hòa Bình"], z) }

// Every tile of the archive reads back as the generator encoded it, with
// the tiles in the root directory or in leaves, gzip-compressed or not.
func TestArchive_TilesReadBack(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  basemaptest.Options
	}{
		{"gzip, root only", basemaptest.Options{}},
		{"uncompressed, root only", basemaptest.Options{Uncompressed: true}},
		{"gzip, leaves of 3", basemaptest.Options{LeafSize: 3}},
		{"uncompressed, leaves of 1", basemaptest.Options{Uncompressed: true, LeafSize: 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := basemap.Open(write(t, build(t, c.opt)))
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if a.Gzipped() == c.opt.Uncompressed || a.MinZoom() != 5 || a.MaxZoom() != 10 {
				t.Fatalf("gzipped %v, zooms %d–%d", a.Gzipped(), a.MinZoom(), a.MaxZoom())
			}
			found := 0
			for z := maptile.Zoom(5); z <= 10; z++ {
				lo := maptile.At(basemaptest.Extent.Min, z)
				hi := maptile.At(basemaptest.Extent.Max, z)
				for x := lo.X - 1; x <= hi.X+1; x++ {
					for y := hi.Y - 1; y <= lo.Y+1; y++ {
						want, err := basemaptest.Tile(maptile.New(x, y, z))
						if err != nil {
							t.Fatal(err)
						}
						got, err := a.Tile(uint8(z), x, y)
						if err != nil {
							t.Fatalf("%d/%d/%d: %v", z, x, y, err)
						}
						if a.Gzipped() && got != nil {
							if got, err = basemap.Gunzip(got); err != nil {
								t.Fatal(err)
							}
						}
						// The encoder writes properties in map order: compare
						// what the tiles hold, not their bytes.
						if (got == nil) != (want == nil) || len(got) != len(want) || counts(t, got) != counts(t, want) {
							t.Fatalf("%d/%d/%d: %d bytes (%s), want %d (%s)", z, x, y, len(got), counts(t, got), len(want), counts(t, want))
						}
						if got != nil {
							found++
						}
					}
				}
			}
			if found < 20 {
				t.Fatalf("%d tiles found, want the archive's 20 or more", found)
			}
			tile, _ := a.Tile(9, hoaBinh(9).X, hoaBinh(9).Y)
			if a.Gzipped() {
				tile, _ = basemap.Gunzip(tile)
			}
			layers, err := mvt.Unmarshal(tile)
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]int{}
			for _, l := range layers {
				names[l.Name] = len(l.Features)
			}
			for _, l := range []string{"earth", "water", "roads", "places"} {
				if names[l] == 0 {
					t.Errorf("the tile of Hòa Bình at zoom 9 has no %s features: %v", l, names)
				}
			}
			// Outside the zooms and the grid: no tile, no error.
			for _, zxy := range [][3]uint32{{4, 12, 7}, {11, hoaBinh(11).X, hoaBinh(11).Y}, {3, 8, 0}, {9, 1 << 9, 0}} {
				if b, err := a.Tile(uint8(zxy[0]), zxy[1], zxy[2]); b != nil || err != nil {
					t.Errorf("%v: %d bytes, %v; want none", zxy, len(b), err)
				}
			}
		})
	}
}

// counts says how many features each layer of a tile has.
func counts(t *testing.T, tile []byte) string {
	t.Helper()
	if tile == nil {
		return "no tile"
	}
	layers, err := mvt.Unmarshal(tile)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, l := range layers {
		s = append(s, fmt.Sprintf("%s:%d", l.Name, len(l.Features)))
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

func TestArchive_Metadata(t *testing.T) {
	a, err := basemap.Open(write(t, build(t, basemaptest.Options{})))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if !strings.Contains(a.Attribution(), "OpenStreetMap") {
		t.Errorf("attribution %q", a.Attribution())
	}
	b := a.Bounds()
	if b[0] != 104.8 || b[3] != 21.15 {
		t.Errorf("bounds %v", b)
	}
	tj := a.TileJSON("http://x/basemap/tiles/{z}/{x}/{y}.mvt")
	if tj["tilejson"] != "3.0.0" || len(tj["vector_layers"].([]any)) != 6 {
		t.Errorf("tilejson %v", tj)
	}
}

// A file the service cannot serve is refused at opening, with a sentence
// that says what is wrong with it.
func TestArchive_BadFiles(t *testing.T) {
	good := build(t, basemaptest.Options{})
	header := func(change func(h *pmtiles.HeaderV3)) []byte {
		h, err := basemaptest.Header(good)
		if err != nil {
			t.Fatal(err)
		}
		change(&h)
		return append(pmtiles.SerializeHeader(h), good[pmtiles.HeaderV3LenBytes:]...)
	}
	h, _ := basemaptest.Header(good)
	v2 := append([]byte("PM"), 2, 0)
	v2 = binary.LittleEndian.AppendUint32(v2, 0)
	for _, c := range []struct {
		name, want string
		file       []byte
	}{
		{"empty", "not a PMTiles archive", nil},
		{"GeoJSON", "not a PMTiles archive", []byte(`{"type":"FeatureCollection","features":[]}`)},
		{"MBTiles", "not a PMTiles archive", append([]byte("SQLite format 3\x00"), make([]byte, 200)...)},
		{"version 2", "specification version 2; the service reads version 3", append(v2, make([]byte, 200)...)},
		{"version 4", "specification version 4; the service reads version 3", append(append([]byte("PMTiles"), 4), good[8:]...)},
		{"header cut", "cut short: 60 bytes", good[:60]},
		{"raster", "holds raster tiles (PNG)", header(func(h *pmtiles.HeaderV3) { h.TileType = pmtiles.Png })},
		{"MLT", "MapLibre Tiles", header(func(h *pmtiles.HeaderV3) { h.TileType = pmtiles.Mlt })},
		{"brotli tiles", "compressed with brotli", header(func(h *pmtiles.HeaderV3) { h.TileCompression = pmtiles.Brotli })},
		{"zstd directories", "directories are compressed with zstd", header(func(h *pmtiles.HeaderV3) { h.InternalCompression = pmtiles.Zstd })},
		{"zooms", "zooms 10 to 5", header(func(h *pmtiles.HeaderV3) { h.MinZoom, h.MaxZoom = 10, 5 })},
		{"body cut", "the file is cut short", good[:len(good)-100]},
		{"root not gzip", "root directory: not gzip-compressed", header(func(h *pmtiles.HeaderV3) { h.RootOffset, h.RootLength = h.TileDataOffset+2, 8 })},
		{"metadata not JSON", "metadata", header(func(h *pmtiles.HeaderV3) { h.MetadataOffset = h.RootOffset })},
		{"no tiles", "root directory is empty", header(func(h *pmtiles.HeaderV3) { h.RootLength = 0 })},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := basemap.Open(write(t, c.file))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
	if _, err := basemap.Open(t.TempDir()); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("a folder: %v", err)
	}
	if _, err := basemap.Open(filepath.Join(t.TempDir(), "none.pmtiles")); err == nil || !os.IsNotExist(err) {
		t.Errorf("a missing file: %v", err)
	}
	_ = h
}

// A damaged directory of an opened archive fails the tile, not the service.
func TestArchive_DamagedLeaf(t *testing.T) {
	b := build(t, basemaptest.Options{LeafSize: 2, Uncompressed: true})
	h, _ := basemaptest.Header(b)
	// The first leaf's count of entries says far more than its bytes hold.
	b[h.LeafDirectoryOffset] = 0x7f
	a, err := basemap.Open(write(t, b))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	errs := 0
	for z := uint8(5); z <= 10; z++ {
		for x := uint32(0); x < 1<<z; x++ {
			if x < (1<<z)*284/360 || x > (1<<z)*287/360 {
				continue
			}
			for y := uint32(0); y < 1<<z; y++ {
				if _, err := a.Tile(z, x, y); err != nil {
					errs++
					if !strings.Contains(err.Error(), "damaged") {
						t.Fatal(err)
					}
				}
			}
		}
	}
	if errs == 0 {
		t.Fatal("no tile read the damaged leaf")
	}
}

func TestGunzip_Bounded(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	io.CopyN(zw, zeros{}, 17<<20)
	zw.Close()
	if _, err := basemap.Gunzip(buf.Bytes()); err == nil || !strings.Contains(err.Error(), "once decompressed") {
		t.Fatalf("a tile of 17 MB decompressed: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// BenchmarkArchive_Tile reads one tile through the root and a leaf
// directory (cached after the first read), as the service does per request.
func BenchmarkArchive_Tile(b *testing.B) {
	raw, err := basemaptest.Build(basemaptest.Options{LeafSize: 4})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "b.pmtiles")
	os.WriteFile(path, raw, 0o644)
	a, err := basemap.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	tile := hoaBinh(10)
	for b.Loop() {
		if t, err := a.Tile(10, tile.X, tile.Y); err != nil || t == nil {
			b.Fatal(err)
		}
	}
}
