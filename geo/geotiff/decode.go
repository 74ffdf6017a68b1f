package geotiff

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"golang.org/x/image/tiff/lzw"
)

// Decode reads the whole first image of a GeoTIFF of size bytes.
func Decode(r io.ReaderAt, size int64) (*Raster, error) {
	return decode(r, size, nil, defaultLimits)
}

// DecodeWindow reads only the pixels that intersect the box given by its
// edges in degrees (EPSG:4326), reading only the strips or tiles that hold
// them. The window is returned as a Raster whose West and North are those
// of its first pixel. A pixel that only touches the box along an edge is
// left out. When the box does not meet the raster the error wraps
// ErrNoOverlap and gives both extents; a box that is empty or not finite is
// an error too.
func DecodeWindow(r io.ReaderAt, size int64, west, south, east, north float64) (*Raster, error) {
	if !finite(west, south, east, north) || west >= east || south >= north {
		return nil, fmt.Errorf("geotiff: the box lon %g – %g, lat %g – %g is empty or not finite", west, east, south, north)
	}
	return decode(r, size, &[4]float64{west, south, east, north}, defaultLimits)
}

// decode reads the pixels of the first image within box (all of them when
// box is nil), within lim.
func decode(r io.ReaderAt, size int64, box *[4]float64, lim limits) (*Raster, error) {
	f, err := openTIFF(r, size)
	if err != nil {
		return nil, err
	}
	l, err := f.readLayout(lim)
	if err != nil {
		return nil, err
	}
	out := &Raster{EPSG: epsgWGS84}
	if out.West, out.North, out.DX, out.DY, err = f.georeference(l); err != nil {
		return nil, err
	}
	if out.NoData, out.HasNoData, err = f.noData(); err != nil {
		return nil, err
	}

	c0, r0, c1, r1 := 0, 0, l.cols, l.rows
	if box != nil {
		c0, r0, c1, r1 = window(out, l, box)
		if c0 >= c1 || r0 >= r1 {
			out.Cols, out.Rows = l.cols, l.rows
			w, s, e, n := out.Bounds()
			return nil, fmt.Errorf("%w: the box lon %g – %g, lat %g – %g does not meet the raster, which spans lon %g – %g, lat %g – %g",
				ErrNoOverlap, box[0], box[2], box[1], box[3], w, e, s, n)
		}
	}
	out.Cols, out.Rows = c1-c0, r1-r0
	if int64(out.Cols)*int64(out.Rows) > lim.pixels {
		return nil, unsupported("%d × %d pixels is more than the %g million read at once; read a window, or crop the file with gdal_translate -projwin",
			out.Cols, out.Rows, float64(lim.pixels)/1e6)
	}
	for by := r0 / l.blockH; by*l.blockH < r1; by++ {
		for bx := c0 / l.blockW; bx*l.blockW < c1; bx++ {
			if err := l.checkBlock(f, by*l.across+bx); err != nil {
				return nil, err
			}
		}
	}
	out.West += float64(c0) * out.DX
	out.North -= float64(r0) * out.DY
	out.Values = make([]float32, out.Cols*out.Rows)
	if err := l.read(f, out, c0, r0); err != nil {
		return nil, err
	}
	return out, nil
}

// window returns the columns [c0, c1) and rows [r0, r1) of the pixels of
// the whole raster r that intersect box, clamped to the raster.
func window(r *Raster, l *layout, box *[4]float64) (c0, r0, c1, r1 int) {
	clamp := func(v float64, hi int) int {
		return int(max(0, min(v, float64(hi))))
	}
	c0 = clamp(math.Floor(snap((box[0]-r.West)/r.DX)), l.cols)
	c1 = clamp(math.Ceil(snap((box[2]-r.West)/r.DX)), l.cols)
	r0 = clamp(math.Floor(snap((r.North-box[3])/r.DY)), l.rows)
	r1 = clamp(math.Ceil(snap((r.North-box[1])/r.DY)), l.rows)
	return c0, r0, c1, r1
}

// read fills out.Values with the pixels of the window whose top-left pixel
// is (c0, r0), decoding each block that holds some of them once.
func (l *layout) read(f *file, out *Raster, c0, r0 int) error {
	c1, r1 := c0+out.Cols, r0+out.Rows
	nd := noData{has: out.HasNoData, f64: out.NoData, f32: float32(out.NoData)}
	buf := make([]byte, l.blockW*l.blockH*l.bytes)
	var br *bufio.Reader
	for by := r0 / l.blockH; by*l.blockH < r1; by++ {
		for bx := c0 / l.blockW; bx*l.blockW < c1; bx++ {
			i := by*l.across + bx
			bRow, bCol := by*l.blockH, bx*l.blockW
			rowsIn := l.blockRows(i)
			data := buf[:rowsIn*l.blockW*l.bytes]
			order, sparse, err := l.decodeBlock(f, i, data, &br)
			if err != nil {
				return err
			}
			xa, xb := max(c0, bCol), min(c1, bCol+l.blockW)
			for y := max(r0, bRow); y < min(r1, bRow+rowsIn); y++ {
				dst := out.Values[(y-r0)*out.Cols+xa-c0 : (y-r0)*out.Cols+xb-c0]
				if sparse {
					fill(dst, nd)
					continue
				}
				src := data[((y-bRow)*l.blockW+xa-bCol)*l.bytes:]
				l.convert(dst, src, order, nd)
			}
		}
	}
	return nil
}

