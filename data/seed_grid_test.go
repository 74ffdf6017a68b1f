package data

import (
	"bytes"
	"flag"
	"math"
	"os"
	"testing"

	"github.com/phusong/phusong/geo/geotiff"
)

var updateSeed = flag.Bool("update-seed", false, "rewrite seed/worldpop_hoabinh_2020.tif from ../shared/data/worldpop")

const worldPopFile = "../../shared/data/worldpop/vnm_ppp_2020_1km_Aggregated_UNadj.tif"

// TestSeedGrid_IsTheWorldPopCrop checks that the seed's grid is WorldPop's,
// pixel for pixel, over SeedGridBox; with -update-seed it writes it.
func TestSeedGrid_IsTheWorldPopCrop(t *testing.T) {
	f, err := os.Open(worldPopFile)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs the WorldPop grid: %v", err)
		}
		t.Skipf("skipped: the WorldPop grid (../shared/data beside the repository) is absent: %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	b := SeedGridBox
	want, err := geotiff.DecodeWindow(f, st.Size(), b[0], b[1], b[2], b[3])
	if err != nil {
		t.Fatal(err)
	}
	if *updateSeed {
		var buf bytes.Buffer
		if err := geotiff.Encode(&buf, want); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("seed/worldpop_hoabinh_2020.tif", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d bytes: %d × %d pixels", buf.Len(), want.Cols, want.Rows)
		return
	}
	got, _, err := SeedGrid()
	if err != nil {
		t.Fatal(err)
	}
	if got.Cols != want.Cols || got.Rows != want.Rows || got.West != want.West || got.North != want.North || got.DX != want.DX || got.DY != want.DY {
		t.Fatalf("seed grid %d × %d at %v, %v by %v, %v; WorldPop window %d × %d at %v, %v by %v, %v",
			got.Cols, got.Rows, got.West, got.North, got.DX, got.DY, want.Cols, want.Rows, want.West, want.North, want.DX, want.DY)
	}
	for i, v := range want.Values {
		if g := got.Values[i]; g != v && !(math.IsNaN(float64(g)) && math.IsNaN(float64(v))) {
			t.Fatalf("pixel %d: seed %v, WorldPop %v", i, g, v)
		}
	}
}
