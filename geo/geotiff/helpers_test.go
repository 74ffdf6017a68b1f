package geotiff

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// Reference data lives beside the repository (see ../../../shared/data);
// tests and benchmarks that need it skip when it is absent.
const worldPopFile = "../../../shared/data/worldpop/vnm_ppp_2020_1km_Aggregated_UNadj.tif"

// The Hòa Bình box, lon 104.8–105.9, lat 20.3–21.2.
const (
	hoaBinhWest, hoaBinhSouth, hoaBinhEast, hoaBinhNorth = 104.8, 20.3, 105.9, 21.2
)

// needFile skips tb when a reference file is absent.
func needFile(tb testing.TB, path string) {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("reference data absent, skipping: %s (expected in ../shared/data beside the repository): %v", path, err)
	}
}

// needInCI skips the test, or fails it when the environment variable CI is
// set: CI must run every cross-check.
func needInCI(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv("CI") != "" {
		tb.Fatalf("CI needs this: "+format, args...)
	}
	tb.Skipf("skipped: "+format, args...)
}

// needTool skips (or fails in CI) when a GDAL program is not installed.
func needTool(tb testing.TB, name string) {
	tb.Helper()
	if _, err := exec.LookPath(name); err != nil {
		needInCI(tb, "%s is not installed (apt-get install gdal-bin): %v", name, err)
	}
}

// run runs a GDAL program and returns its standard output, failing tb on
// error.
func run(tb testing.TB, name string, args ...string) []byte {
	tb.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("%s %q: %v\n%s", name, args, err, stderr.Bytes())
	}
	return out
}

// hoaBinhCrop writes the Hòa Bình part of the WorldPop grid, converted by
// gdal_translate with extra options, to a file in dir and returns its path.
func hoaBinhCrop(tb testing.TB, dir, name string, opts ...string) string {
	tb.Helper()
	out := filepath.Join(dir, name)
	args := append([]string{"-q", "-projwin", "104.8", "21.2", "105.9", "20.3"}, opts...)
	run(tb, "gdal_translate", append(args, worldPopFile, out)...)
	return out
}

// decodeFile decodes the GeoTIFF at path.
func decodeFile(tb testing.TB, path string) *Raster {
	tb.Helper()
	r, err := decodePath(path)
	if err != nil {
		tb.Fatalf("decoding %s: %v", path, err)
	}
	return r
}

// decodePath decodes the GeoTIFF at path, returning Decode's error.
func decodePath(path string) (*Raster, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	return Decode(fh, st.Size())
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r     *bytes.Reader
	bytes atomic.Int64
	calls atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.bytes.Add(int64(n))
	c.calls.Add(1)
	return n, err
}

// sameFloat reports whether a and b are equal, NaN being equal to NaN.
func sameFloat(a, b float32) bool {
	return a == b || a != a && b != b
}

// compareValues fails tb at the first few pixels where got and want differ.
func compareValues(tb testing.TB, got, want []float32) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("%d values, want %d", len(got), len(want))
	}
	bad := 0
	for i := range got {
		if !sameFloat(got[i], want[i]) {
			if bad++; bad <= 5 {
				tb.Errorf("value %d = %v, want %v", i, got[i], want[i])
			}
		}
	}
	if bad > 5 {
		tb.Errorf("… %d values differ in all", bad)
	}
}

// sameGeoreference fails tb when got and want do not lie on the same grid.
func sameGeoreference(tb testing.TB, got, want *Raster) {
	tb.Helper()
	const eps = 1e-9
	if got.Cols != want.Cols || got.Rows != want.Rows || got.EPSG != want.EPSG ||
		math.Abs(got.West-want.West) > eps || math.Abs(got.North-want.North) > eps ||
		math.Abs(got.DX-want.DX) > eps*eps || math.Abs(got.DY-want.DY) > eps*eps {
		tb.Errorf("grid %d × %d at (%.12f, %.12f) step %.12g × %.12g EPSG:%d, want %d × %d at (%.12f, %.12f) step %.12g × %.12g EPSG:%d",
			got.Cols, got.Rows, got.West, got.North, got.DX, got.DY, got.EPSG,
			want.Cols, want.Rows, want.West, want.North, want.DX, want.DY, want.EPSG)
	}
}
