package geotiff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/image/tiff"
)

// tag is a field of a hand-made TIFF; nil data removes the field.
type tag struct {
	id, typ uint16
	data    []byte
}

// geoKeys encodes a GeoKeyDirectory holding keys (id, value pairs).
func geoKeys(keys ...uint16) tag {
	v := []uint16{1, 1, 0, uint16(len(keys) / 2)}
	for i := 0; i+1 < len(keys); i += 2 {
		v = append(v, keys[i], 0, 1, keys[i+1])
	}
	return tag{tagGeoKeyDirectory, typeShort, u16(v...)}
}

// handTIFF writes a little-endian, uncompressed, single-strip float32
// GeoTIFF of cols × rows pixels valued 0, 1, 2…, at 105°E 21°N with pixels
// of 0.01°, in EPSG:4326, then changes its fields as tags say. It makes the
// layouts GDAL will not write.
func handTIFF(cols, rows int, tags ...tag) []byte {
	fields := map[uint16]tag{}
	for _, t := range []tag{
		{tagImageWidth, typeLong, u32(uint32(cols))},
		{tagImageLength, typeLong, u32(uint32(rows))},
		{tagBitsPerSample, typeShort, u16(32)},
		{tagCompression, typeShort, u16(1)},
		{tagStripOffsets, typeLong, u32(0)},
		{tagSamplesPerPixel, typeShort, u16(1)},
		{tagRowsPerStrip, typeLong, u32(uint32(rows))},
		{tagStripByteCounts, typeLong, u32(uint32(4 * cols * rows))},
		{tagSampleFormat, typeShort, u16(3)},
		{tagModelPixelScale, typeDouble, f64(0.01, 0.01, 0)},
		{tagModelTiepoint, typeDouble, f64(0, 0, 0, 105, 21, 0)},
		geoKeys(keyModelType, modelGeographic, keyRasterType, 1, keyGeographicType, epsgWGS84),
	} {
		fields[t.id] = t
	}
	for _, t := range tags {
		if t.data == nil {
			delete(fields, t.id)
		} else {
			fields[t.id] = t
		}
	}
	d := &directory{}
	var strip *field
	for _, id := range slices.Sorted(func(yield func(uint16) bool) {
		for id := range fields {
			if !yield(id) {
				return
			}
		}
	}) {
		f := d.add(id, fields[id].typ, fields[id].data)
		if id == tagStripOffsets && len(f.data) == 4 {
			strip = f
		}
	}
	_, start := d.layout()
	if strip != nil {
		binary.LittleEndian.PutUint32(strip.data, uint32(start))
	}
	out, _ := d.layout()
	for i := range cols * rows {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(float32(i)))
	}
	return out
}

// decodeBytes decodes b.
func decodeBytes(b []byte) (*Raster, error) {
	return Decode(bytes.NewReader(b), int64(len(b)))
}

func TestDecode_HandMadeLayouts(t *testing.T) {
	tests := []struct {
		name        string
		tags        []tag
		west, north float64
	}{
		{"scale and tiepoint", nil, 105, 21},
		{"tiepoint at another pixel", []tag{{tagModelTiepoint, typeDouble, f64(2, 1, 0, 105.02, 20.99, 0)}}, 105, 21},
		{"pixel is point", []tag{geoKeys(keyModelType, modelGeographic, keyRasterType, rasterPixelPoint, keyGeographicType, epsgWGS84)}, 104.995, 21.005},
		{"model transformation", []tag{
			{tagModelPixelScale, 0, nil}, {tagModelTiepoint, 0, nil},
			{tagModelTransform, typeDouble, f64(0.01, 0, 0, 105, 0, -0.01, 0, 21, 0, 0, 0, 0, 0, 0, 0, 1)},
		}, 105, 21},
		{"user-defined CRS on the WGS 84 datum", []tag{geoKeys(keyModelType, modelGeographic, keyGeographicType, userDefined, keyGeodeticDatum, datumWGS84)}, 105, 21},
		{"no model type, EPSG:4326", []tag{geoKeys(keyGeographicType, epsgWGS84)}, 105, 21},
		{"planar configuration 2, one band", []tag{{tagPlanarConfig, typeShort, u16(2)}}, 105, 21},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := decodeBytes(handTIFF(4, 3, tt.tags...))
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r.West-tt.west) > 1e-12 || math.Abs(r.North-tt.north) > 1e-12 || math.Abs(r.DX-0.01) > 1e-15 || math.Abs(r.DY-0.01) > 1e-15 {
				t.Errorf("origin (%g, %g) pixel %g × %g, want (%g, %g) 0.01 × 0.01", r.West, r.North, r.DX, r.DY, tt.west, tt.north)
			}
			if r.Cols != 4 || r.Rows != 3 || r.HasNoData || r.Values[11] != 11 {
				t.Errorf("decoded %+v", *r)
			}
		})
	}
}

