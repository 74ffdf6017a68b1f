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
	var a agreement
	fallback := 0 // communes whose cells all weigh 0 for GDAL
	cellsDiffer, maxCellDiff, maxCellCode := 0, 0, ""
	for i, f := range ours.Communes {
		r, ok := ref[f.Code]
		if !ok {
			t.Fatalf("commune %s is not in GDAL's output", f.Code)
		}
		if d := a.add(t, f, r.population, r.share); d > 3 {
			t.Logf("commune %s: share %.2f%% by the calculator, %.2f%% by GDAL (%d cells by GDAL)", f.Code, 100*f.Share, 100*r.share, r.cells)
		}
		if r.weight == 0 {
			fallback++
		}
		if n := countCells(s, i); n != r.cells && r.cells > 0 {
			cellsDiffer++
			if d := abs(n - r.cells); d > maxCellDiff {
				maxCellDiff, maxCellCode = d, f.Code
			}
		}
	}
	cellReport := "none"
	if cellsDiffer > 0 {
		cellReport = fmt.Sprintf("%d (largest by %d cells, commune %s)", cellsDiffer, maxCellDiff, maxCellCode)
	}
	a.report(t, name, ours,
		fmt.Sprintf("GDAL (%s) took %v for %d communes, %d footprints, %d × %d cells",
			gridScript, took.Round(time.Millisecond), a.n, footprints, s.Grid().Rows, s.Grid().Cols),
		fmt.Sprintf("spread evenly for want of data: %d by the calculator, %d by GDAL", len(s.Stats().EvenFallback), fallback),
		fmt.Sprintf("communes whose cell count differs from GDAL's: %s", cellReport))
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
