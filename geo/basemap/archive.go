// Package basemap reads a local PMTiles (version 3) archive of vector
// tiles, such as an extract of the Protomaps basemap for one province, so
// that the service can draw roads, rivers and place names under the
// communes with no request leaving the machine. The archive's format is
// read with github.com/protomaps/go-pmtiles; this package checks what that
// library takes on trust (lengths, offsets, compressions) so that a wrong
// or damaged file is refused at start-up with a sentence saying why.
package basemap

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"strconv"
	"sync"

	"github.com/protomaps/go-pmtiles/pmtiles"
)

// maxDirectoryBytes bounds a directory or the metadata once decompressed:
// the directories of a planet-wide archive are a few MB each.
const maxDirectoryBytes = 64 << 20

// maxTileBytes bounds a tile as stored and as decompressed; the Protomaps
// basemap keeps its tiles under 500 KB.
const maxTileBytes = 16 << 20

// maxDepth bounds the directories followed from the root to a tile: the
// specification uses a root and one level of leaves.
const maxDepth = 4

// maxCachedLeaves bounds the leaf directories kept in memory.
const maxCachedLeaves = 64

// Archive is an open PMTiles archive of vector tiles. Its methods are safe
// for concurrent use.
type Archive struct {
	path     string
	f        *os.File
	size     int64
	header   pmtiles.HeaderV3
	root     []pmtiles.EntryV3
	metadata map[string]any
	version  string

	mu     sync.Mutex
	leaves map[uint64][]pmtiles.EntryV3 // by offset in the leaf section
}

// Open opens the archive at path and checks that it can be served: a
// PMTiles version 3 file of vector (MVT) tiles, gzip-compressed or not,
// whose header, root directory and metadata are whole.
func Open(path string) (*Archive, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	a, err := open(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	return a, nil
}

func open(f *os.File, path string) (*Archive, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, errors.New("is a folder; want a PMTiles file")
	}
	a := &Archive{path: path, f: f, size: st.Size(), leaves: map[uint64][]pmtiles.EntryV3{}}
	head := make([]byte, pmtiles.HeaderV3LenBytes)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	head = head[:n]
	if err := checkMagic(head); err != nil {
		return nil, err
	}
	if len(head) < pmtiles.HeaderV3LenBytes {
		return nil, fmt.Errorf("the file is cut short: %d bytes, less than the %d-byte PMTiles header", len(head), pmtiles.HeaderV3LenBytes)
	}
	h, err := pmtiles.DeserializeHeader(head)
	if err != nil {
		return nil, fmt.Errorf("not a PMTiles version 3 archive: %v", err)
	}
	a.header = h
	sum := fnv.New64a()
	fmt.Fprintf(sum, "%d %d ", st.Size(), st.ModTime().UnixNano())
	sum.Write(head)
	a.version = strconv.FormatUint(sum.Sum64(), 36)
	if h.TileType != pmtiles.Mvt {
		return nil, fmt.Errorf("holds %s; the basemap must be vector tiles (MVT), such as the Protomaps basemap", tileTypeName(h.TileType))
	}
	if h.TileCompression != pmtiles.NoCompression && h.TileCompression != pmtiles.Gzip {
		return nil, fmt.Errorf("its tiles are compressed with %s; the service serves gzip-compressed or uncompressed tiles (the Protomaps builds use gzip)",
			compressionName(h.TileCompression))
	}
	if h.InternalCompression != pmtiles.NoCompression && h.InternalCompression != pmtiles.Gzip {
		return nil, fmt.Errorf("its directories are compressed with %s; the service reads gzip-compressed or uncompressed directories",
			compressionName(h.InternalCompression))
	}
	if h.MinZoom > h.MaxZoom || h.MaxZoom > 30 {
		return nil, fmt.Errorf("zooms %d to %d: want a minimum zoom no higher than the maximum, and at most 30", h.MinZoom, h.MaxZoom)
	}
	for _, s := range []struct {
		what        string
		off, length uint64
	}{
		{"the root directory", h.RootOffset, h.RootLength},
		{"the metadata", h.MetadataOffset, h.MetadataLength},
		{"the leaf directories", h.LeafDirectoryOffset, h.LeafDirectoryLength},
		{"the tile data", h.TileDataOffset, h.TileDataLength},
	} {
		if s.off > uint64(a.size) || s.length > uint64(a.size)-s.off {
			return nil, fmt.Errorf("the file is cut short: %s should lie at bytes %d to %d, and the file has %d bytes", s.what, s.off, s.off+s.length, a.size)
		}
	}
	if h.RootLength == 0 {
		return nil, errors.New("the root directory is empty: the archive holds no tiles")
	}
	a.root, err = a.directory(h.RootOffset, h.RootLength)
	if err != nil {
		return nil, fmt.Errorf("the root directory: %w", err)
	}
	if h.MetadataLength > 0 {
		raw, err := a.read(h.MetadataOffset, h.MetadataLength, h.InternalCompression, maxDirectoryBytes)
		if err != nil {
			return nil, fmt.Errorf("the metadata: %w", err)
		}
		if err := json.Unmarshal(raw, &a.metadata); err != nil {
			return nil, fmt.Errorf("the metadata is not a JSON object: %v", err)
		}
	}
	return a, nil
}

