package crs

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// tolerance is how far, in metres, a transformed point may be from PROJ's.
// The issue asks for 1 m; the series and the Helmert reproduce PROJ to
// well under a millimetre, so the test holds them to a centimetre.
const tolerance = 0.01

// places are the reference points: two cities, a point on zone 48N's central meridian
// and the country's far south and north, all outside the DBSCL box (inDBSCL).
var places = []struct {
	name     string
	lon, lat float64
}{
	{"Hà Nội", 105.8542, 21.0285},
	{"zone 48N central meridian", 105.0, 12.0},
	{"Đà Nẵng", 108.2022, 16.0544},
	{"Cà Mau coast", 104.7, 8.6},
	{"Hà Giang", 105.3, 23.3},
}

// reference holds cs2cs's answers (PROJ 9.1.1, "cs2cs -f %.10f EPSG:4326
// EPSG:<code>" on "lat lon") for places, x first, so that the test means
// something where PROJ is not installed.
var reference = map[int][][2]float64{
	3857: {
		{11783635.6423, 2395277.2331}, {11688546.5333, 1345708.4084}, {12045013.8067, 1811023.4498},
		{11655150.6861, 960962.7626}, {11721942.3805, 2668339.1058},
	},
	4756: {
		{105.8523173468, 21.0294859889}, {104.9982020205, 12.0010064012}, {108.2003786843, 16.0554236474},
		{104.6982209938, 8.6010097058}, {105.2980853611, 23.3009687019},
	},
	3405: {
		{588565.3638, 2325647.3383}, {499804.2743, 1326664.9223}, {842470.8801, 1777713.3220},
		{466794.5729, 950754.4703}, {530480.1907, 2576868.9102},
	},
	3406: {
		{-35425.8860, 2334058.2749}, {-154449.3041, 1333811.4729}, {200445.1651, 1777091.2708},
		{-194744.1943, 956472.6120}, {-83703.7659, 2588352.2026},
	},
}

// inDBSCL says p is in the bounding box of EPSG:5194 "VN-2000 to WGS 84
// (1)", the Mekong delta blocks DBSCL 02 and 03, where PROJ prefers that
// transformation for EPSG:4756 and EPSG:3405 (but not EPSG:3406). This
// package applies EPSG:6960, the Ministry's national parameters,
// everywhere, so that a commune straddling the box has no 0.8 m seam; there
// the test holds it to the 1 m only.
func inDBSCL(p orb.Point) bool {
	return p[0] >= 104.24 && p[0] <= 107.11 && p[1] >= 9.35 && p[1] <= 11.04
}

// distance returns how far apart two points of c are, in metres: degrees
// are turned into metres on a sphere of WGS 84's radius, which at these
// distances is exact enough.
func distance(c CRS, a, b orb.Point) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	if c.Geographic {
		dx *= wgs84A * deg * math.Cos(a[1]*deg)
		dy *= wgs84A * deg
	}
	return math.Hypot(dx, dy)
}

func TestForward_ReferenceValues(t *testing.T) {
	for code, want := range reference {
		c, err := Lookup("EPSG:" + strconv.Itoa(code))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(c.String(), func(t *testing.T) {
			for i, p := range places {
				got := c.Forward(orb.Point{p.lon, p.lat})
				if d := distance(c, got, want[i]); d > tolerance {
					t.Errorf("%s: got %.4f, %.4f, want %.4f, %.4f: %.4f m apart", p.name, got[0], got[1], want[i][0], want[i][1], d)
				}
			}
		})
	}
}

// grid returns points every half degree over Vietnam's extent and a
// little beyond: 102–110°E, 8–23.5°N.
func grid() []orb.Point {
	var out []orb.Point
	for lat := 8.0; lat <= 23.5; lat += 0.5 {
		for lon := 102.0; lon <= 110.0; lon += 0.5 {
			out = append(out, orb.Point{lon, lat})
		}
	}
	return out
}

