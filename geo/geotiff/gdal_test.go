package geotiff

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// gdalReference is the Hòa Bình crop as gdal_translate writes it by
// default (float32, uncompressed strips), decoded, and the directory it
// lies in.
func gdalReference(t *testing.T) (*Raster, string) {
	t.Helper()
	needFile(t, worldPopFile)
	needTool(t, "gdal_translate")
	dir := t.TempDir()
	return decodeFile(t, hoaBinhCrop(t, dir, "ref.tif", "-co", "COMPRESS=NONE")), dir
}

// gdalValues returns the values of the raster at path as GDAL reads them,
// from its XYZ dump, NaN where they equal nodata; it checks that the pixel
// centres GDAL gives are those of r's grid.
func gdalValues(t *testing.T, path string, r *Raster) []float32 {
	t.Helper()
	xyz := run(t, "gdal_translate", "-q", "-of", "XYZ", path, "/vsistdout/")
	sc := bufio.NewScanner(bytes.NewReader(xyz))
	var out []float32
	for sc.Scan() {
		i := len(out)
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			t.Fatalf("XYZ line %d: %q", i+1, sc.Text())
		}
		x, _ := strconv.ParseFloat(f[0], 64)
		y, _ := strconv.ParseFloat(f[1], 64)
		v, err := strconv.ParseFloat(strings.TrimPrefix(f[2], "-"), 64)
		if strings.HasPrefix(f[2], "-") {
			v = -v // -nan, which C's printf writes and ParseFloat refuses
		}
		if err != nil {
			t.Fatalf("XYZ line %d: %v", i+1, err)
		}
		if r.HasNoData && v == r.NoData {
			v = math.NaN()
		}
		out = append(out, float32(v))
		col, row := i%r.Cols, i/r.Cols
		cx, cy := r.West+(float64(col)+0.5)*r.DX, r.North-(float64(row)+0.5)*r.DY
		if math.Abs(cx-x) > 1e-9 || math.Abs(cy-y) > 1e-9 {
			t.Fatalf("pixel %d centre (%.12f, %.12f), GDAL says (%.12f, %.12f)", i, cx, cy, x, y)
		}
	}
	return out
}

// TestDecode_ReferenceMatchesGDAL checks the reference crop, value by value
// and pixel centre by pixel centre, against GDAL's own XYZ dump of it, so
// that the other tests compare against something GDAL agrees with.
func TestDecode_ReferenceMatchesGDAL(t *testing.T) {
	ref, dir := gdalReference(t)
	if ref.Cols != 132 || ref.Rows != 108 || ref.NoData != -99999 {
		t.Errorf("the crop is %d × %d with nodata %g, want 132 × 108 with -99999", ref.Cols, ref.Rows, ref.NoData)
	}
	compareValues(t, ref.Values, gdalValues(t, dir+"/ref.tif", ref))
}

// sampleTypes are the types gdal_translate -ot writes, with how GDAL turns
// the reference's float32 values into them: rounded to the nearest integer
// and clamped to the type's range, the nodata value too.
var sampleTypes = []struct {
	name     string
	float    bool
	min, max float64
}{
	{"Float32", true, 0, 0},
	{"Float64", true, 0, 0},
	{"Byte", false, 0, math.MaxUint8},
	{"Int16", false, math.MinInt16, math.MaxInt16},
	{"UInt16", false, 0, math.MaxUint16},
	{"Int32", false, math.MinInt32, math.MaxInt32},
	{"UInt32", false, 0, math.MaxUint32},
}

// converted returns what the reference's values become in an integer
// type, as GDAL converts them.
func converted(ref *Raster, lo, hi float64) []float32 {
	clamp := func(v float64) float64 { return max(lo, min(hi, math.Round(v))) }
	nodata := clamp(ref.NoData)
	out := make([]float32, len(ref.Values))
	for i, v := range ref.Values {
		x := float64(v)
		if math.IsNaN(x) {
			x = ref.NoData
		}
		x = clamp(x)
		if x == nodata {
			out[i] = float32(math.NaN())
		} else {
			out[i] = float32(x)
		}
	}
	return out
}

// TestDecode_GDALLayouts decodes the Hòa Bình crop as gdal_translate writes
// it in every layout this package reads — compression, predictor, strips
// or tiles, sample type, byte order, BigTIFF, pixel-is-point — and checks
// that each gives the reference's values on the reference's grid.
func TestDecode_GDALLayouts(t *testing.T) {
	ref, dir := gdalReference(t)
	type variant struct {
		compress  string
		predictor int
	}
	variants := []variant{{"NONE", 1}, {"LZW", 1}, {"LZW", 2}, {"LZW", 3}, {"DEFLATE", 1}, {"DEFLATE", 2}, {"DEFLATE", 3}}
	n := 0
	for _, st := range sampleTypes {
		want := ref.Values
		if !st.float {
			want = converted(ref, st.min, st.max)
		}
		for _, v := range variants {
			if v.predictor == 3 && !st.float {
				continue // libtiff refuses the floating-point predictor on integers
			}
			for _, extra := range [][]string{
				nil,
				{"-co", "TILED=YES", "-co", "BLOCKXSIZE=256", "-co", "BLOCKYSIZE=256"},
				{"-co", "TILED=YES", "-co", "BLOCKXSIZE=32", "-co", "BLOCKYSIZE=48", "-co", "ENDIANNESS=BIG"},
				{"-co", "BLOCKYSIZE=7", "-co", "BIGTIFF=YES", "-co", "ENDIANNESS=BIG"},
				{"-co", "TILED=YES", "-co", "BLOCKXSIZE=64", "-co", "BLOCKYSIZE=64", "-co", "BIGTIFF=YES", "-mo", "AREA_OR_POINT=Point"},
			} {
				name := fmt.Sprintf("%s/%s/predictor%d/%s", st.name, v.compress, v.predictor, strings.Join(extra, ","))
				n++
				file := fmt.Sprintf("v%d.tif", n)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					opts := append([]string{"-ot", st.name, "-co", "COMPRESS=" + v.compress}, extra...)
					if v.compress != "NONE" {
						opts = append(opts, "-co", fmt.Sprintf("PREDICTOR=%d", v.predictor))
					}
					path := hoaBinhCrop(t, dir, file, opts...)
					got := decodeFile(t, path)
					sameGeoreference(t, got, ref)
					if !got.HasNoData {
						t.Fatal("no nodata value")
					}
					if v.predictor == 3 && slices.Contains(extra, "ENDIANNESS=BIG") {
						// libtiff 4.5 on a little-endian machine writes these
						// files with the byte planes least significant first,
						// against Technical Note 3, and GDAL reads them back
						// as other values (1.5e25 for 60.8). Decode must still
						// read what GDAL reads.
						compareValues(t, got.Values, gdalValues(t, path, got))
						return
					}
					compareValues(t, got.Values, want)
				})
			}
		}
	}
}
