package geo

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/phusong/phusong/geo/geotiff"
)

// worldPop reads the part of the WorldPop grid over the communes cs (with
// a pixel's margin) with the pure-Go reader, as phusong import population
// does, skipping when the file is absent (failing in CI).
func worldPop(tb testing.TB, cs []Commune) *PopulationGrid {
	tb.Helper()
	f, err := os.Open(worldPopFile)
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("CI needs the WorldPop grid: %v", err)
		}
		tb.Skipf("skipped: the WorldPop grid is absent (expected in ../shared/data beside the repository): %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	b := cs[0].Geometry.Bound()
	for _, c := range cs {
		if len(c.Geometry) > 0 {
			b = b.Union(c.Geometry.Bound())
		}
	}
	r, err := geotiff.DecodeWindow(f, st.Size(), b.Min[0]-0.01, b.Min[1]-0.01, b.Max[0]+0.01, b.Max[1]+0.01)
	if err != nil {
		tb.Fatal(err)
	}
	return &PopulationGrid{Name: "worldpop", West: r.West, North: r.North, DX: r.DX, DY: r.DY, Cols: r.Cols, Rows: r.Rows, Values: r.Values}
}

// TestWorldPop_EveryCommuneKeepsItsCensus builds the WorldPop surface of
// Hòa Bình and of all Vietnam: every commune's cells hold exactly its census
// population, and the communes the grid cannot shape are listed.
func TestWorldPop_EveryCommuneKeepsItsCensus(t *testing.T) {
	cases := []struct {
		name, file string
		load       func() ([]Commune, error)
	}{
		{"HoaBinh", hoaBinhCommunesFile, hoaBinhCommunes},
		{"Vietnam", vietnamCommunesFile, vietnamCommunes},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && tc.name == "Vietnam" {
				t.Skip("short: the national surface")
			}
			needData(t, tc.file)
			cs := loadCommunes(t, tc.file, tc.load)
			s, err := NewSurface(cs, SurfaceOptions{Grid: worldPop(t, cs)})
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for i, c := range cs {
				people := 0
				for cell := range s.Cells(i) {
					if cell.People < 0 {
						t.Fatalf("commune %s: a cell holds %d people", c.Code, cell.People)
					}
					people += cell.People
				}
				if people != c.Population {
					t.Errorf("commune %s: %d people in its cells, census %d", c.Code, people, c.Population)
				}
				total += people
			}
			fallback := s.Stats().EvenFallback
			t.Logf("%d communes, %d people; spread evenly for lack of grid people: %d %v", len(cs), total, len(fallback), fallback[:min(10, len(fallback))])
			if s.Total() != total || !s.Weighted() || float64(len(fallback)) > 0.01*float64(len(cs)) {
				t.Errorf("total %d of %d, weighted %v, %d communes fall back", total, s.Total(), s.Weighted(), len(fallback))
			}
		})
	}
}

// TestWorldPop_SeedScenario compares the mobile figures of the seed
// scenario (hoabinh_mobile_seed1) on the even spread and on WorldPop, for
// the README: the province's figure and the five communes that move most.
func TestWorldPop_SeedScenario(t *testing.T) {
	needData(t, hoaBinhCommunesFile, hoaBinhMobileFile)
	cs := loadCommunes(t, hoaBinhCommunesFile, hoaBinhCommunes)
	fps := loadFootprints(t, hoaBinhMobileFile, hoaBinhMobile)
	even := mustSurface(t, cs, SurfaceOptions{})
	wp := mustSurface(t, cs, SurfaceOptions{Grid: worldPop(t, cs)})
	re := mustCompute(t, even, fps, nil, DefaultOptions()).Layer(Mobile).Breakdown(KindAll)
	rw := mustCompute(t, wp, fps, nil, DefaultOptions()).Layer(Mobile).Breakdown(KindAll)
	pe, pw := re.Province, rw.Province
	fmt.Printf("worldpop: province mobile: even %.0f of %d (%.2f%%), WorldPop %.0f (%.2f%%), %+.2f points\n",
		pe.Covered, pe.Population, 100*pe.Share, pw.Covered, 100*pw.Share, 100*(pw.Share-pe.Share))
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(math.Abs(rw.Communes[b].Share-re.Communes[b].Share), math.Abs(rw.Communes[a].Share-re.Communes[a].Share)),
			cmp.Compare(cs[a].Code, cs[b].Code))
	})
	moved := 0
	for _, i := range order {
		if math.Abs(rw.Communes[i].Share-re.Communes[i].Share) > 0.01 {
			moved++
		}
	}
	fmt.Printf("worldpop: %d communes move by more than 1 point; most:\n", moved)
	for _, i := range order[:5] {
		fmt.Printf("worldpop:   %s %s (%s): %d people, even %.2f%%, WorldPop %.2f%% (%+.2f points)\n", cs[i].Code, cs[i].Name, cs[i].District,
			cs[i].Population, 100*re.Communes[i].Share, 100*rw.Communes[i].Share, 100*(rw.Communes[i].Share-re.Communes[i].Share))
	}
	if pe.Population != pw.Population || moved == 0 {
		t.Errorf("populations %d and %d, %d communes moved", pe.Population, pw.Population, moved)
	}
}
