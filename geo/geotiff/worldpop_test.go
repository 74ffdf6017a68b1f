package geotiff

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// readWorldPop returns the bytes of the WorldPop grid, skipping when it is
// absent.
func readWorldPop(tb testing.TB) []byte {
	tb.Helper()
	needFile(tb, worldPopFile)
	b, err := os.ReadFile(worldPopFile)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// decodeWorldPop decodes the WorldPop grid, skipping when it is absent.
func decodeWorldPop(tb testing.TB) *Raster {
	tb.Helper()
	b := readWorldPop(tb)
	r, err := Decode(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// worldPopTotal is the sum of the WorldPop grid's cells, as Decode reads
// them (float64 sum of the float32 values); the README says "about 97
// million".
const worldPopTotal = 97_338_583

func TestDecode_WorldPop(t *testing.T) {
	r := decodeWorldPop(t)
	if r.Cols != 879 || r.Rows != 1781 || r.EPSG != 4326 {
		t.Errorf("%d × %d in EPSG:%d, want 879 × 1781 in EPSG:4326", r.Cols, r.Rows, r.EPSG)
	}
	if !r.HasNoData || r.NoData != -99999 {
		t.Errorf("nodata %v %g, want -99999", r.HasNoData, r.NoData)
	}
	// The README's extent, to its four decimals.
	west, south, east, north := r.Bounds()
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"west", west, 102.1487}, {"south", south, 8.5579}, {"east", east, 109.4737}, {"north", north, 23.3996}} {
		if math.Abs(c.got-c.want) > 1e-4 {
			t.Errorf("%s edge %.6f, README says %.4f", c.name, c.got, c.want)
		}
	}
	if math.Abs(r.DX-1.0/120) > 1e-9 || math.Abs(r.DY-1.0/120) > 1e-9 {
		t.Errorf("pixel %g × %g, want 30 arc-seconds", r.DX, r.DY)
	}
	sum, valid := 0.0, 0
	for _, v := range r.Values {
		if !math.IsNaN(float64(v)) {
			sum += float64(v)
			valid++
		}
	}
	if math.Abs(sum-worldPopTotal) > 1 {
		t.Errorf("total %.0f people, want %d", sum, worldPopTotal)
	}
	t.Logf("total %.0f people in %d cells with data", sum, valid)
}

// TestDecode_WorldPopMatchesGDAL compares the grid's statistics and values
// at a few places with what GDAL reads.
func TestDecode_WorldPopMatchesGDAL(t *testing.T) {
	r := decodeWorldPop(t)
	needTool(t, "gdalinfo")
	needTool(t, "gdallocationinfo")

	// GDAL_PAM_ENABLED=NO: gdalinfo -stats would otherwise write a .aux.xml
	// beside the shared file.
	cmd := exec.Command("gdalinfo", "-json", "-stats", worldPopFile)
	cmd.Env = append(os.Environ(), "GDAL_PAM_ENABLED=NO")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gdalinfo -stats: %v", err)
	}
	var info struct {
		Bands []struct {
			Metadata map[string]map[string]string `json:"metadata"`
		} `json:"bands"`
	}
	if err := json.Unmarshal(out, &info); err != nil || len(info.Bands) != 1 {
		t.Fatalf("gdalinfo -json: %v, %d bands", err, len(info.Bands))
	}
	sum, valid := 0.0, 0
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range r.Values {
		if x := float64(v); !math.IsNaN(x) {
			sum, valid = sum+x, valid+1
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	for _, s := range []struct {
		key string
		got float64
	}{{"STATISTICS_MEAN", sum / float64(valid)}, {"STATISTICS_MINIMUM", lo}, {"STATISTICS_MAXIMUM", hi}} {
		want, err := strconv.ParseFloat(info.Bands[0].Metadata[""][s.key], 64)
		if err != nil {
			t.Fatalf("gdalinfo %s: %v", s.key, err)
		}
		if math.Abs(s.got-want) > 1e-9*math.Abs(want) {
			t.Errorf("%s: Decode gives %.12g, GDAL %.12g", s.key, s.got, want)
		}
	}

	places := []struct {
		name     string
		lon, lat float64
	}{
		{"Hà Nội, Hoàn Kiếm", 105.8525, 21.0285},
		{"Thành phố Hòa Bình", 105.3381, 20.8133},
		{"Thành phố Hồ Chí Minh, Quận 1", 106.7009, 10.7769},
		{"Đà Nẵng", 108.2208, 16.0678},
		{"Mai Châu", 105.0835, 20.6627},
		{"South China Sea (nodata)", 109.0, 12.0},
		{"north-west corner pixel", 102.15, 23.399},
	}
	for _, p := range places {
		t.Run(p.name, func(t *testing.T) {
			lon, lat := strconv.FormatFloat(p.lon, 'f', -1, 64), strconv.FormatFloat(p.lat, 'f', -1, 64)
			s := strings.TrimSpace(string(run(t, "gdallocationinfo", "-valonly", "-wgs84", worldPopFile, lon, lat)))
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("gdallocationinfo says %q", s)
			}
			want := float32(v)
			if v == -99999 {
				want = float32(math.NaN())
			}
			if got := r.At(p.lon, p.lat); !sameFloat(got, want) {
				t.Errorf("At(%g, %g) = %v, gdallocationinfo says %v", p.lon, p.lat, got, want)
			}
		})
	}
}

// TestDecodeWindow_HoaBinh checks that the window is the matching part of
// the whole grid, and that it is read from fewer bytes of the file.
func TestDecodeWindow_HoaBinh(t *testing.T) {
	b := readWorldPop(t)
	full := &countingReaderAt{r: bytes.NewReader(b)}
	whole, err := Decode(full, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	part := &countingReaderAt{r: bytes.NewReader(b)}
	win, err := DecodeWindow(part, int64(len(b)), hoaBinhWest, hoaBinhSouth, hoaBinhEast, hoaBinhNorth)
	if err != nil {
		t.Fatal(err)
	}

	// The window's edges are those of whole pixels, and it covers the box.
	c0 := int(math.Round((win.West - whole.West) / whole.DX))
	r0 := int(math.Round((whole.North - win.North) / whole.DY))
	if math.Abs(win.West-(whole.West+float64(c0)*whole.DX)) > 1e-9 || math.Abs(win.North-(whole.North-float64(r0)*whole.DY)) > 1e-9 {
		t.Errorf("window origin (%.9f, %.9f) is not on a pixel edge", win.West, win.North)
	}
	w, s, e, n := win.Bounds()
	if w > hoaBinhWest || w+win.DX <= hoaBinhWest || e < hoaBinhEast || e-win.DX >= hoaBinhEast ||
		n < hoaBinhNorth || n-win.DY >= hoaBinhNorth || s > hoaBinhSouth || s+win.DY <= hoaBinhSouth {
		t.Errorf("window spans lon %.6f – %.6f, lat %.6f – %.6f: not the pixels meeting the box", w, e, s, n)
	}
	if win.DX != whole.DX || win.DY != whole.DY || win.NoData != whole.NoData || win.HasNoData != whole.HasNoData || win.EPSG != whole.EPSG {
		t.Errorf("window %+v differs from the whole grid in more than extent", *win)
	}
	want := make([]float32, 0, win.Cols*win.Rows)
	for row := r0; row < r0+win.Rows; row++ {
		want = append(want, whole.Values[row*whole.Cols+c0:row*whole.Cols+c0+win.Cols]...)
	}
	compareValues(t, win.Values, want)

	t.Logf("window %d × %d read %d bytes in %d calls; the whole grid %d bytes in %d calls",
		win.Cols, win.Rows, part.bytes.Load(), part.calls.Load(), full.bytes.Load(), full.calls.Load())
	if part.bytes.Load()*2 > full.bytes.Load() {
		t.Errorf("the window read %d bytes, the whole grid %d: it should read the strips it needs only", part.bytes.Load(), full.bytes.Load())
	}
}

func TestDecodeWindow_NoOverlap(t *testing.T) {
	b := readWorldPop(t)
	// Spain.
	_, err := DecodeWindow(bytes.NewReader(b), int64(len(b)), -9.5, 36, 3.3, 43.8)
	if !errors.Is(err, ErrNoOverlap) {
		t.Fatalf("DecodeWindow over Spain: %v, want ErrNoOverlap", err)
	}
	for _, s := range []string{"-9.5 – 3.3", "36 – 43.8", "102.148", "23.399"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	b.Run("worldpop", func(b *testing.B) {
		data := readWorldPop(b)
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := Decode(bytes.NewReader(data), int64(len(data))); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecodeWindow(b *testing.B) {
	b.Run("hoabinh", func(b *testing.B) {
		data := readWorldPop(b)
		for b.Loop() {
			if _, err := DecodeWindow(bytes.NewReader(data), int64(len(data)), hoaBinhWest, hoaBinhSouth, hoaBinhEast, hoaBinhNorth); err != nil {
				b.Fatal(err)
			}
		}
	})
}
