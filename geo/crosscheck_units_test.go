package geo

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

const phuThoWardsFile = refData + "/phutho/wards_2025.geojson"

// crossCheckUnitsSQL is the independent computation of a new unit set's
// shares: each old commune's people are spread evenly over its area (as
// the calculator's even surface does), a new unit holds the people of the
// parts of old communes inside it, and of those the people inside the
// union of the footprints are covered. Areas in m² in UTM zone 48N; the
// footprints of a pair are those whose bounding box meets both.
const crossCheckUnitsSQL = `
SELECT u.code AS code,
       SUM(c.population / ST_Area(ST_Transform(c.GEOMETRY, 32648)) *
           COALESCE(ST_Area(ST_Transform(ST_Intersection(c.GEOMETRY, u.GEOMETRY), 32648)), 0)) AS people,
       SUM(c.population / ST_Area(ST_Transform(c.GEOMETRY, 32648)) *
           COALESCE(ST_Area(ST_Transform(ST_Intersection(ST_Intersection(c.GEOMETRY, u.GEOMETRY),
               (SELECT ST_Union(f.GEOMETRY) FROM footprints f
                WHERE MbrIntersects(f.GEOMETRY, c.GEOMETRY) AND MbrIntersects(f.GEOMETRY, u.GEOMETRY))), 32648)), 0)) AS covered
FROM units u JOIN base c ON MbrIntersects(c.GEOMETRY, u.GEOMETRY)
GROUP BY u.code`