// cs2csPath returns the path of PROJ's cs2cs, skipping the test where it is
// absent, unless CI is set, where it must be (.ci/run installs proj-bin).
func cs2csPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("cs2cs")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("cs2cs is not installed, and CI must compare with PROJ: apt-get install proj-bin")
		}
		t.Skip("cs2cs (PROJ, Debian package proj-bin) is not installed: comparing only with the recorded reference values")
	}
	return path
}

// runCS2CS transforms WGS 84 points to the EPSG system code with PROJ's cs2cs,
// and returns them x first.
func runCS2CS(t *testing.T, path string, code int, pts []orb.Point) []orb.Point {
	t.Helper()
	var in bytes.Buffer
	for _, p := range pts {
		fmt.Fprintf(&in, "%.12f %.12f\n", p[1], p[0]) // EPSG:4326 is latitude first
	}
	cmd := exec.Command(path, "-f", "%.10f", "EPSG:4326", "EPSG:"+strconv.Itoa(code))
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cs2cs: %v", err)
	}
	var got []orb.Point
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			t.Fatalf("cs2cs printed %q", sc.Text())
		}
		a, err1 := strconv.ParseFloat(f[0], 64)
		b, err2 := strconv.ParseFloat(f[1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("cs2cs printed %q", sc.Text())
		}
		if code == 4756 || code == 4326 { // latitude first, as EPSG defines them
			a, b = b, a
		}
		got = append(got, orb.Point{a, b})
	}
	if len(got) != len(pts) {
		t.Fatalf("cs2cs returned %d points for %d", len(got), len(pts))
	}
	return got
}

func TestForward_AgreesWithCS2CS(t *testing.T) {
	path := cs2csPath(t)
	pts := grid()
	for _, code := range Codes() {
		c, _ := Lookup(strconv.Itoa(code))
		t.Run(c.String(), func(t *testing.T) {
			want := runCS2CS(t, path, code, pts)
			worst, worstDBSCL := 0.0, 0.0
			for i, p := range pts {
				got := c.Forward(p)
				d := distance(c, got, want[i])
				limit := tolerance
				if inDBSCL(p) {
					limit = 1
					worstDBSCL = math.Max(worstDBSCL, d)
				} else {
					worst = math.Max(worst, d)
				}
				if d > limit {
					t.Errorf("%.1f°E %.1f°N: got %.4f, %.4f, cs2cs %.4f, %.4f: %.4f m apart", p[0], p[1], got[0], got[1], want[i][0], want[i][1], d)
				}
			}
			t.Logf("%s: %d points, the worst %.6f m from cs2cs, %.3f m in the DBSCL box", c, len(pts), worst, worstDBSCL)
		})
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		in   string
		code int
		ok   bool
	}{
		{"", 4326, true},
		{"EPSG:4326", 4326, true},
		{"epsg:3405", 3405, true},
		{"3406", 3406, true},
		{"http://www.opengis.net/def/crs/EPSG/0/3857", 3857, true},
		{CRS84URI, 4326, true},
		{"OGC:CRS84", 4326, true},
		{"EPSG:4756", 4756, true},
		{"EPSG:32648", 0, false},
		{"EPSG:", 0, false},
		{"mercator", 0, false},
		{strings.Repeat("9", 200), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := Lookup(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("Lookup(%q) error %v, want ok %v", tt.in, err, tt.ok)
			}
			if tt.ok && c.Code != tt.code {
				t.Errorf("Lookup(%q) = %d, want %d", tt.in, c.Code, tt.code)
			}
		})
	}
}

func TestProject_LeavesInputAlone(t *testing.T) {
	c, _ := Lookup("EPSG:3405")
	mp := orb.MultiPolygon{{{{105, 21}, {106, 21}, {106, 22}, {105, 21}}}}
	got := c.Project(mp)
	if mp[0][0][0] != (orb.Point{105, 21}) {
		t.Errorf("the input changed: %v", mp[0][0][0])
	}
	if got[0][0][0] != c.Forward(orb.Point{105, 21}) {
		t.Errorf("got %v", got[0][0][0])
	}
	if WGS84.Project(mp)[0][0][1] != mp[0][0][1] {
		t.Error("WGS 84 changed the geometry")
	}
}
