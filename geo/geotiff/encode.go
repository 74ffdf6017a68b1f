package geotiff

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// stripBytes is the uncompressed size Encode aims at for a strip: small
// enough that a window reads little more than it needs.
const stripBytes = 64 << 10

// Encode writes r as a little-endian striped float32 GeoTIFF,
// Deflate-compressed with predictor 3 (floating point), with EPSG:4326
// GeoKeys, pixel-is-area, and the GDAL_NODATA tag when r.HasNoData (NaN
// values are then written as NoData). It refuses a raster whose fields
// disagree (EPSG other than 4326, Values not Rows·Cols long, pixel size not
// positive) and one of more than MaxPixels pixels.
func Encode(w io.Writer, r *Raster) error {
	if err := checkEncodable(r); err != nil {
		return err
	}
	rps := max(1, stripBytes/(4*r.Cols))
	nStrips := (r.Rows + rps - 1) / rps

	var data bytes.Buffer
	offsets := make([]uint32, nStrips) // relative to the first strip, for now
	counts := make([]uint32, nStrips)
	row := make([]byte, 4*r.Cols)
	nodata := float32(r.NoData)
	zw := zlib.NewWriter(&data)
	for s := range nStrips {
		start := data.Len()
		zw.Reset(&data)
		for y := s * rps; y < min(r.Rows, (s+1)*rps); y++ {
			values := r.Values[y*r.Cols : (y+1)*r.Cols]
			predictFloatingPoint(row, values, r.HasNoData, nodata)
			if _, err := zw.Write(row); err != nil {
				return fmt.Errorf("geotiff: compressing strip %d: %w", s, err)
			}
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("geotiff: compressing strip %d: %w", s, err)
		}
		offsets[s], counts[s] = uint32(start), uint32(data.Len()-start)
	}

	d := &directory{}
	d.add(tagImageWidth, typeLong, u32(uint32(r.Cols)))
	d.add(tagImageLength, typeLong, u32(uint32(r.Rows)))
	d.add(tagBitsPerSample, typeShort, u16(32))
	d.add(tagCompression, typeShort, u16(compressionDeflate))
	d.add(tagPhotometric, typeShort, u16(1)) // min-is-black
	stripOffsets := d.add(tagStripOffsets, typeLong, make([]byte, 4*nStrips))
	d.add(tagSamplesPerPixel, typeShort, u16(1))
	d.add(tagRowsPerStrip, typeLong, u32(uint32(rps)))
	d.add(tagStripByteCounts, typeLong, u32(counts...))
	d.add(tagPlanarConfig, typeShort, u16(1))
	d.add(tagPredictor, typeShort, u16(3))
	d.add(tagSampleFormat, typeShort, u16(3))
	d.add(tagModelPixelScale, typeDouble, f64(r.DX, r.DY, 0))
	d.add(tagModelTiepoint, typeDouble, f64(0, 0, 0, r.West, r.North, 0))
	d.add(tagGeoKeyDirectory, typeShort, u16(
		1, 1, 0, 4, // version 1.1.0, four keys
		keyModelType, 0, 1, modelGeographic,
		keyRasterType, 0, 1, 1, // pixel is area
		keyGeographicType, 0, 1, epsgWGS84,
		keyAngularUnits, 0, 1, unitDegree,
	))
	if r.HasNoData {
		d.add(tagGDALNoData, typeASCII, append([]byte(formatNoData(r.NoData)), 0))
	}

	head, dataStart := d.layout()
	if dataStart+uint64(data.Len()) > math.MaxUint32 {
		return fmt.Errorf("%w: the encoded raster would pass 4 GiB, the limit of a classic TIFF", ErrUnsupported)
	}
	for s := range offsets {
		binary.LittleEndian.PutUint32(stripOffsets.data[4*s:], uint32(dataStart)+offsets[s])
	}
	head, _ = d.layout() // again, with the strip offsets filled in
	if _, err := w.Write(head); err != nil {
		return err
	}
	_, err := w.Write(data.Bytes())
	return err
}

