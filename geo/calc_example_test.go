package geo_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/phusong/phusong/geo"
)

// A 1 km square commune of 1,000 people, half covered by one 4G footprint
// and declared 70% covered by a second operator.
func ExampleSurface_Compute() {
	square := func(lon0, lat0, lon1, lat1 float64) orb.Polygon {
		return orb.Polygon{{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}
	}
	communes := []geo.Commune{{
		Code: "04807", Name: "Phường Phương Lâm", DistrictCode: "148", District: "Thành phố Hòa Bình",
		Population: 1000, Geometry: orb.MultiPolygon{square(105.330, 20.810, 105.3396, 20.819)},
	}}
	s, err := geo.NewSurface(communes, geo.SurfaceOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := s.Compute(
		[]geo.Footprint{{Provider: "viettel", Layer: geo.Mobile, Technology: "4G",
			Geometry: orb.MultiPolygon{square(105.320, 20.800, 105.3348, 20.830)}}},
		[]geo.Declaration{{Provider: "vnpt", Layer: geo.Mobile, Technology: "4G", CommuneCode: "04807", Share: 0.7}},
		geo.DefaultOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	mobile := res.Layer(geo.Mobile)
	for _, key := range []string{geo.KindAll, geo.ProviderKey("viettel"), geo.ProviderKey("vnpt"), geo.KindMulti} {
		b := mobile.Breakdown(key)
		f := b.Communes[0]
		fmt.Printf("%-16s %4.0f of %d people (%s)\n", key, f.Covered, f.Population, f.Status)
	}
	fmt.Println(res.Method.Name)
	// Output:
	// all               700 of 1000 people (partial)
	// provider:viettel  500 of 1000 people (partial)
	// provider:vnpt     700 of 1000 people (partial)
	// multi             500 of 1000 people (partial)
	// grid-centroid-v1
}
