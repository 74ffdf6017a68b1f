package geo

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// worldPopFile is WorldPop's 2020 population grid of Vietnam, 30″ pixels,
// float32, nodata −99999, EPSG:4326 (see its README beside it).
const worldPopFile = refData + "/worldpop/vnm_ppp_2020_1km_Aggregated_UNadj.tif"

// gridScript computes per-commune shares on a cell grid with GDAL and
// numpy; its docstring states the method and where it differs from ours.
const gridScript = "testdata/crosscheck_grid.py"

// gridFigure is one commune's coverage on a cell grid by GDAL.
type gridFigure struct {
	population int
	cells      int     // cells whose centre GDAL burns for the commune
	weight     float64 // their summed weights; 0 means the even fallback
	share      float64 // weight of the covered cells / weight of all its cells
}

// TestCrossCheck_HoaBinhWorldPopGDAL compares the calculator's mobile
// coverage of Hòa Bình on two population surfaces, the even spread and the
// WorldPop dasymetric surface, with the same cell-grid method run by GDAL
// (testdata/crosscheck_grid.py): gdalwarp-style nearest resampling of the
// grid onto our cells, rasterized communes and footprints, numpy sums. Both
// sides use one grid and the same cell-centre rules, so they differ only
// where a centre lies on an edge and because the calculator hands out whole
// people (a few tenths of a point in communes with fewer people than
// cells); the thresholds are the (95% of communes within 1 point,
// province within 0.2).
//
// The WorldPop numbers reach the calculator through the script too (a
// window dumped as float32), so this test needs no GeoTIFF reader of ours.
func TestCrossCheck_HoaBinhWorldPopGDAL(t *testing.T) {
	for _, p := range []string{hoaBinhCommunesFile, hoaBinhMobileFile, worldPopFile, gridScript} {
		if _, err := os.Stat(p); err != nil {
			needInCI(t, "%s is absent (reference data is expected in ../shared/data beside the repository): %v", p, err)
		}
	}
	python := gdalPython(t)
	cs := loadCommunes(t, hoaBinhCommunesFile, hoaBinhCommunes)
	fps := loadFootprints(t, hoaBinhMobileFile, hoaBinhMobile)

	even, err := NewSurface(cs, SurfaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g := even.Grid()
	dump := filepath.Join(t.TempDir(), "worldpop")
	evenRef, evenTime := runGridScript(t, python, g, "--even")
	wpRef, wpTime := runGridScript(t, python, g, "--grid", worldPopFile, "--dump-grid", dump)

	pg := readGridDump(t, dump, "worldpop")
	weighted, err := NewSurface(cs, SurfaceOptions{Grid: pg})
	if err != nil {
		t.Fatal(err)
	}
	if weighted.Grid() != g {
		t.Fatalf("the WorldPop surface has grid %+v, the even one %+v: the script ran on the wrong grid", weighted.Grid(), g)
	}
	if !weighted.Weighted() {
		t.Fatal("the WorldPop surface reports no commune shaped by the grid")
	}

	evenOurs, wpOurs := mobileShares(t, even, fps), mobileShares(t, weighted, fps)
	for _, tc := range []struct {
		name    string
		surface *Surface
		ours    *Breakdown
		ref     map[string]gridFigure
		took    time.Duration
	}{
		{"even", even, evenOurs, evenRef, evenTime},
		{"worldpop", weighted, wpOurs, wpRef, wpTime},
	} {
		t.Run(tc.name, func(t *testing.T) {
			compareGridShares(t, tc.name, tc.surface, len(fps), tc.ours, tc.ref, tc.took)
		})
	}

	// Most communes are wholly covered whatever the surface, so the
	// thresholds above could pass with the grid ignored. The communes
	// whose share WorldPop moves tell the two surfaces apart.
	moved, followed := 0, 0
	for _, f := range wpOurs.Communes {
		w, e := wpRef[f.Code], evenRef[f.Code]
		if 100*math.Abs(w.share-e.share) > 1 {
			moved++
			if 100*math.Abs(f.Share-w.share) <= 1 {
				followed++
			}
		}
	}
	line := fmt.Sprintf("WorldPop moves %d communes by more than 1 pt from the even spread (by GDAL); the calculator's WorldPop shares are within 1 pt of GDAL's for %d of them",
		moved, followed)
	t.Log(line)
	fmt.Println("crosscheck:", line)
	switch {
	case moved == 0:
		t.Error("WorldPop moves no commune by more than 1 point: this cross-check cannot tell the surfaces apart")
	case float64(followed) < 0.95*float64(moved):
		t.Errorf("of the %d communes WorldPop moves, %d follow GDAL within 1 point, want at least 95%%", moved, followed)
	}
}

// mobileShares returns the calculator's mobile coverage of s by every
// footprint, per commune and for the province.
func mobileShares(t *testing.T, s *Surface, fps []Footprint) *Breakdown {
	t.Helper()
	res, err := s.Compute(fps, nil, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return res.Layer(Mobile).Breakdown(KindAll)
}

// compareGridShares checks the calculator's per-commune shares on s, ours,
// against GDAL's, and logs a report.
func compareGridShares(t *testing.T, name string, s *Surface, footprints int, ours *Breakdown, ref map[string]gridFigure, took time.Duration) {
	if len(ref) != len(ours.Communes) {
		t.Fatalf("GDAL gives %d communes, the calculator %d", len(ref), len(ours.Communes))
	}
	var (
		within1, within3 int
		maxDiff, sumDiff float64
		maxCode          string
		fallback         int // communes whose cells all weigh 0 for GDAL
		partial          int // communes GDAL finds not wholly covered
		partialWithin1   int
		partialDiff      float64 // their summed differences, in points
		cellsDiffer      int     // communes whose cell count differs
		maxCellDiff      int
		maxCellCode      string
		refPop           int
		refCovered       float64
	)
	for i, f := range ours.Communes {
		r, ok := ref[f.Code]
		if !ok {
			t.Fatalf("commune %s is not in GDAL's output", f.Code)
		}
		if r.population != f.Population {
			t.Errorf("commune %s: population %d by GDAL, %d by the calculator", f.Code, r.population, f.Population)
		}
		d := 100 * math.Abs(f.Share-r.share) // percentage points
		if d <= 1 {
			within1++
		}
		if d <= 3 {
			within3++
		} else {
			t.Logf("commune %s: share %.2f%% by the calculator, %.2f%% by GDAL (%d cells by GDAL)", f.Code, 100*f.Share, 100*r.share, r.cells)
		}
		if d > maxDiff {
			maxDiff, maxCode = d, f.Code
		}
		sumDiff += d
		if r.weight == 0 {
			fallback++
		}
		if r.share < 0.9999 {
			partial++
			partialDiff += d
			if d <= 1 {
				partialWithin1++
			}
		}
		if n := countCells(s, i); n != r.cells && r.cells > 0 {
			cellsDiffer++
			if d := abs(n - r.cells); d > maxCellDiff {
				maxCellDiff, maxCellCode = d, f.Code
			}
		}
		refPop += r.population
		refCovered += float64(r.population) * r.share
	}
	n := len(ours.Communes)
	refShare := refCovered / float64(refPop)
	prov := ours.Province
	cellReport := "none"
	if cellsDiffer > 0 {
		cellReport = fmt.Sprintf("%d (largest by %d cells, commune %s)", cellsDiffer, maxCellDiff, maxCellCode)
	}

	report := []string{
		fmt.Sprintf("%s: GDAL (%s) took %v for %d communes, %d footprints, %d × %d cells",
			name, gridScript, took.Round(time.Millisecond), n, footprints, s.Grid().Rows, s.Grid().Cols),
		fmt.Sprintf("%s: communes within 1 pt: %d of %d (%.1f%%); within 3 pts: %d of %d; spread evenly for want of data: %d by the calculator, %d by GDAL",
			name, within1, n, 100*float64(within1)/float64(n), within3, n, len(s.Stats().EvenFallback), fallback),
		fmt.Sprintf("%s: max difference %.2f pts (commune %s: calculator %.2f%%, GDAL %.2f%%); mean absolute difference %.4f pts",
			name, maxDiff, maxCode, 100*shareOf(ours, maxCode), 100*ref[maxCode].share, sumDiff/float64(n)),
		fmt.Sprintf("%s: communes not wholly covered by GDAL's count: %d, within 1 pt: %d, mean absolute difference among them %.3f pts",
			name, partial, partialWithin1, partialDiff/float64(max(partial, 1))),
		fmt.Sprintf("%s: communes whose cell count differs from GDAL's: %s", name, cellReport),
		fmt.Sprintf("%s: province: calculator %.0f of %d people (%.3f%%), GDAL %.0f of %d (%.3f%%), difference %+.4f pts",
			name, prov.Covered, prov.Population, 100*prov.Share, refCovered, refPop, 100*refShare, 100*(prov.Share-refShare)),
	}
	for _, line := range report {
		t.Log(line)
		// On stdout too, as in TestCrossCheck_HoaBinhGDAL.
		fmt.Println("crosscheck:", line)
	}

	if float64(within1) < 0.95*float64(n) {
		t.Errorf("%d of %d communes within 1 point, want at least 95%%", within1, n)
	}
	if d := 100 * math.Abs(prov.Share-refShare); d > 0.2 {
		t.Errorf("province share differs by %.3f points, want at most 0.2", d)
	}
}

// gdalPython returns a Python 3 that imports GDAL's bindings and numpy:
// python3 on PATH, or else the system's /usr/bin/python3, where Debian's
// python3-gdal and python3-numpy install them and which a pyenv or
// virtualenv python3 earlier on PATH hides.
func gdalPython(t *testing.T) string {
	t.Helper()
	var tried []string
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(name)
		if err != nil {
			tried = append(tried, err.Error())
			continue
		}
		probe := exec.CommandContext(t.Context(), path, "-c", "import numpy; from osgeo import gdal, ogr, osr")
		if b, err := probe.CombinedOutput(); err != nil {
			tried = append(tried, fmt.Sprintf("%s: %v: %s", path, err, lastLine(b)))
			continue
		}
		return path
	}
	needInCI(t, "no python3 with GDAL's bindings and numpy (Debian packages python3-gdal and python3-numpy): %s", strings.Join(tried, "; "))
	return ""
}

// runGridScript runs gridScript on grid g with the extra arguments and
// returns its figures by commune code, and how long it took.
func runGridScript(t *testing.T, python string, g Grid, args ...string) (map[string]gridFigure, time.Duration) {
	t.Helper()
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	args = append([]string{gridScript,
		"--communes", hoaBinhCommunesFile, "--footprints", hoaBinhMobileFile,
		"--lon0", f(g.Lon0), "--lat0", f(g.Lat0), "--dlon", f(g.DLon), "--dlat", f(g.DLat),
		"--cols", strconv.Itoa(g.Cols), "--rows", strconv.Itoa(g.Rows),
	}, args...)
	out := filepath.Join(t.TempDir(), "shares.csv")
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), python, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", python, strings.Join(args, " "), err, stderr.Bytes())
	}
	took := time.Since(start)
	if err := os.WriteFile(out, stdout.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, err := readCSV(out)
	if err != nil {
		t.Fatal(err)
	}
	figs := make(map[string]gridFigure, len(rows))
	for i, r := range rows {
		pop, err1 := strconv.Atoi(r["population"])
		cells, err2 := strconv.Atoi(r["cells"])
		weight, err3 := strconv.ParseFloat(r["weight"], 64)
		share, err4 := strconv.ParseFloat(r["share"], 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || !(share >= 0 && share <= 1) {
			t.Fatalf("%s row %d: %v", gridScript, i+2, r)
		}
		if _, dup := figs[r["code"]]; dup || r["code"] == "" {
			t.Fatalf("%s row %d: commune code %q empty or repeated", gridScript, i+2, r["code"])
		}
		figs[r["code"]] = gridFigure{population: pop, cells: cells, weight: weight, share: share}
	}
	return figs, took
}

// gridDumpHeader is the JSON header of a window dumped by gridScript's
// --dump-grid.
type gridDumpHeader struct {
	West  float64 `json:"west"`
	North float64 `json:"north"`
	DX    float64 `json:"dx"`
	DY    float64 `json:"dy"`
	Cols  int     `json:"cols"`
	Rows  int     `json:"rows"`
}

// readGridDump reads prefix.json and prefix.f32 (little-endian float32, top
// row first, NaN for no data) into a population grid.
func readGridDump(t *testing.T, prefix, name string) *PopulationGrid {
	t.Helper()
	hb, err := os.ReadFile(prefix + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var h gridDumpHeader
	if err := json.Unmarshal(hb, &h); err != nil {
		t.Fatalf("%s.json: %v", prefix, err)
	}
	if !(h.DX > 0 && h.DY > 0 && h.Cols > 0 && h.Rows > 0) {
		t.Fatalf("%s.json: bad header %+v", prefix, h)
	}
	vb, err := os.ReadFile(prefix + ".f32")
	if err != nil {
		t.Fatal(err)
	}
	if len(vb) != 4*h.Cols*h.Rows {
		t.Fatalf("%s.f32: %d bytes for %d × %d float32 values", prefix, len(vb), h.Cols, h.Rows)
	}
	vals := make([]float32, h.Cols*h.Rows)
	for i := range vals {
		vals[i] = math.Float32frombits(binary.LittleEndian.Uint32(vb[4*i:]))
	}
	return &PopulationGrid{
		Name: name, West: h.West, North: h.North, DX: h.DX, DY: h.DY,
		Cols: h.Cols, Rows: h.Rows, Values: vals,
	}
}

// countCells returns the number of cells commune i owns on s.
func countCells(s *Surface, i int) int {
	n := 0
	for range s.Cells(i) {
		n++
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// lastLine returns the last non-empty line of b, for short error messages.
func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}