// checkEncodable refuses a raster Encode cannot write faithfully.
func checkEncodable(r *Raster) error {
	switch {
	case r == nil:
		return errors.New("geotiff: encoding a nil raster")
	case r.Cols <= 0 || r.Rows <= 0:
		return fmt.Errorf("geotiff: encoding a raster of %d × %d pixels", r.Cols, r.Rows)
	case int64(r.Cols)*int64(r.Rows) > MaxPixels:
		return fmt.Errorf("%w: encoding %d × %d pixels, more than %d", ErrUnsupported, r.Cols, r.Rows, MaxPixels)
	case len(r.Values) != r.Cols*r.Rows:
		return fmt.Errorf("geotiff: encoding %d values for %d × %d pixels", len(r.Values), r.Cols, r.Rows)
	case r.EPSG != epsgWGS84:
		return fmt.Errorf("%w: encoding a raster in EPSG:%d; only EPSG:4326 is written", ErrNotGeographic, r.EPSG)
	case !finite(r.West, r.North, r.DX, r.DY) || r.DX <= 0 || r.DY <= 0:
		return fmt.Errorf("geotiff: encoding a raster with origin (%g, %g) and pixel size %g × %g", r.West, r.North, r.DX, r.DY)
	case r.HasNoData && !math.IsInf(r.NoData, 0) && math.Abs(r.NoData) > math.MaxFloat32:
		return fmt.Errorf("geotiff: the nodata value %g does not fit in a float32", r.NoData)
	}
	return nil
}

// formatNoData writes a nodata value as GDAL does, so that GDAL and Decode
// both read it back.
func formatNoData(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// predictFloatingPoint writes values into row as predictor 3 stores them:
// big-endian bytes split into four planes, most significant first, then
// each byte replaced by its difference from the one before. NaN values
// become nodata when hasNoData.
func predictFloatingPoint(row []byte, values []float32, hasNoData bool, nodata float32) {
	n := len(values)
	for i, v := range values {
		if hasNoData && v != v {
			v = nodata
		}
		b := math.Float32bits(v)
		row[i], row[n+i], row[2*n+i], row[3*n+i] = byte(b>>24), byte(b>>16), byte(b>>8), byte(b)
	}
	for i := len(row) - 1; i > 0; i-- {
		row[i] -= row[i-1]
	}
}

// directory is an image file directory being written, little-endian, in
// tag order.
type directory struct {
	fields []*field
}

// field is one entry of a directory and its values.
type field struct {
	tag, typ uint16
	data     []byte
}

// add appends a field whose values are data, and returns it so that its
// values can be filled in later.
func (d *directory) add(tag, typ uint16, data []byte) *field {
	f := &field{tag: tag, typ: typ, data: data}
	d.fields = append(d.fields, f)
	return f
}

// layout returns the header and the directory, followed by the values too
// long to fit in their entries, and the offset where the image data starts.
func (d *directory) layout() ([]byte, uint64) {
	le := binary.LittleEndian
	ifdEnd := 8 + 2 + 12*len(d.fields) + 4
	out := make([]byte, ifdEnd, ifdEnd+1024)
	copy(out, "II*\x00")
	le.PutUint32(out[4:], 8)
	le.PutUint16(out[8:], uint16(len(d.fields)))
	for i, f := range d.fields {
		e := out[10+12*i:]
		le.PutUint16(e, f.tag)
		le.PutUint16(e[2:], f.typ)
		le.PutUint32(e[4:], uint32(len(f.data)/typeSizes[f.typ]))
		if len(f.data) <= 4 {
			copy(e[8:12], f.data)
			continue
		}
		if len(out)%2 == 1 { // values start on a word boundary
			out = append(out, 0)
		}
		le.PutUint32(e[8:], uint32(len(out)))
		out = append(out, f.data...)
	}
	// The next-directory offset, after the entries, stays 0: one image.
	if len(out)%2 == 1 {
		out = append(out, 0)
	}
	return out, uint64(len(out))
}

// u16 encodes values as little-endian SHORTs.
func u16(vs ...uint16) []byte {
	b := make([]byte, 2*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint16(b[2*i:], v)
	}
	return b
}

// u32 encodes values as little-endian LONGs.
func u32(vs ...uint32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], v)
	}
	return b
}

// f64 encodes values as little-endian DOUBLEs.
func f64(vs ...float64) []byte {
	b := make([]byte, 8*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return b
}
