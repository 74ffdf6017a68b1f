package geotiff

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testRaster returns a cols × rows raster near Hòa Bình whose values vary
// in both directions, with NaN (no data) on a diagonal when nodata.
func testRaster(cols, rows int, nodata bool) *Raster {
	r := &Raster{
		Cols: cols, Rows: rows,
		West: 104.8, North: 21.2, DX: 1.0 / 120, DY: 1.0 / 120,
		EPSG: 4326, NoData: -99999, HasNoData: nodata,
		Values: make([]float32, cols*rows),
	}
	for i := range r.Values {
		col, row := i%cols, i/cols
		r.Values[i] = float32(math.Sin(float64(col)/7)*1000+float64(row*row)) / 3
		if nodata && col == row {
			r.Values[i] = float32(math.NaN())
		}
	}
	return r
}

// encode returns r encoded, failing tb on error.
func encode(tb testing.TB, r *Raster) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := Encode(&b, r); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestEncode_RoundTrip(t *testing.T) {
	tests := []struct {
		name string
		r    *Raster
	}{
		{"one pixel", testRaster(1, 1, false)},
		{"with nodata", testRaster(37, 23, true)},
		{"without nodata, NaN kept", func() *Raster { r := testRaster(5, 4, false); r.Values[3] = float32(math.NaN()); return r }()},
		{"many strips", testRaster(300, 200, true)},
		{"rows wider than a strip", testRaster(20000, 3, true)},
		{"NaN nodata", func() *Raster { r := testRaster(9, 9, true); r.NoData = math.NaN(); return r }()},
		{"infinite values", func() *Raster {
			r := testRaster(4, 4, true)
			r.Values[1], r.Values[2] = float32(math.Inf(1)), float32(math.Inf(-1))
			return r
		}()},
		{"southern and western hemispheres", func() *Raster { r := testRaster(6, 5, true); r.West, r.North = -70.25, -33.5; return r }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := encode(t, tt.r)
			got, err := Decode(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			sameGeoreference(t, got, tt.r)
			if got.West != tt.r.West || got.North != tt.r.North || got.DX != tt.r.DX || got.DY != tt.r.DY {
				t.Errorf("georeferencing changed: %+v", got)
			}
			if got.HasNoData != tt.r.HasNoData || got.HasNoData && !sameFloat(float32(got.NoData), float32(tt.r.NoData)) {
				t.Errorf("nodata %v %g, want %v %g", got.HasNoData, got.NoData, tt.r.HasNoData, tt.r.NoData)
			}
			compareValues(t, got.Values, tt.r.Values)
		})
	}
}

func TestEncode_Refusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Raster)
		want   string
	}{
		{"no pixels", func(r *Raster) { r.Cols = 0 }, "0 × 3 pixels"},
		{"values short", func(r *Raster) { r.Values = r.Values[1:] }, "11 values for 4 × 3"},
		{"projected", func(r *Raster) { r.EPSG = 32648 }, "EPSG:32648"},
		{"pixel height negative", func(r *Raster) { r.DY = -r.DY }, "pixel size"},
		{"origin NaN", func(r *Raster) { r.West = math.NaN() }, "origin"},
		{"nodata beyond float32", func(r *Raster) { r.NoData = 1e300 }, "does not fit in a float32"},
		{"too many pixels", func(r *Raster) { r.Cols, r.Rows = 100_000, 100_000 }, "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRaster(4, 3, true)
			tt.change(r)
			err := Encode(&bytes.Buffer{}, r)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Encode: %v, want an error saying %q", err, tt.want)
			}
		})
	}
	if err := Encode(&bytes.Buffer{}, nil); err == nil {
		t.Error("Encode(nil): no error")
	}
}

// TestEncode_GDALReads checks that GDAL reads what Encode writes: size,
// geotransform, nodata, EPSG:4326, pixel-is-area, and every value.
func TestEncode_GDALReads(t *testing.T) {
	needTool(t, "gdalinfo")
	needTool(t, "gdal_translate")
	r := testRaster(300, 200, true)
	path := filepath.Join(t.TempDir(), "encoded.tif")
	if err := os.WriteFile(path, encode(t, r), 0o644); err != nil {
		t.Fatal(err)
	}
	var info struct {
		Size             []int     `json:"size"`
		GeoTransform     []float64 `json:"geoTransform"`
		CoordinateSystem struct {
			WKT string `json:"wkt"`
		} `json:"coordinateSystem"`
		Metadata map[string]map[string]string `json:"metadata"`
		Bands    []struct {
			Type        string   `json:"type"`
			NoDataValue *float64 `json:"noDataValue"`
		} `json:"bands"`
	}
	if err := json.Unmarshal(run(t, "gdalinfo", "-json", path), &info); err != nil {
		t.Fatal(err)
	}
	if len(info.Size) != 2 || info.Size[0] != r.Cols || info.Size[1] != r.Rows {
		t.Errorf("GDAL size %v, want [%d %d]", info.Size, r.Cols, r.Rows)
	}
	wantGT := []float64{r.West, r.DX, 0, r.North, 0, -r.DY}
	if len(info.GeoTransform) != 6 {
		t.Fatalf("GDAL geotransform %v", info.GeoTransform)
	}
	for i := range wantGT {
		if math.Abs(info.GeoTransform[i]-wantGT[i]) > 1e-12 {
			t.Errorf("GDAL geotransform %v, want %v", info.GeoTransform, wantGT)
			break
		}
	}
	if !strings.Contains(info.CoordinateSystem.WKT, `ID["EPSG",4326]`) {
		t.Errorf("GDAL CRS is not EPSG:4326:\n%s", info.CoordinateSystem.WKT)
	}
	if got := info.Metadata[""]["AREA_OR_POINT"]; got != "Area" {
		t.Errorf("GDAL AREA_OR_POINT %q, want Area", got)
	}
	if len(info.Bands) != 1 || info.Bands[0].Type != "Float32" || info.Bands[0].NoDataValue == nil || *info.Bands[0].NoDataValue != r.NoData {
		t.Errorf("GDAL bands %+v, want one Float32 band with nodata %g", info.Bands, r.NoData)
	}
	compareValues(t, gdalValues(t, path, r), r.Values)
}

func TestEncode_WriteErrorReturned(t *testing.T) {
	werr := errors.New("disk full")
	if err := Encode(failingWriter{werr}, testRaster(3, 3, true)); !errors.Is(err, werr) {
		t.Errorf("Encode to a failing writer: %v, want %v", err, werr)
	}
}

// failingWriter fails every write with err.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
