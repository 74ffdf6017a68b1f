package api

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// BenchmarkRecompute measures the recompute that follows a backdated
// filing (a 4G site as of 2022-06-30, so that every history date from then
// on has new inputs): what is in force is read, today's figures and every
// changed date's are computed, and the targets' history. On the default
// database's three sets today's figures are on the 2025 units (counted on
// the 2019 surface, declarations carried) and the commune-count targets of
// the 2020 set's changed dates are counted on that set.
func BenchmarkRecompute(b *testing.B) {
	for _, c := range []struct {
		name    string
		service func(testing.TB) (*Service, *data.Store)
	}{{"2019Only", demoService}, {"ThreeSets", defaultService}} {
		b.Run(c.name, func(b *testing.B) {
			s, store := c.service(b)
			ctx := context.Background()
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				b.StopTimer()
				n++
				x := 105.2 + 0.01*float64(n%40)
				site := orb.MultiPolygon{{{{x, 20.7}, {x + 0.03, 20.7}, {x + 0.03, 20.73}, {x, 20.73}, {x, 20.7}}}}
				if _, err := store.AddFilings(ctx, []data.Filing{{Provider: "bench", Layer: geo.Mobile, AsOf: "2022-06-30",
					Footprints: []geo.Footprint{{Technology: "4G", Geometry: site}}}}); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := s.Recompute(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