// TestCrossCheck_PhuTho2025GDAL checks the figures of a new unit set
// counted on an old one: Phú Thọ's 148 communes and wards of July 2025,
// counted on the people of the 2013 national communes of the same area
// (2019 census, spread evenly), with the synthetic national mobile
// footprints (one in four). Each unit's share must agree with GDAL/SpatiaLite's
// area-weighted computation within 1 point for 95% of the units.
func TestCrossCheck_PhuTho2025GDAL(t *testing.T) {
	for _, p := range []string{phuThoWardsFile, vietnamCommunesFile, vietnamMobileFile} {
		if _, err := os.Stat(p); err != nil {
			needInCI(t, "reference data %s is absent (expected in ../shared/data beside the repository): %v", p, err)
		}
	}
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		needInCI(t, "ogr2ogr (Debian package gdal-bin) is not installed: %v", err)
	}
	f, err := os.Open(phuThoWardsFile)
	if err != nil {
		t.Fatal(err)
	}
	units, _, err := ReadCommunes(f, CommuneProperties{Code: "code", Name: "name", Type: "type", DistrictCode: "province_code",
		District: "province", Population: "population"}, true, "wards_2025.geojson")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var area orb.MultiPolygon
	var box orb.Bound
	for i, u := range units {
		area = append(area, u.Geometry...)
		if i == 0 {
			box = u.Geometry.Bound()
		} else {
			box = box.Union(u.Geometry.Bound())
		}
	}
	// The old communes whose interior point lies in the new province.
	var base []Commune
	for _, c := range loadCommunes(t, vietnamCommunesFile, vietnamCommunes) {
		pt := c.Point
		if pt == (orb.Point{}) {
			pt, _ = planar.CentroidArea(c.Geometry)
		}
		if box.Contains(pt) && planar.MultiPolygonContains(area, pt) {
			base = append(base, c)
		}
	}
	// One footprint in four, so that many units are partly covered.
	var fps []Footprint
	for i, fp := range loadFootprints(t, vietnamMobileFile, vietnamMobile) {
		if i%4 == 0 && fp.Geometry.Bound().Intersects(box) {
			fps = append(fps, fp)
		}
	}
	if len(base) < 400 || len(fps) < 1000 || len(fps) > 10000 {
		t.Fatalf("%d old communes and %d footprints in Phú Thọ 2025's box: the selection is wrong", len(base), len(fps))
	}

	start := time.Now()
	surface, err := NewSurface(base, SurfaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	people := NewPeople(surface)
	counted, err := people.Rebase(units, SurfaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := counted.Surface.Compute(fps, nil, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	ours := res.Layer(Mobile).Breakdown(KindAll)
	took := time.Since(start)

	start = time.Now()
	exact := crossCheckUnitsGDAL(t, base, units, fps)
	gdalTime := time.Since(start)

	var a agreement
	for _, f := range ours.Communes {
		g, ok := exact[f.Code]
		if !ok || g.people <= 0 {
			t.Errorf("unit %s: no people in GDAL's output", f.Code)
			continue
		}
		// People are compared apart: cells against areas differ a little.
		if d := a.add(t, f, f.Population, min(g.covered/g.people, 1)); d > 5 {
			t.Errorf("unit %s: share %.2f%% by the calculator, %.2f%% by GDAL", f.Code, 100*f.Share, 100*g.covered/g.people)
		}
		if r := float64(f.Population) / g.people; r < 0.8 || r > 1.25 {
			t.Errorf("unit %s: %d people by the calculator, %.0f by GDAL", f.Code, f.Population, g.people)
		}
	}
	a.report(t, "Phú Thọ 2025", ours,
		fmt.Sprintf("%d units of 2025 counted on %d communes of 2013 (%d people) with %d footprints: calculator %v, GDAL/SpatiaLite %v",
			len(units), len(base), people.Total(), len(fps), took.Round(time.Millisecond), gdalTime.Round(time.Millisecond)))
}

type unitsFigure struct{ people, covered float64 }

// crossCheckUnitsGDAL writes the three layers as GeoJSON, loads them into
// SpatiaLite with ogr2ogr and runs crossCheckUnitsSQL.
func crossCheckUnitsGDAL(t *testing.T, base, units []Commune, fps []Footprint) map[string]unitsFigure {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, n int, feature func(i int) *geojson.Feature) string {
		fc := geojson.NewFeatureCollection()
		for i := range n {
			fc.Append(feature(i))
		}
		b, err := json.Marshal(fc)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name+".geojson")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	communes := func(cs []Commune) func(int) *geojson.Feature {
		return func(i int) *geojson.Feature {
			f := geojson.NewFeature(cs[i].Geometry)
			f.Properties = geojson.Properties{"code": cs[i].Code, "population": cs[i].Population}
			return f
		}
	}
	db := filepath.Join(dir, "units.sqlite")
	ogr2ogr := func(args ...string) {
		t.Helper()
		if b, err := exec.CommandContext(t.Context(), "ogr2ogr", args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %q: %v\n%s", args, err, b)
		}
	}
	ogr2ogr("-f", "SQLite", "-dsco", "SPATIALITE=YES", "-nln", "base", "-nlt", "PROMOTE_TO_MULTI", db, write("base", len(base), communes(base)))
	ogr2ogr("-update", "-nln", "units", "-nlt", "PROMOTE_TO_MULTI", db, write("units", len(units), communes(units)))
	ogr2ogr("-update", "-nln", "footprints", "-nlt", "PROMOTE_TO_MULTI", db, write("footprints", len(fps), func(i int) *geojson.Feature {
		return geojson.NewFeature(fps[i].Geometry)
	}))
	out := filepath.Join(dir, "units.csv")
	ogr2ogr("-f", "CSV", out, db, "-dialect", "SQLite", "-sql", crossCheckUnitsSQL)
	rows, err := readCSV(out)
	if err != nil {
		t.Fatal(err)
	}
	figs := make(map[string]unitsFigure, len(rows))
	for i, r := range rows {
		p, err1 := strconv.ParseFloat(r["people"], 64)
		c, err2 := strconv.ParseFloat(r["covered"], 64)
		if err1 != nil || err2 != nil || math.IsNaN(p) || !(c >= 0) {
			t.Fatalf("%s row %d: people %q, covered %q", out, i+2, r["people"], r["covered"])
		}
		figs[r["code"]] = unitsFigure{people: p, covered: c}
	}
	return figs
}
