package rest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// exportVertices fetches a GeoJSON export and returns its features'
// vertices in order, and its crs member's name ("" when it has none).
func exportVertices(t *testing.T, s *Server, target string) ([]orb.Point, string) {
	t.Helper()
	rec := get(t, s, "GET", target)
	if rec.Code != 200 {
		t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
	}
	fc, err := geojson.UnmarshalFeatureCollection(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var pts []orb.Point
	for _, f := range fc.Features {
		mp, ok := f.Geometry.(orb.MultiPolygon)
		if !ok {
			t.Fatalf("feature %v is a %T", f.ID, f.Geometry)
		}
		for _, poly := range mp {
			for _, ring := range poly {
				pts = append(pts, ring...)
			}
		}
	}
	var name string
	if m, ok := fc.ExtraMembers["crs"].(map[string]any); ok {
		if p, ok := m["properties"].(map[string]any); ok {
			name, _ = p["name"].(string)
		}
	}
	return pts, name
}

// TestExport_CRSAgreesWithCS2CS is the acceptance line: every
// vertex of an export in VN-2000 / UTM zone 48N is within 1 m of where
// PROJ's cs2cs puts the same vertex of the WGS 84 export.
func TestExport_CRSAgreesWithCS2CS(t *testing.T) {
	path, err := exec.LookPath("cs2cs")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("cs2cs is not installed, and CI must compare with PROJ: apt-get install proj-bin")
		}
		t.Skip("cs2cs (PROJ, Debian package proj-bin) is not installed")
	}
	s := testServer(t)
	wgs, name := exportVertices(t, s, "/api/v1/export/mobile.geojson")
	if name != "" {
		t.Fatalf("the EPSG:4326 export names %q", name)
	}
	utm, name := exportVertices(t, s, "/api/v1/export/mobile.geojson?crs=EPSG:3405")
	if name != "urn:ogc:def:crs:EPSG::3405" {
		t.Fatalf("the EPSG:3405 export names %q", name)
	}
	if len(wgs) != len(utm) || len(wgs) == 0 {
		t.Fatalf("%d vertices in EPSG:4326, %d in EPSG:3405", len(wgs), len(utm))
	}
	var in bytes.Buffer
	for _, p := range wgs {
		fmt.Fprintf(&in, "%.12f %.12f\n", p[1], p[0])
	}
	cmd := exec.Command(path, "-f", "%.6f", "EPSG:4326", "EPSG:3405")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cs2cs: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	worst, i := 0.0, 0
	for ; sc.Scan(); i++ {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || i >= len(utm) {
			t.Fatalf("cs2cs line %d: %q", i, sc.Text())
		}
		x, _ := strconv.ParseFloat(f[0], 64)
		y, _ := strconv.ParseFloat(f[1], 64)
		d := math.Hypot(utm[i][0]-x, utm[i][1]-y)
		worst = math.Max(worst, d)
		if d > 1 {
			t.Errorf("vertex %d (%v): %v, cs2cs %.3f %.3f: %.3f m apart", i, wgs[i], utm[i], x, y, d)
		}
	}
	if i != len(utm) {
		t.Fatalf("cs2cs returned %d vertices of %d", i, len(utm))
	}
	t.Logf("%d vertices, the worst %.4f m from cs2cs", i, worst)
}

func TestExport_CRSErrors(t *testing.T) {
	s := testServer(t)
	for _, target := range []string{
		"/api/v1/export/mobile.kml?crs=EPSG:3405",
		"/api/v1/export/mobile.geojson?crs=EPSG:32648",
		"/api/v1/export/mobile.gpkg?crs=mercator",
	} {
		t.Run(target, func(t *testing.T) {
			rec := get(t, s, "GET", target)
			if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%d %s %s, want 400", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			var p struct{ Detail string }
			if json.Unmarshal(rec.Body.Bytes(), &p); !strings.Contains(p.Detail, "crs") {
				t.Errorf("detail %q does not say what was wrong", p.Detail)
			}
		})
	}
	if rec := get(t, s, "GET", "/api/v1/export/mobile.kml?crs=EPSG:4326"); rec.Code != 200 {
		t.Errorf("KML in EPSG:4326: %d", rec.Code)
	}
}