// decodeBlock decompresses block i into data, whose length is its decoded
// size, and undoes the predictor. It returns the byte order of the samples
// in data, and sparse when the file leaves the block out (offset and byte
// count 0), its pixels then being no data. br is reused between blocks.
func (l *layout) decodeBlock(f *file, i int, data []byte, br **bufio.Reader) (order binary.ByteOrder, sparse bool, err error) {
	off, n := l.offsets[i], l.counts[i] // checked by checkBlock
	if off == 0 && n == 0 {
		return nil, true, nil
	}
	if l.compression == compressionNone {
		if err := f.readAt(data, int64(off), l.blockName()+" data"); err != nil {
			return nil, false, err
		}
		return f.order, false, nil
	}

	sr := io.NewSectionReader(f.r, int64(off), int64(n))
	if *br == nil {
		*br = bufio.NewReaderSize(sr, 64<<10)
	} else {
		(*br).Reset(sr)
	}
	var rd io.Reader
	name := "LZW"
	if l.compression == compressionLZW {
		rd = lzw.NewReader(*br, lzw.MSB, 8)
	} else {
		name = "Deflate"
		z, err := zlib.NewReader(*br)
		if err != nil {
			return nil, false, l.blockErr(i, "Deflate data is corrupt: %v", err)
		}
		rd = z
	}
	if got, err := io.ReadFull(rd, data); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, false, l.blockErr(i, "%s data ends after %d of %d bytes", name, got, len(data))
		}
		return nil, false, l.blockErr(i, "%s data is corrupt: %v", name, err)
	}

	order = f.order
	switch l.predictor {
	case 2:
		for row := range len(data) / (l.blockW * l.bytes) {
			undoHorizontal(data[row*l.blockW*l.bytes:(row+1)*l.blockW*l.bytes], l.bytes, order)
		}
	case 3:
		tmp := make([]byte, l.blockW*l.bytes)
		for row := range len(data) / (l.blockW * l.bytes) {
			undoFloatingPoint(data[row*l.blockW*l.bytes:(row+1)*l.blockW*l.bytes], tmp, l.bytes)
		}
		order = binary.BigEndian
	}
	return order, false, nil
}

// undoHorizontal undoes predictor 2 on one row: each sample was stored as
// its difference from the one before, as an integer of its width in the
// file's byte order (libtiff does so for floating-point samples too).
func undoHorizontal(row []byte, size int, order binary.ByteOrder) {
	switch size {
	case 1:
		for i := 1; i < len(row); i++ {
			row[i] += row[i-1]
		}
	case 2:
		for i := 2; i+2 <= len(row); i += 2 {
			order.PutUint16(row[i:], order.Uint16(row[i:])+order.Uint16(row[i-2:]))
		}
	case 4:
		for i := 4; i+4 <= len(row); i += 4 {
			order.PutUint32(row[i:], order.Uint32(row[i:])+order.Uint32(row[i-4:]))
		}
	case 8:
		for i := 8; i+8 <= len(row); i += 8 {
			order.PutUint64(row[i:], order.Uint64(row[i:])+order.Uint64(row[i-8:]))
		}
	}
}

// undoFloatingPoint undoes predictor 3 on one row of size-byte samples: the
// row was split into size planes, most significant bytes first, and stored
// as byte differences. The samples come back big-endian whatever the
// file's byte order. tmp holds at least len(row) bytes.
func undoFloatingPoint(row, tmp []byte, size int) {
	for i := 1; i < len(row); i++ {
		row[i] += row[i-1]
	}
	n := len(row) / size
	for k := range size {
		plane := row[k*n : (k+1)*n]
		for s, b := range plane {
			tmp[s*size+k] = b
		}
	}
	copy(row, tmp[:len(row)])
}

// noData is the nodata value in the forms samples are compared with.
type noData struct {
	has bool
	f64 float64
	f32 float32 // float32 samples are compared in float32, as GDAL does
}

// fill sets dst to no data: NaN, or 0 when the raster has no nodata value.
func fill(dst []float32, nd noData) {
	v := float32(0)
	if nd.has {
		v = float32(math.NaN())
	}
	for i := range dst {
		dst[i] = v
	}
}

// convert reads len(dst) samples from src, in byte order order, as
// float32, no-data ones as NaN.
func (l *layout) convert(dst []float32, src []byte, order binary.ByteOrder, nd noData) {
	nan := float32(math.NaN())
	if l.kind == float && l.bytes == 4 {
		for i := range dst {
			v := math.Float32frombits(order.Uint32(src[4*i:]))
			if nd.has && v == nd.f32 {
				v = nan
			}
			dst[i] = v
		}
		return
	}
	for i := range dst {
		var v float64
		switch l.kind {
		case float:
			v = math.Float64frombits(order.Uint64(src[8*i:]))
		case unsignedInt:
			switch l.bytes {
			case 1:
				v = float64(src[i])
			case 2:
				v = float64(order.Uint16(src[2*i:]))
			case 4:
				v = float64(order.Uint32(src[4*i:]))
			case 8:
				v = float64(order.Uint64(src[8*i:]))
			}
		case signedInt:
			switch l.bytes {
			case 1:
				v = float64(int8(src[i]))
			case 2:
				v = float64(int16(order.Uint16(src[2*i:])))
			case 4:
				v = float64(int32(order.Uint32(src[4*i:])))
			case 8:
				v = float64(int64(order.Uint64(src[8*i:])))
			}
		}
		if nd.has && v == nd.f64 {
			dst[i] = nan
		} else {
			dst[i] = float32(v)
		}
	}
}
