package gpkg

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// update rewrites testdata/blobs.json from Encode: run
// `go test ./geo/gpkg -update` after a deliberate change of encoding, and
// read the diff before committing it.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestEncode_Golden holds the bytes of a few blobs to what testdata/blobs.json
// says, in hex. These are the bytes every store and GeoPackage export
// holds, and what GDAL and QGIS read, so they are compared exactly; each
// golden blob must also decode to its shape.
func TestEncode_Golden(t *testing.T) {
	square := orb.Ring{{105.3, 20.8}, {105.4, 20.8}, {105.4, 20.9}, {105.3, 20.9}, {105.3, 20.8}}
	hole := orb.Ring{{105.34, 20.84}, {105.34, 20.86}, {105.36, 20.86}, {105.36, 20.84}, {105.34, 20.84}}
	island := orb.Ring{{105.5, 20.8}, {105.6, 20.8}, {105.55, 20.9}, {105.5, 20.8}}
	cases := map[string]orb.MultiPolygon{
		"square with a hole":         {{square, hole}},
		"two parts, one with a hole": {{square, hole}, {island}},
		"empty":                      {},
	}
	got := map[string]string{}
	for name, mp := range cases {
		b, err := Encode(mp)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got[name] = hex.EncodeToString(b)
	}
	path := filepath.Join("testdata", "blobs.json")
	if *update {
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./geo/gpkg -update to write it)", err)
	}
	var want map[string]string
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(want) != len(cases) {
		t.Errorf("%s holds %d blobs, the test makes %d", path, len(want), len(cases))
	}
	for name, mp := range cases {
		t.Run(name, func(t *testing.T) {
			w, err := hex.DecodeString(want[name])
			if err != nil || len(w) == 0 {
				t.Fatalf("%s: no blob %q: %v", path, name, err)
			}
			g, _ := hex.DecodeString(got[name])
			if !bytes.Equal(g, w) {
				t.Errorf("Encode writes\n% x\n%s holds\n% x\nif the change is meant, rewrite it with go test ./geo/gpkg -update and read the diff", g, path, w)
			}
			back, err := Decode(w)
			if err != nil {
				t.Fatal(err)
			}
			if !orb.Equal(back, mp) {
				t.Errorf("the golden blob decodes to %v, want %v", back, mp)
			}
		})
	}
}
