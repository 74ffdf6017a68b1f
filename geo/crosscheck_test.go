package geo

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// crossCheckSQL computes, for every commune, its area and the area of its
// intersection with the union of the footprints whose bounding box meets
// it, both in m² in UTM zone 48N (EPSG:32648, which holds Hòa Bình). It is
// run by SpatiaLite through ogr2ogr's SQLite dialect; the table names are
// the -nln names given by crossCheckGDAL.
const crossCheckSQL = `
SELECT c.gso_code AS code,
       c.pop_2019 AS population,
       ST_Area(ST_Transform(c.GEOMETRY, 32648)) AS area_m2,
       COALESCE(ST_Area(ST_Transform(ST_Intersection(c.GEOMETRY,
           (SELECT ST_Union(f.GEOMETRY) FROM footprints f
            WHERE MbrIntersects(f.GEOMETRY, c.GEOMETRY))), 32648)), 0) AS covered_m2
FROM communes c`

// gdalFigure is one commune's exact area-weighted coverage by GDAL.
type gdalFigure struct {
	population int
	share      float64 // area(commune ∩ union of footprints) / area(commune)
}

// TestCrossCheck_HoaBinhGDAL compares the calculator's mobile coverage of
// Hòa Bình with an exact, area-weighted computation by a tool that is not
// ours (GDAL with SpatiaLite). The two differ by design: the calculator
// counts the people of 100 m cells whose centre is covered, and gives a
// cell where two communes overlap to one of them; the exact method counts
// the covered fraction of each commune's area, overlaps in both. The
// thresholds bound that difference; a bug in the calculator breaks them.
func TestCrossCheck_HoaBinhGDAL(t *testing.T) {
	for _, p := range []string{hoaBinhCommunesFile, hoaBinhMobileFile} {
		if _, err := os.Stat(p); err != nil {
			needInCI(t, "reference data %s is absent (expected in ../shared/data beside the repository): %v", p, err)
		}
	}
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		needInCI(t, "ogr2ogr (Debian package gdal-bin) is not installed: %v", err)
	}
	cs := loadCommunes(t, hoaBinhCommunesFile, hoaBinhCommunes)
	fps := loadFootprints(t, hoaBinhMobileFile, hoaBinhMobile)

	start := time.Now()
	exact := crossCheckGDAL(t)
	gdalTime := time.Since(start)

	s, err := NewSurface(cs, SurfaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Compute(fps, nil, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	ours := res.Layer(Mobile).Breakdown(KindAll)

	if len(exact) != len(ours.Communes) {
		t.Fatalf("GDAL gives %d communes, the calculator %d", len(exact), len(ours.Communes))
	}
	var a agreement
	ourCovered := 0.0
	for _, f := range ours.Communes {
		g, ok := exact[f.Code]
		if !ok {
			t.Fatalf("commune %s is not in GDAL's output", f.Code)
		}
		if d := a.add(t, f, g.population, g.share); d > 3 {
			t.Errorf("commune %s: share %.2f%% by the calculator, %.2f%% by GDAL", f.Code, 100*f.Share, 100*g.share)
		}
		ourCovered += f.Covered
	}
	if prov := ours.Province; prov.Population != a.refPop || math.Abs(prov.Covered-ourCovered) > 1e-6*ourCovered {
		t.Errorf("province rollup %+v, communes sum to %.0f of %d", prov, ourCovered, a.refPop)
	}
	a.report(t, "", ours,
		fmt.Sprintf("GDAL/SpatiaLite (ogr2ogr) took %v for %d communes and %d footprints", gdalTime.Round(time.Millisecond), a.n, len(fps)))
}

// agreement tallies how the calculator's commune shares agree with those
// of an independent computation (GDAL), for the cross-checks' reports and
// their common thresholds.
type agreement struct {
	n, within1, within3     int
	maxDiff, sumDiff        float64 // percentage points
	maxCode                 string
	maxRef                  float64 // the reference's share of maxCode
	partial, partialWithin1 int     // communes the reference finds not wholly covered
	partialDiff             float64
	refPop                  int
	refCovered              float64
}

// add compares commune f with the reference's population and share, and
// returns their difference in percentage points.
func (a *agreement) add(t *testing.T, f CommuneFigure, refPop int, refShare float64) float64 {
	t.Helper()
	if refPop != f.Population {
		t.Errorf("commune %s: population %d by GDAL, %d by the calculator", f.Code, refPop, f.Population)
	}
	d := 100 * math.Abs(f.Share-refShare)
	a.n++
	if d <= 1 {
		a.within1++
	}
	if d <= 3 {
		a.within3++
	}
	if d > a.maxDiff || a.maxCode == "" {
		a.maxDiff, a.maxCode, a.maxRef = d, f.Code, refShare
	}
	a.sumDiff += d
	if refShare < 0.9999 {
		a.partial++
		a.partialDiff += d
		if d <= 1 {
			a.partialWithin1++
		}
	}
	a.refPop += refPop
	a.refCovered += float64(refPop) * refShare
	return d
}

// report logs the agreement, after the lines given first (each prefixed
// with name when it is not empty), on stdout too (where go test shows it
// without -v when run in the package's directory; in package-list mode a
// passing package's output shows only with -v or -json), and fails t when
// fewer than 95% of the communes agree within 1 point or the province's
// share differs by more than 0.2 points.
func (a *agreement) report(t *testing.T, name string, ours *Breakdown, first ...string) {
	t.Helper()
	prov := ours.Province
	refShare := a.refCovered / float64(a.refPop)
	lines := append(first,
		fmt.Sprintf("communes within 1 pt: %d of %d (%.1f%%); within 3 pts: %d of %d", a.within1, a.n, 100*float64(a.within1)/float64(a.n), a.within3, a.n),
		fmt.Sprintf("max difference %.2f pts (commune %s: calculator %.2f%%, GDAL %.2f%%); mean absolute difference %.4f pts",
			a.maxDiff, a.maxCode, 100*shareOf(ours, a.maxCode), 100*a.maxRef, a.sumDiff/float64(a.n)),
		fmt.Sprintf("communes not wholly covered by GDAL's count: %d, within 1 pt: %d, mean absolute difference among them %.3f pts",
			a.partial, a.partialWithin1, a.partialDiff/float64(max(a.partial, 1))),
		fmt.Sprintf("province: calculator %.0f of %d people (%.3f%%), GDAL %.0f of %d (%.3f%%), difference %+.4f pts",
			prov.Covered, prov.Population, 100*prov.Share, a.refCovered, a.refPop, 100*refShare, 100*(prov.Share-refShare)),
	)
	for _, line := range lines {
		if name != "" {
			line = name + ": " + line
		}
		t.Log(line)
		fmt.Println("crosscheck:", line)
	}
	if float64(a.within1) < 0.95*float64(a.n) {
		t.Errorf("%d of %d communes within 1 point, want at least 95%%", a.within1, a.n)
	}
	if d := 100 * math.Abs(prov.Share-refShare); d > 0.2 {
		t.Errorf("province share differs by %.3f points, want at most 0.2", d)
	}
}

// needInCI fails t when the environment variable CI is set, where the
// cross-check's tools and data must be present, and otherwise skips it.
func needInCI(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI needs this: "+format, args...)
	}
	t.Skipf("skipped: "+format, args...)
}

