package geotiff

import (
	"fmt"
)

// MaxPixels is the most pixels Decode and DecodeWindow return: 200 million
// float32 values, 800 MB. Larger requests are refused before anything is
// allocated, since files come from users.
const MaxPixels = 200_000_000

// Bounds on the structure of a file, checked before allocating: a side of
// the raster, and a strip or tile decoded in memory at once.
const (
	maxSide       = 1 << 24
	maxBlockBytes = 256 << 20
)

// limits bounds what one call may allocate. Decode uses MaxPixels and
// maxBlockBytes; the fuzz test lowers them, since every input it makes may
// legitimately claim hundreds of megabytes of no-data blocks.
type limits struct {
	pixels, blockBytes int64
}

// defaultLimits are the limits of Decode and DecodeWindow.
var defaultLimits = limits{pixels: MaxPixels, blockBytes: maxBlockBytes}

// maxRatio bounds how many bytes one compressed byte can decode to: 1032
// for Deflate, and for TIFF's LZW one 9-bit code yields at most a
// 4096-byte string. A block claiming more is corrupt, and refusing it
// before allocating keeps a tiny file from demanding gigabytes.
func maxRatio(compression uint64) uint64 {
	switch compression {
	case compressionNone:
		return 1
	case compressionLZW:
		return 4096
	}
	return 1032
}

// sampleKind is how the bits of a sample are read.
type sampleKind int

const (
	unsignedInt sampleKind = iota
	signedInt
	float
)

// TIFF compression codes read by this package.
const (
	compressionNone       = 1
	compressionLZW        = 5
	compressionDeflate    = 8
	compressionDeflateOld = 32946
)

// compressionNames names the compressions users meet, for messages.
var compressionNames = map[uint64]string{
	1: "none", 2: "CCITT RLE", 3: "CCITT Group 3 fax", 4: "CCITT Group 4 fax",
	5: "LZW", 6: "old-style JPEG", 7: "JPEG", 8: "Deflate", 32773: "PackBits",
	32946: "Deflate", 34676: "SGILog", 34677: "SGILog24", 34712: "JPEG 2000",
	34887: "LERC", 34925: "LZMA", 50000: "ZSTD", 50001: "WebP",
	50002: "JPEG XL", 52546: "JPEG XL",
}

// layout is how the pixels of the first image are laid out in the file.
type layout struct {
	cols, rows     int
	tiled          bool
	blockW, blockH int // tile size, or cols × RowsPerStrip
	across, down   int // blocks across and down
	offsets        []uint64
	counts         []uint64
	compression    uint64
	predictor      uint64
	kind           sampleKind
	bytes          int // per sample
}

// blockName is "strip" or "tile", for messages.
func (l *layout) blockName() string {
	if l.tiled {
		return "tile"
	}
	return "strip"
}

// readLayout reads and checks the image structure tags.
func (f *file) readLayout(lim limits) (*layout, error) {
	l := &layout{}
	w, err := f.uint(tagImageWidth, 0)
	if err != nil {
		return nil, err
	}
	h, err := f.uint(tagImageLength, 0)
	if err != nil {
		return nil, err
	}
	if w == 0 || h == 0 {
		return nil, corrupt("the image is %d × %d pixels", w, h)
	}
	if w > maxSide || h > maxSide {
		return nil, unsupported("the image is %d × %d pixels, more than %d on a side", w, h, maxSide)
	}
	l.cols, l.rows = int(w), int(h)

	spp, err := f.uint(tagSamplesPerPixel, 1)
	if err != nil {
		return nil, err
	}
	if spp != 1 {
		return nil, unsupported("the image has %d bands (SamplesPerPixel %d); expected one band of counts — extract it with gdal_translate -b 1", spp, spp)
	}
	// PlanarConfiguration 2 with one band is laid out as 1.
	if pc, err := f.uint(tagPlanarConfig, 1); err != nil {
		return nil, err
	} else if pc != 1 && pc != 2 {
		return nil, corrupt("PlanarConfiguration is %d", pc)
	}

	if err := l.readSampleFormat(f); err != nil {
		return nil, err
	}
	if err := l.readCompression(f); err != nil {
		return nil, err
	}
	if err := l.readBlocks(f, lim); err != nil {
		return nil, err
	}
	return l, nil
}

// readSampleFormat reads BitsPerSample and SampleFormat.
func (l *layout) readSampleFormat(f *file) error {
	bits, err := f.uint(tagBitsPerSample, 1)
	if err != nil {
		return err
	}
	format, err := f.uint(tagSampleFormat, 1)
	if err != nil {
		return err
	}
	switch format {
	case 1:
		l.kind = unsignedInt
	case 2:
		l.kind = signedInt
	case 3:
		l.kind = float
	default:
		return unsupported("SampleFormat %d (%s) is not read; convert with gdal_translate -ot Float32", format, sampleFormatName(format))
	}
	ok := bits == 8 || bits == 16 || bits == 32 || bits == 64
	if l.kind == float {
		ok = bits == 32 || bits == 64
	}
	if !ok {
		return unsupported("%d-bit %s samples are not read; convert with gdal_translate -ot Float32", bits, sampleFormatName(format))
	}
	l.bytes = int(bits / 8)
	return nil
}

