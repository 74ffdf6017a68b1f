package geo

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/phusong/phusong/geo/stream"
)

// Reference data lives beside the repository (see ../../shared/data/README.md);
// tests and benchmarks that need it skip when it is absent.
const (
	refData             = "../../shared/data"
	hoaBinhCommunesFile = refData + "/hoabinh/communes_2019.geojson"
	hoaBinhMobileFile   = refData + "/scenarios/hoabinh_mobile_seed1.geojson"
	vietnamCommunesFile = refData + "/vietnam/communes_2013_pop2019.geojson"
	vietnamMobileFile   = refData + "/scenarios/vietnam_mobile_seed1.geojson.gz"
)

// hoaBinhCensusTotal is the official 2019 census population of Hòa Bình.
const hoaBinhCensusTotal = 854131

// communeFileKeys names the properties of a commune file.
type communeFileKeys struct {
	code, name, districtCode, district, population string
}

var (
	hoaBinhKeys = communeFileKeys{"gso_code", "name", "district_code", "district", "pop_2019"}
	vietnamKeys = communeFileKeys{"commune_id", "commune_vn", "district_id", "district_vn", "pop_2019"}
)

// The files are read once per test binary, shared by tests and benchmarks.
var (
	hoaBinhCommunes = sync.OnceValues(func() ([]Commune, error) { return readCommuneFile(hoaBinhCommunesFile, hoaBinhKeys) })
	vietnamCommunes = sync.OnceValues(func() ([]Commune, error) { return readCommuneFile(vietnamCommunesFile, vietnamKeys) })
	hoaBinhMobile   = sync.OnceValues(func() ([]Footprint, error) { return readFootprintFile(hoaBinhMobileFile) })
	vietnamMobile   = sync.OnceValues(func() ([]Footprint, error) { return readFootprintFile(vietnamMobileFile) })
)

// needFile skips tb when a reference file is absent.
func needFile(tb testing.TB, path string) {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("reference data absent, skipping: %s (expected in ../shared/data beside the repository): %v", path, err)
	}
}

// loadCommunes returns the communes of a reference file, skipping when it
// is absent.
func loadCommunes(tb testing.TB, path string, load func() ([]Commune, error)) []Commune {
	tb.Helper()
	needFile(tb, path)
	cs, err := load()
	if err != nil {
		tb.Fatal(err)
	}
	return cs
}

// loadFootprints returns the footprints of a scenario file, skipping when it
// is absent.
func loadFootprints(tb testing.TB, path string, load func() ([]Footprint, error)) []Footprint {
	tb.Helper()
	needFile(tb, path)
	fps, err := load()
	if err != nil {
		tb.Fatal(err)
	}
	return fps
}

// eachFeature calls fn with each feature of a GeoJSON FeatureCollection
// file, one at a time; files ending in .gz are gunzipped.
func eachFeature(path string, fn func(*geojson.Feature) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := stream.Uncompressed(f, path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := stream.Features(r, func(_ int, ft *geojson.Feature) error { return fn(ft) }); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func multiPolygon(g orb.Geometry) (orb.MultiPolygon, error) {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	case orb.MultiPolygon:
		return g, nil
	}
	return nil, fmt.Errorf("geometry %T is not polygonal", g)
}

// propText reads a string or number property as text ("" when absent or
// null).
func propText(p geojson.Properties, key string) string {
	switch v := p[key].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

func readCommuneFile(path string, keys communeFileKeys) ([]Commune, error) {
	var cs []Commune
	err := eachFeature(path, func(f *geojson.Feature) error {
		mp, err := multiPolygon(f.Geometry)
		if err != nil {
			return err
		}
		pop, _ := f.Properties[keys.population].(float64) // null counts as 0
		cs = append(cs, Commune{
			Code:         propText(f.Properties, keys.code),
			Name:         propText(f.Properties, keys.name),
			DistrictCode: propText(f.Properties, keys.districtCode),
			District:     propText(f.Properties, keys.district),
			Population:   int(pop),
			Geometry:     mp,
			Boundary:     path,
		})
		return nil
	})
	return cs, err
}

func readFootprintFile(path string) ([]Footprint, error) {
	var fps []Footprint
	err := eachFeature(path, func(f *geojson.Feature) error {
		mp, err := multiPolygon(f.Geometry)
		if err != nil {
			return err
		}
		fps = append(fps, Footprint{
			Provider:   propText(f.Properties, "operator"),
			Layer:      Mobile,
			Technology: propText(f.Properties, "technology"),
			Geometry:   mp,
		})
		return nil
	})
	return fps, err
}
