package geotiff

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
)

// TIFF tags read by this package.
const (
	tagImageWidth      = 256
	tagImageLength     = 257
	tagBitsPerSample   = 258
	tagCompression     = 259
	tagPhotometric     = 262
	tagStripOffsets    = 273
	tagSamplesPerPixel = 277
	tagRowsPerStrip    = 278
	tagStripByteCounts = 279
	tagPlanarConfig    = 284
	tagPredictor       = 317
	tagTileWidth       = 322
	tagTileLength      = 323
	tagTileOffsets     = 324
	tagTileByteCounts  = 325
	tagSampleFormat    = 339
	tagModelPixelScale = 33550
	tagModelTiepoint   = 33922
	tagModelTransform  = 34264
	tagGeoKeyDirectory = 34735
	tagGDALNoData      = 42113
)

// TIFF field types.
const (
	typeByte      = 1
	typeASCII     = 2
	typeShort     = 3
	typeLong      = 4
	typeRational  = 5
	typeSByte     = 6
	typeUndefined = 7
	typeSShort    = 8
	typeSLong     = 9
	typeSRational = 10
	typeFloat     = 11
	typeDouble    = 12
	typeIFD       = 13
	typeLong8     = 16
	typeSLong8    = 17
	typeIFD8      = 18
)

// typeSizes is the size in bytes of one value of each field type; 0 for
// unknown types.
var typeSizes = [...]int{
	typeByte: 1, typeASCII: 1, typeShort: 2, typeLong: 4, typeRational: 8,
	typeSByte: 1, typeUndefined: 1, typeSShort: 2, typeSLong: 4,
	typeSRational: 8, typeFloat: 4, typeDouble: 8, typeIFD: 4,
	typeLong8: 8, typeSLong8: 8, typeIFD8: 8,
}

// maxTagBytes bounds the values of one tag: strip offsets of the largest
// raster allowed fit in it many times over.
const maxTagBytes = 64 << 20

// file is an open TIFF: its byte order, whether it is a BigTIFF and the
// entries of its first image file directory.
type file struct {
	r       io.ReaderAt
	size    int64
	order   binary.ByteOrder
	big     bool
	entries map[uint16]entry
}

// entry is one field of an image file directory, its value not yet read.
type entry struct {
	typ   uint16
	count uint64
	raw   []byte // the value or offset field: 4 bytes, 8 in a BigTIFF
}

// readAt reads len(p) bytes at off, saying what it was reading when the
// file is too short.
func (f *file) readAt(p []byte, off int64, what string) error {
	if off < 0 || off > f.size || int64(len(p)) > f.size-off {
		return corrupt("%s at offset %d (%d bytes) runs past the end of the file (size %d)", what, off, len(p), f.size)
	}
	if _, err := f.r.ReadAt(p, off); err != nil && !(errors.Is(err, io.EOF) && off+int64(len(p)) == f.size) {
		return corrupt("reading %s at offset %d: %v", what, off, err)
	}
	return nil
}

// openTIFF reads the header and the first image file directory.
func openTIFF(r io.ReaderAt, size int64) (*file, error) {
	if size < 0 {
		return nil, corrupt("negative file size %d", size)
	}
	head := make([]byte, min(size, 16))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, corrupt("reading the header: %v", err)
	}
	if len(head) < 8 {
		return nil, notTIFF(head, size)
	}
	f := &file{r: r, size: size}
	switch string(head[:2]) {
	case "II":
		f.order = binary.LittleEndian
	case "MM":
		f.order = binary.BigEndian
	default:
		return nil, notTIFF(head, size)
	}
	var ifd uint64
	switch f.order.Uint16(head[2:]) {
	case 42:
		ifd = uint64(f.order.Uint32(head[4:]))
	case 43:
		if len(head) < 16 || f.order.Uint16(head[4:]) != 8 || f.order.Uint16(head[6:]) != 0 {
			return nil, corrupt("BigTIFF header is malformed")
		}
		f.big = true
		ifd = f.order.Uint64(head[8:])
	default:
		return nil, notTIFF(head, size)
	}
	if err := f.readIFD(ifd); err != nil {
		return nil, err
	}
	return f, nil
}