// checkMagic tells a PMTiles version 3 file from another file, and from a
// PMTiles file of an older version, which starts "PM" and its version.
func checkMagic(head []byte) error {
	if bytes.HasPrefix(head, []byte("PMTiles")) {
		if len(head) > 7 && head[7] != 3 {
			return fmt.Errorf("PMTiles specification version %d; the service reads version 3 (convert the file with `pmtiles convert`)", head[7])
		}
		return nil
	}
	if len(head) >= 3 && head[0] == 'P' && head[1] == 'M' && (head[2] == 1 || head[2] == 2) {
		return fmt.Errorf("PMTiles specification version %d; the service reads version 3 (convert the file with `pmtiles convert`)", head[2])
	}
	return errors.New(`not a PMTiles archive (it does not start with "PMTiles"); want a PMTiles version 3 file of vector tiles, e.g. made by pmtiles extract from a Protomaps basemap build`)
}

func tileTypeName(t pmtiles.TileType) string {
	switch t {
	case pmtiles.Png:
		return "raster tiles (PNG)"
	case pmtiles.Jpeg:
		return "raster tiles (JPEG)"
	case pmtiles.Webp:
		return "raster tiles (WebP)"
	case pmtiles.Avif:
		return "raster tiles (AVIF)"
	case pmtiles.Mlt:
		return "MapLibre Tiles (MLT)"
	}
	return fmt.Sprintf("tiles of an unknown type (%d)", t)
}

func compressionName(c pmtiles.Compression) string {
	switch c {
	case pmtiles.NoCompression:
		return "none"
	case pmtiles.Gzip:
		return "gzip"
	case pmtiles.Brotli:
		return "brotli"
	case pmtiles.Zstd:
		return "zstd"
	}
	return fmt.Sprintf("an unknown compression (%d)", c)
}

// Close closes the file.
func (a *Archive) Close() error { return a.f.Close() }

// Path is the file the archive was opened from.
func (a *Archive) Path() string { return a.path }

// MinZoom and MaxZoom are the zooms the archive has tiles for.
func (a *Archive) MinZoom() int { return int(a.header.MinZoom) }
func (a *Archive) MaxZoom() int { return int(a.header.MaxZoom) }

// Bounds is the archive's extent: west, south, east, north in degrees.
func (a *Archive) Bounds() [4]float64 {
	h := a.header
	return [4]float64{float64(h.MinLonE7) / 1e7, float64(h.MinLatE7) / 1e7, float64(h.MaxLonE7) / 1e7, float64(h.MaxLatE7) / 1e7}
}

// Center is the archive's suggested view: longitude, latitude, zoom.
func (a *Archive) Center() [3]float64 {
	h := a.header
	return [3]float64{float64(h.CenterLonE7) / 1e7, float64(h.CenterLatE7) / 1e7, float64(h.CenterZoom)}
}

// Gzipped reports whether the tiles are stored gzip-compressed.
func (a *Archive) Gzipped() bool { return a.header.TileCompression == pmtiles.Gzip }

// Metadata is the archive's JSON metadata (name, attribution,
// vector_layers…), empty when it has none.
func (a *Archive) Metadata() map[string]any {
	if a.metadata == nil {
		return map[string]any{}
	}
	return a.metadata
}