func TestDecode_Refusals(t *testing.T) {
	tests := []struct {
		name string
		file []byte
		want error
		says []string
	}{
		{"projected", handTIFF(4, 3, geoKeys(keyModelType, modelProjected, keyProjectedType, 32648)), ErrNotGeographic,
			[]string{"the grid is in a projected CRS (EPSG:32648); expected longitude/latitude in EPSG:4326 — reproject it, e.g. gdalwarp -t_srs EPSG:4326"}},
		{"projected, user-defined", handTIFF(4, 3, geoKeys(keyModelType, modelProjected, keyProjectedType, userDefined)), ErrNotGeographic, []string{"user-defined"}},
		{"another geographic CRS", handTIFF(4, 3, geoKeys(keyModelType, modelGeographic, keyGeographicType, 4269)), ErrNotGeographic, []string{"EPSG:4269", "not WGS 84"}},
		{"geographic on another datum", handTIFF(4, 3, geoKeys(keyModelType, modelGeographic, keyGeographicType, userDefined, keyGeodeticDatum, 6269)), ErrNotGeographic, []string{"not WGS 84"}},
		{"geocentric", handTIFF(4, 3, geoKeys(keyModelType, modelGeocentric)), ErrNotGeographic, []string{"geocentric"}},
		{"keys without a CRS", handTIFF(4, 3, geoKeys(keyRasterType, 1)), ErrNotGeographic, []string{"no coordinate reference system", "gdal_edit.py -a_srs EPSG:4326"}},
		{"no GeoKeys", handTIFF(4, 3, tag{tagGeoKeyDirectory, 0, nil}), ErrNotGeographic, []string{"no GeoKeyDirectory"}},
		{"no georeferencing", handTIFF(4, 3, tag{tagGeoKeyDirectory, 0, nil}, tag{tagModelTiepoint, 0, nil}, tag{tagModelPixelScale, 0, nil}), ErrNotGeoTIFF, []string{"without georeferencing"}},
		{"metres labelled degrees", handTIFF(4, 3, tag{tagModelTiepoint, typeDouble, f64(0, 0, 0, 500000, 2350000, 0)}), ErrNotGeographic, []string{"not longitudes and latitudes"}},
		{"rotated", handTIFF(4, 3, tag{tagModelPixelScale, 0, nil}, tag{tagModelTiepoint, 0, nil},
			tag{tagModelTransform, typeDouble, f64(0.01, 0.001, 0, 105, 0.001, -0.01, 0, 21, 0, 0, 0, 0, 0, 0, 0, 1)}), ErrUnsupported, []string{"rotated"}},
		{"south up", handTIFF(4, 3, tag{tagModelPixelScale, typeDouble, f64(0.01, -0.01, 0)}), ErrUnsupported, []string{"not north up"}},
		{"ground control points", handTIFF(4, 3, tag{tagModelPixelScale, 0, nil}, tag{tagModelTiepoint, typeDouble, f64(0, 0, 0, 105, 21, 0, 4, 3, 0, 105.04, 20.97, 0)}), ErrUnsupported, []string{"ground control points"}},
		{"three bands", handTIFF(4, 3, tag{tagSamplesPerPixel, typeShort, u16(3)}), ErrUnsupported, []string{"3 bands", "gdal_translate -b 1"}},
		{"12-bit samples", handTIFF(4, 3, tag{tagBitsPerSample, typeShort, u16(12)}, tag{tagSampleFormat, typeShort, u16(1)}), ErrUnsupported, []string{"12-bit"}},
		{"16-bit floats", handTIFF(4, 3, tag{tagBitsPerSample, typeShort, u16(16)}), ErrUnsupported, []string{"16-bit floating point"}},
		{"complex samples", handTIFF(4, 3, tag{tagSampleFormat, typeShort, u16(6)}), ErrUnsupported, []string{"complex"}},
		{"ZSTD", handTIFF(4, 3, tag{tagCompression, typeShort, u16(50000)}), ErrUnsupported, []string{"ZSTD (50000)", "gdal_translate -co COMPRESS=DEFLATE"}},
		{"LERC", handTIFF(4, 3, tag{tagCompression, typeShort, u16(34887)}), ErrUnsupported, []string{"LERC (34887)"}},
		{"unknown compression", handTIFF(4, 3, tag{tagCompression, typeShort, u16(4242)}), ErrUnsupported, []string{"unknown (4242)"}},
		{"floating-point predictor on integers", handTIFF(4, 3, tag{tagSampleFormat, typeShort, u16(1)}, tag{tagCompression, typeShort, u16(5)}, tag{tagPredictor, typeShort, u16(3)}), ErrNotGeoTIFF, []string{"predictor (3) is set on integer samples"}},
		{"too many pixels", handTIFF(4, 3, tag{tagModelPixelScale, typeDouble, f64(1e-4, 1e-4, 0)}, tag{tagImageWidth, typeLong, u32(20000)}, tag{tagImageLength, typeLong, u32(20000)}, tag{tagRowsPerStrip, typeLong, u32(1)},
			tag{tagStripOffsets, typeLong, make([]byte, 4*20000)}, tag{tagStripByteCounts, typeLong, make([]byte, 4*20000)}), ErrUnsupported, []string{"20000 × 20000 pixels is more than the 200 million"}},
		{"absurd tiles", handTIFF(4, 3, tag{tagTileWidth, typeLong, u32(1 << 20)}, tag{tagTileLength, typeLong, u32(1 << 20)}, tag{tagTileOffsets, typeLong, u32(8)}, tag{tagTileByteCounts, typeLong, u32(8)}),
			ErrUnsupported, []string{"tiles of 1048576 × 1048576 pixels for a 4 × 3 image"}},
		{"absurd strip", handTIFF(4, 3, tag{tagImageWidth, typeLong, u32(1 << 24)}, tag{tagImageLength, typeLong, u32(1 << 24)}, tag{tagRowsPerStrip, typeLong, u32(1 << 24)}), ErrUnsupported, []string{"decodes to more than 256 MiB"}},
		{"strip past the end", handTIFF(4, 3, tag{tagStripByteCounts, typeLong, u32(1000)}), ErrNotGeoTIFF, []string{"strip 0 at offset", "(1000 bytes) runs past the end of the file (size"}},
		{"short strip", handTIFF(4, 3, tag{tagStripByteCounts, typeLong, u32(8)}), ErrNotGeoTIFF, []string{"holds 8 bytes, 48 expected"}},
		{"missing strips", handTIFF(4, 3, tag{tagRowsPerStrip, typeLong, u32(1)}), ErrNotGeoTIFF, []string{"3 strips are needed"}},
		{"bad nodata", handTIFF(4, 3, tag{tagGDALNoData, typeASCII, []byte("none\x00")}), ErrNotGeoTIFF, []string{`GDAL_NODATA tag holds "none"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeBytes(tt.file)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode: %v, want %v", err, tt.want)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}

func TestDecode_PNGRenamed(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	_, err := decodeBytes(b.Bytes())
	if !errors.Is(err, ErrNotGeoTIFF) || !strings.Contains(err.Error(), "not a TIFF file: it starts like a PNG image") {
		t.Errorf("Decode of a PNG: %v", err)
	}
}

func TestDecode_PlainTIFF(t *testing.T) {
	img := image.NewGray16(image.Rect(0, 0, 8, 8))
	img.Set(3, 3, color.Gray16{Y: 1000})
	var b bytes.Buffer
	if err := tiff.Encode(&b, img, &tiff.Options{Compression: tiff.Deflate}); err != nil {
		t.Fatal(err)
	}
	_, err := decodeBytes(b.Bytes())
	if !errors.Is(err, ErrNotGeoTIFF) || !strings.Contains(err.Error(), "a TIFF image without georeferencing") {
		t.Errorf("Decode of a plain TIFF: %v", err)
	}
}

// TestDecode_Truncated cuts an encoded raster at every length in its
// header and at many in its strips: each cut must give an error, never a
// panic or a raster.
func TestDecode_Truncated(t *testing.T) {
	b := encode(t, testRaster(300, 200, true))
	for n := 0; n < len(b); n += max(1, min(n/1000, 97)) {
		if _, err := decodeBytes(b[:n]); !errors.Is(err, ErrNotGeoTIFF) {
			t.Fatalf("cut at %d of %d bytes: %v, want ErrNotGeoTIFF", n, len(b), err)
		}
	}
	_, err := decodeBytes(b[:len(b)-100])
	if err == nil || !strings.Contains(err.Error(), "runs past the end of the file (size") {
		t.Errorf("cut in the last strip: %v", err)
	}
}

// TestDecode_CorruptStrips flips bytes inside the compressed strips: the
// error names the strip.
func TestDecode_CorruptStrips(t *testing.T) {
	b := encode(t, testRaster(300, 200, true))
	c := slices.Clone(b)
	for i := len(c) - 2000; i < len(c); i += 7 {
		c[i] ^= 0x5a
	}
	_, err := decodeBytes(c)
	if !errors.Is(err, ErrNotGeoTIFF) || !strings.Contains(err.Error(), "strip") {
		t.Errorf("Decode of corrupt strips: %v", err)
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		name string
		head string
		want string
	}{
		{"empty", "", "the file is empty"},
		{"JPEG", "\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"},
		{"GIF", "GIF89a\x01\x00", "GIF image"},
		{"ZIP", "PK\x03\x04\x14\x00", "ZIP archive"},
		{"PDF", "%PDF-1.7\n", "PDF document"},
		{"gzip", "\x1f\x8b\x08\x00", "gzip"},
		{"GeoJSON", "\xef\xbb\xbf  {\"type\":", "JSON text"},
		{"HTML", "<!DOCTYPE html>", "HTML page"},
		{"CSV", "lon,lat,pop\n105", `text: "lon,lat,pop\n105"`},
		{"binary", "\x00\x01\x02\x03\xfe\xff\x10\x20", "its first bytes are 00 01 02 03 fe ff 10 20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeBytes([]byte(tt.head))
			if !errors.Is(err, ErrNotGeoTIFF) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode(%q): %v, want it to say %q", tt.head, err, tt.want)
			}
		})
	}
}

// TestDecode_GDALRefusals has GDAL write what the package refuses.
func TestDecode_GDALRefusals(t *testing.T) {
	_, dir := gdalReference(t)
	tests := []struct {
		name string
		opts []string
		want error
		says string
	}{
		{"JPEG", []string{"-ot", "Byte", "-scale", "0", "2000", "0", "255", "-co", "COMPRESS=JPEG"}, ErrUnsupported, "compression JPEG (7) is not read, only none, LZW and Deflate; convert the file with gdal_translate -co COMPRESS=DEFLATE"},
		{"projected", []string{"-a_srs", "EPSG:32648", "-a_ullr", "480000", "2345000", "612000", "2237000"}, ErrNotGeographic, "the grid is in a projected CRS (EPSG:32648)"},
		{"baseline TIFF", []string{"-co", "PROFILE=BASELINE"}, ErrNotGeoTIFF, "without georeferencing"},
		{"NAD83", []string{"-a_srs", "EPSG:4269"}, ErrNotGeographic, "EPSG:4269"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := hoaBinhCrop(t, dir, "refused"+string(rune('a'+i))+".tif", tt.opts...)
			_, err := decodePath(path)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("Decode: %v, want %v saying %q", err, tt.want, tt.says)
			}
		})
	}
}

// TestDecode_Sparse reads a GDAL file whose all-nodata tiles are left out
// (SPARSE_OK), over the Gulf of Tonkin where many are.
func TestDecode_Sparse(t *testing.T) {
	needFile(t, worldPopFile)
	needTool(t, "gdal_translate")
	dir := t.TempDir()
	crop := func(name string, opts ...string) string {
		path := filepath.Join(dir, name)
		args := append([]string{"-q", "-projwin", "106", "20.5", "107.5", "19"}, opts...)
		run(t, "gdal_translate", append(args, worldPopFile, path)...)
		return path
	}
	want := decodeFile(t, crop("dense.tif"))
	path := crop("sparse.tif", "-co", "SPARSE_OK=TRUE", "-co", "TILED=YES", "-co", "BLOCKXSIZE=16", "-co", "BLOCKYSIZE=16", "-co", "COMPRESS=DEFLATE")
	got := decodeFile(t, path)
	compareValues(t, got.Values, want.Values)

	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := openTIFF(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	l, err := f.readLayout(defaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(l.offsets, 0) {
		t.Errorf("GDAL left no tile out: the test does not test sparse files")
	}
}