// readIFD reads the entries of the image file directory at off.
func (f *file) readIFD(off uint64) error {
	if off < 8 || off >= uint64(f.size) {
		return corrupt("the first image directory's offset %d is outside the file (size %d)", off, f.size)
	}
	countSize, entrySize := 2, 12
	if f.big {
		countSize, entrySize = 8, 20
	}
	b := make([]byte, countSize)
	if err := f.readAt(b, int64(off), "the image directory"); err != nil {
		return err
	}
	var n uint64
	if f.big {
		n = f.order.Uint64(b)
	} else {
		n = uint64(f.order.Uint16(b))
	}
	if n == 0 || n > uint64(f.size)/uint64(entrySize) {
		return corrupt("the image directory at offset %d claims %d entries", off, n)
	}
	b = make([]byte, int(n)*entrySize)
	if err := f.readAt(b, int64(off)+int64(countSize), "the image directory"); err != nil {
		return err
	}
	f.entries = make(map[uint16]entry, n)
	for i := 0; i < int(n); i++ {
		e := b[i*entrySize : (i+1)*entrySize]
		tag := f.order.Uint16(e)
		if _, dup := f.entries[tag]; dup {
			continue // the first wins, as in libtiff
		}
		x := entry{typ: f.order.Uint16(e[2:])}
		if f.big {
			x.count, x.raw = f.order.Uint64(e[4:]), e[12:20]
		} else {
			x.count, x.raw = uint64(f.order.Uint32(e[4:])), e[8:12]
		}
		f.entries[tag] = x
	}
	return nil
}

// has reports whether the directory holds tag.
func (f *file) has(tag uint16) bool {
	_, ok := f.entries[tag]
	return ok
}

// bytes returns the raw bytes of tag's values, in file byte order, and its
// type; nil when the tag is absent.
func (f *file) bytes(tag uint16) ([]byte, uint16, error) {
	e, ok := f.entries[tag]
	if !ok {
		return nil, 0, nil
	}
	if int(e.typ) >= len(typeSizes) || typeSizes[e.typ] == 0 {
		return nil, 0, corrupt("tag %d has unknown type %d", tag, e.typ)
	}
	ts := uint64(typeSizes[e.typ])
	if e.count > maxTagBytes/ts {
		return nil, 0, corrupt("tag %d claims %d values", tag, e.count)
	}
	n := int(e.count * ts)
	if n <= len(e.raw) {
		return e.raw[:n], e.typ, nil
	}
	var off uint64
	if f.big {
		off = f.order.Uint64(e.raw)
	} else {
		off = uint64(f.order.Uint32(e.raw))
	}
	if off > uint64(f.size) {
		return nil, 0, corrupt("tag %d's values at offset %d lie past the end of the file (size %d)", tag, off, f.size)
	}
	b := make([]byte, n)
	if err := f.readAt(b, int64(off), "the values of tag "+strconv.Itoa(int(tag))); err != nil {
		return nil, 0, err
	}
	return b, e.typ, nil
}

// uints returns the values of an integer tag; nil when it is absent.
func (f *file) uints(tag uint16) ([]uint64, error) {
	b, typ, err := f.bytes(tag)
	if b == nil || err != nil {
		return nil, err
	}
	ts := typeSizes[typ]
	out := make([]uint64, len(b)/ts)
	for i := range out {
		v := b[i*ts:]
		switch typ {
		case typeByte, typeUndefined:
			out[i] = uint64(v[0])
		case typeShort:
			out[i] = uint64(f.order.Uint16(v))
		case typeLong, typeIFD:
			out[i] = uint64(f.order.Uint32(v))
		case typeLong8, typeIFD8:
			out[i] = f.order.Uint64(v)
		default:
			return nil, corrupt("tag %d has type %d, expected an unsigned integer", tag, typ)
		}
	}
	return out, nil
}

// uint returns the single value of an integer tag, or def when it is
// absent. A tag with several values must have them all equal (as
// BitsPerSample and SampleFormat have, one per band).
func (f *file) uint(tag uint16, def uint64) (uint64, error) {
	v, err := f.uints(tag)
	if err != nil {
		return 0, err
	}
	if !f.has(tag) {
		return def, nil
	}
	if len(v) == 0 {
		return 0, corrupt("tag %d has no value", tag)
	}
	for _, x := range v[1:] {
		if x != v[0] {
			return 0, unsupported("tag %d has different values per band %v", tag, v)
		}
	}
	return v[0], nil
}

// floats returns the values of a floating-point tag; nil when it is absent.
func (f *file) floats(tag uint16) ([]float64, error) {
	b, typ, err := f.bytes(tag)
	if b == nil || err != nil {
		return nil, err
	}
	switch typ {
	case typeDouble:
		out := make([]float64, len(b)/8)
		for i := range out {
			out[i] = math.Float64frombits(f.order.Uint64(b[i*8:]))
		}
		return out, nil
	case typeFloat:
		out := make([]float64, len(b)/4)
		for i := range out {
			out[i] = float64(math.Float32frombits(f.order.Uint32(b[i*4:])))
		}
		return out, nil
	}
	return nil, corrupt("tag %d has type %d, expected DOUBLE", tag, typ)
}

// ascii returns the text of an ASCII tag, without its terminating NULs;
// "" when it is absent.
func (f *file) ascii(tag uint16) (string, error) {
	b, typ, err := f.bytes(tag)
	if b == nil || err != nil {
		return "", err
	}
	if typ != typeASCII {
		return "", corrupt("tag %d has type %d, expected ASCII", tag, typ)
	}
	return strings.TrimRight(string(b), "\x00"), nil
}