// crossCheckGDAL loads the Hòa Bình communes and mobile footprints into a
// SpatiaLite database with ogr2ogr, runs crossCheckSQL and returns the
// figures by commune code.
func crossCheckGDAL(t *testing.T) map[string]gdalFigure {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "crosscheck.sqlite")
	out := filepath.Join(dir, "crosscheck.csv")
	ogr2ogr := func(args ...string) {
		t.Helper()
		if b, err := exec.CommandContext(t.Context(), "ogr2ogr", args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %q: %v\n%s", args, err, b)
		}
	}
	ogr2ogr("-f", "SQLite", "-dsco", "SPATIALITE=YES", "-nln", "communes", "-nlt", "PROMOTE_TO_MULTI", db, hoaBinhCommunesFile)
	ogr2ogr("-update", "-append", "-nln", "footprints", db, hoaBinhMobileFile)

	// Without SpatiaLite the SQLite dialect knows no ST_ function.
	probe := exec.CommandContext(t.Context(), "ogr2ogr", "-f", "CSV", filepath.Join(dir, "probe.csv"), db,
		"-dialect", "SQLite", "-sql", "SELECT spatialite_version() AS v")
	if b, err := probe.CombinedOutput(); err != nil {
		needInCI(t, "ogr2ogr's SQLite driver has no SpatiaLite: %v\n%s", err, b)
	}

	ogr2ogr("-f", "CSV", out, db, "-dialect", "SQLite", "-sql", crossCheckSQL)
	rows, err := readCSV(out)
	if err != nil {
		t.Fatal(err)
	}
	figs := make(map[string]gdalFigure, len(rows))
	for i, r := range rows {
		pop, err1 := strconv.Atoi(r["population"])
		area, err2 := strconv.ParseFloat(r["area_m2"], 64)
		covered, err3 := strconv.ParseFloat(r["covered_m2"], 64)
		if err1 != nil || err2 != nil || err3 != nil || !(area > 0) || !(covered >= 0) {
			t.Fatalf("%s row %d: population %q, area %q, covered %q (ST_Transform needs PROJ's database)",
				out, i+2, r["population"], r["area_m2"], r["covered_m2"])
		}
		if _, dup := figs[r["code"]]; dup || r["code"] == "" {
			t.Fatalf("%s row %d: commune code %q empty or repeated", out, i+2, r["code"])
		}
		// An intersection can exceed its commune by rounding only.
		figs[r["code"]] = gdalFigure{population: pop, share: min(covered/area, 1)}
	}
	return figs
}

// readCSV reads a CSV file with a header into one map per row, by column
// name.
func readCSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: no header", path)
	}
	rows := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		row := make(map[string]string, len(rec))
		for j, v := range rec {
			row[recs[0][j]] = v
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// shareOf returns the calculator's share of the commune with the given
// code, or NaN.
func shareOf(b *Breakdown, code string) float64 {
	for _, f := range b.Communes {
		if f.Code == code {
			return f.Share
		}
	}
	return math.NaN()
}