// sampleFormatName names a SampleFormat value for messages.
func sampleFormatName(format uint64) string {
	switch format {
	case 1:
		return "unsigned integer"
	case 2:
		return "signed integer"
	case 3:
		return "floating point"
	case 4:
		return "undefined"
	case 5:
		return "complex integer"
	case 6:
		return "complex floating point"
	}
	return "unknown"
}

// readCompression reads Compression and Predictor.
func (l *layout) readCompression(f *file) error {
	c, err := f.uint(tagCompression, compressionNone)
	if err != nil {
		return err
	}
	switch c {
	case compressionNone, compressionLZW, compressionDeflate, compressionDeflateOld:
	default:
		name := compressionNames[c]
		if name == "" {
			name = "unknown"
		}
		return unsupported("compression %s (%d) is not read, only none, LZW and Deflate; convert the file with gdal_translate -co COMPRESS=DEFLATE in.tif out.tif", name, c)
	}
	l.compression = c
	p, err := f.uint(tagPredictor, 1)
	if err != nil {
		return err
	}
	if c == compressionNone {
		// libtiff applies a predictor only inside a compression codec.
		p = 1
	}
	switch {
	case p == 1, p == 2:
	case p == 3 && l.kind == float:
	case p == 3:
		return corrupt("the floating-point predictor (3) is set on integer samples")
	default:
		return unsupported("predictor %d is not read; convert the file with gdal_translate -co COMPRESS=DEFLATE -co PREDICTOR=2 in.tif out.tif", p)
	}
	l.predictor = p
	return nil
}

// readBlocks reads the strip or tile structure and checks that the blocks
// are listed and of a sane size.
func (l *layout) readBlocks(f *file, lim limits) error {
	offTag, countTag := uint16(tagStripOffsets), uint16(tagStripByteCounts)
	if f.has(tagTileWidth) || f.has(tagTileOffsets) {
		l.tiled = true
		offTag, countTag = tagTileOffsets, tagTileByteCounts
		tw, err := f.uint(tagTileWidth, 0)
		if err != nil {
			return err
		}
		th, err := f.uint(tagTileLength, 0)
		if err != nil {
			return err
		}
		if tw == 0 || th == 0 {
			return corrupt("tiles are %d × %d pixels", tw, th)
		}
		// A tile larger than the image wastes memory; beyond some slack
		// it is an attack or a broken file.
		if tw > uint64(max(l.cols+15, 1024)) || th > uint64(max(l.rows+15, 1024)) {
			return unsupported("tiles of %d × %d pixels for a %d × %d image; retile with gdal_translate -co TILED=YES", tw, th, l.cols, l.rows)
		}
		l.blockW, l.blockH = int(tw), int(th)
	} else {
		rps, err := f.uint(tagRowsPerStrip, uint64(l.rows))
		if err != nil {
			return err
		}
		if rps == 0 {
			return corrupt("RowsPerStrip is 0")
		}
		l.blockW, l.blockH = l.cols, int(min(rps, uint64(l.rows)))
	}
	if int64(l.blockW)*int64(l.blockH)*int64(l.bytes) > lim.blockBytes {
		return unsupported("a %s of %d × %d pixels decodes to more than %d MiB; rewrite the file with gdal_translate -co TILED=YES", l.blockName(), l.blockW, l.blockH, lim.blockBytes>>20)
	}
	l.across = (l.cols + l.blockW - 1) / l.blockW
	l.down = (l.rows + l.blockH - 1) / l.blockH

	var err error
	if l.offsets, err = f.uints(offTag); err != nil {
		return err
	}
	if l.counts, err = f.uints(countTag); err != nil {
		return err
	}
	n := uint64(l.across) * uint64(l.down)
	if uint64(len(l.offsets)) < n || uint64(len(l.counts)) < n {
		return corrupt("%d %ss are needed for a %d × %d image, but %d offsets and %d byte counts are listed",
			n, l.blockName(), l.cols, l.rows, len(l.offsets), len(l.counts))
	}
	return nil
}

// blockRows returns the rows of block i held in the file: a tile is whole,
// the last strip is cut at the image's last row.
func (l *layout) blockRows(i int) int {
	if l.tiled {
		return l.blockH
	}
	return min(l.blockH, l.rows-(i/l.across)*l.blockH)
}

// checkBlock checks that block i lies in the file and is large enough to
// decode to its size, before anything is allocated for it.
func (l *layout) checkBlock(f *file, i int) error {
	off, n := l.offsets[i], l.counts[i]
	if off == 0 && n == 0 {
		return nil // sparse
	}
	if off > uint64(f.size) || n > uint64(f.size)-off {
		return corrupt("%s %d at offset %d (%d bytes) runs past the end of the file (size %d)", l.blockName(), i, off, n, f.size)
	}
	size := uint64(l.blockRows(i) * l.blockW * l.bytes)
	if l.compression == compressionNone && n < size {
		return l.blockErr(i, "holds %d bytes, %d expected", n, size)
	}
	if n*maxRatio(l.compression)+64 < size {
		return l.blockErr(i, "%d compressed bytes cannot hold the %d bytes of the %s", n, size, l.blockName())
	}
	return nil
}

// blockErr describes block i for messages.
func (l *layout) blockErr(i int, format string, args ...any) error {
	return corrupt("%s %d (offset %d, %d bytes): %s", l.blockName(), i, l.offsets[i], l.counts[i], fmt.Sprintf(format, args...))
}
