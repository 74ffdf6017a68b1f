package geotiff

import (
	"bytes"
	"math"
	"testing"
)

// fuzzLimits keep each input of the fuzz test to a few megabytes: what
// Decode allows (800 MB of no-data blocks from a tiny file) is a
// legitimate answer but would make fuzzing crawl.
var fuzzLimits = limits{pixels: 1 << 20, blockBytes: 4 << 20}

// FuzzDecode feeds Decode mutated GeoTIFFs: it must return a raster or an
// error, never panic, and a raster must be consistent.
func FuzzDecode(f *testing.F) {
	f.Add(encode(f, testRaster(5, 4, true)))
	f.Add(encode(f, testRaster(40, 600, false)))
	f.Add(handTIFF(4, 3))
	f.Add(handTIFF(4, 3, tag{tagTileWidth, typeLong, u32(16)}, tag{tagTileLength, typeLong, u32(16)},
		tag{tagStripOffsets, 0, nil}, tag{tagStripByteCounts, 0, nil},
		tag{tagTileOffsets, typeLong, u32(0)}, tag{tagTileByteCounts, typeLong, u32(0)}))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, box := range []*[4]float64{nil, {104.81, 20.95, 104.83, 21.1}} {
			r, err := decode(bytes.NewReader(b), int64(len(b)), box, fuzzLimits)
			if err != nil {
				continue
			}
			if r.Cols <= 0 || r.Rows <= 0 || len(r.Values) != r.Cols*r.Rows || !(r.DX > 0) || !(r.DY > 0) || r.EPSG != 4326 {
				t.Fatalf("inconsistent raster %d × %d, %d values, pixel %g × %g, EPSG:%d", r.Cols, r.Rows, len(r.Values), r.DX, r.DY, r.EPSG)
			}
			w, s, e, n := r.Bounds()
			if math.IsNaN(w + s + e + n) {
				t.Fatalf("bounds %g %g %g %g", w, s, e, n)
			}
			_ = r.At((w+e)/2, (s+n)/2)
		}
	})
}