// Tile returns the tile z/x/y as stored (gzip-compressed when Gzipped), or
// nil when the archive has none there (the sea, or outside its extent).
func (a *Archive) Tile(z uint8, x, y uint32) ([]byte, error) {
	if z > 30 || x>>z != 0 || y>>z != 0 || z < a.header.MinZoom || z > a.header.MaxZoom {
		return nil, nil
	}
	id := pmtiles.ZxyToID(z, x, y)
	entries := a.root
	for depth := 0; depth < maxDepth; depth++ {
		e, ok := pmtiles.FindTile(entries, id)
		if !ok {
			return nil, nil
		}
		if e.RunLength > 0 {
			if e.Length > maxTileBytes {
				return nil, fmt.Errorf("tile %d/%d/%d: %d bytes, over the limit of %d", z, x, y, e.Length, maxTileBytes)
			}
			if e.Offset > a.header.TileDataLength || uint64(e.Length) > a.header.TileDataLength-e.Offset {
				return nil, fmt.Errorf("tile %d/%d/%d lies outside the tile data", z, x, y)
			}
			return a.read(a.header.TileDataOffset+e.Offset, uint64(e.Length), pmtiles.NoCompression, maxTileBytes)
		}
		var err error
		if entries, err = a.leaf(e.Offset, uint64(e.Length)); err != nil {
			return nil, fmt.Errorf("tile %d/%d/%d: the leaf directory at %d: %w", z, x, y, e.Offset, err)
		}
	}
	return nil, fmt.Errorf("tile %d/%d/%d: directories nested deeper than %d", z, x, y, maxDepth)
}

// leaf returns the leaf directory at off in the leaf section, from memory
// when it was read before.
func (a *Archive) leaf(off, length uint64) ([]pmtiles.EntryV3, error) {
	a.mu.Lock()
	entries, ok := a.leaves[off]
	a.mu.Unlock()
	if ok {
		return entries, nil
	}
	h := a.header
	if off > h.LeafDirectoryLength || length > h.LeafDirectoryLength-off {
		return nil, errors.New("it lies outside the leaf directories")
	}
	entries, err := a.directory(h.LeafDirectoryOffset+off, length)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if len(a.leaves) >= maxCachedLeaves {
		clear(a.leaves)
	}
	a.leaves[off] = entries
	a.mu.Unlock()
	return entries, nil
}

// directory reads and decodes the directory at off, checking what
// pmtiles.DeserializeEntries does not: that it decompresses, that its count
// of entries fits its length, and that its entries are in order.
func (a *Archive) directory(off, length uint64) ([]pmtiles.EntryV3, error) {
	raw, err := a.read(off, length, a.header.InternalCompression, maxDirectoryBytes)
	if err != nil {
		return nil, err
	}
	n, used := binary.Uvarint(raw)
	// Each entry takes at least four bytes (four varints).
	if used <= 0 || n > uint64(len(raw)-used)/4 {
		return nil, errors.New("it is damaged (its count of entries does not fit its length)")
	}
	entries := pmtiles.DeserializeEntries(bytes.NewBuffer(raw), pmtiles.NoCompression)
	for i, e := range entries {
		if (i > 0 && e.TileID <= entries[i-1].TileID) || e.Length == 0 {
			return nil, errors.New("it is damaged (its entries are out of order or empty)")
		}
	}
	return entries, nil
}

// read reads length bytes at off and decompresses them, up to limit bytes.
func (a *Archive) read(off, length uint64, c pmtiles.Compression, limit int64) ([]byte, error) {
	if off > uint64(a.size) || length > uint64(a.size)-off {
		return nil, fmt.Errorf("bytes %d to %d lie past the end of the file (%d bytes): it is cut short", off, off+length, a.size)
	}
	if int64(length) > limit {
		return nil, fmt.Errorf("%d bytes, over the limit of %d", length, limit)
	}
	buf := make([]byte, length)
	if _, err := a.f.ReadAt(buf, int64(off)); err != nil {
		return nil, err
	}
	if c != pmtiles.Gzip {
		return buf, nil
	}
	return gunzip(buf, limit)
}

// gunzip decompresses b, refusing more than limit bytes.
func gunzip(b []byte, limit int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("not gzip-compressed as the header says: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, fmt.Errorf("damaged gzip data: %v", err)
	}
	if int64(len(out)) > limit {
		return nil, fmt.Errorf("over %d bytes once decompressed", limit)
	}
	return out, nil
}

// Gunzip decompresses a tile stored gzip-compressed, for a client that does
// not take gzip.
func Gunzip(tile []byte) ([]byte, error) { return gunzip(tile, maxTileBytes) }

// Version names the archive's contents for ETags: its size, modification
// time and header, so that a file replaced between two starts gets new
// ones.
func (a *Archive) Version() string {
	return a.version
}
