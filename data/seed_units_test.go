package data

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/phusong/phusong/geo"
)

const sharedDir = "../../shared/data"

// needShared returns the path of a reference file, skipping the test when
// ../shared is absent (a user's machine) and failing it in CI.
func needShared(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(sharedDir, rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs %s: %v", p, err)
		}
		t.Skipf("skipped: reference data %s is absent (it is present in CI)", p)
	}
	return p
}

// The embedded seed is the reference data's three versions of Hòa Bình,
// fact for fact and boundary for boundary (to the microdegree). With
// -update-seed it is written from ../shared/data first.
func TestDefaultUnitSets_AreTheReferenceData(t *testing.T) {
	want := referenceUnitSets(t)
	if *updateSeed {
		raw, err := encodeSeedUnits("Phủ Sóng's seed territory, the former Hòa Bình province, in three versions; "+
			"written by data/seed_units_test.go from ../shared/data (attribution: README, Data and licences)", want)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("seed/hoabinh_units.json.gz", raw, 0o644); err != nil {
			t.Fatal(err)
		}
		seedUnits = raw
	}
	got, err := DefaultUnitSets()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d sets, want 3", len(got))
	}
	for i, n := range []int{210, 151, 46} {
		if len(got[i].Communes) != n || len(want[i].Communes) != n {
			t.Fatalf("set %s: %d units (reference %d), want %d", got[i].Name, len(got[i].Communes), len(want[i].Communes), n)
		}
	}
	if p := sumPopulation(got[0].Communes); p != 854131 {
		t.Errorf("2019: %d people, want the census total 854,131", p)
	}
	if p := sumPopulation(got[1].Communes); p != 854131 {
		t.Errorf("2020: %d people, want the census total 854,131 (sums of the merged communes)", p)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.ValidFrom != w.ValidFrom || g.ParentLevel != w.ParentLevel || g.Source != w.Source {
			t.Errorf("set %d: %+v, want %+v", i, [4]string{g.Name, g.ValidFrom, g.ParentLevel, g.Source}, [4]string{w.Name, w.ValidFrom, w.ParentLevel, w.Source})
		}
		for k := range g.Communes {
			gc, wc := g.Communes[k], w.Communes[k]
			wc.AreaKm2 = float64(int64(wc.AreaKm2*100+0.5)) / 100
			wc.Point = roundPoint(wc.Point)
			wc.Geometry = roundMulti(wc.Geometry)
			if !reflect.DeepEqual(gc, wc) {
				t.Errorf("set %s, unit %s: seed %+v\nwant %+v", g.Name, gc.Code, brief(gc), brief(wc))
			}
		}
	}
	for _, c := range got[2].Communes {
		if c.DistrictCode != "25" || c.District != "Tỉnh Phú Thọ" || c.ParentLevel != geo.ParentProvince {
			t.Errorf("2025 unit %s: parent %s %s (%s), want 25 Tỉnh Phú Thọ (province)", c.Code, c.DistrictCode, c.District, c.ParentLevel)
		}
	}
	if info, err := os.Stat("seed/hoabinh_units.json.gz"); err == nil && info.Size() > 400<<10 {
		t.Errorf("the seed's units take %d bytes, want under 400 KiB", info.Size())
	}
}

func sumPopulation(cs []geo.Commune) int {
	n := 0
	for _, c := range cs {
		n += c.Population
	}
	return n
}

func brief(c geo.Commune) geo.Commune {
	c.Geometry = nil
	return c
}

func roundPoint(p orb.Point) orb.Point {
	return orb.Point{float64(toMicro(p[0])) / microdegrees, float64(toMicro(p[1])) / microdegrees}
}

func roundMulti(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			out[i][j] = make(orb.Ring, len(r))
			for k, q := range r {
				out[i][j][k] = roundPoint(q)
			}
		}
	}
	return out
}

// referenceUnitSets builds the seed's three sets from ../shared/data: the
// 2019 communes (facts from the census table, boundaries from the GeoJSON),
// the 2020 units (urban and rural people summed from their 2019 communes)
// and the Phú Thọ units of 2025 whose area lies at least half in the 2019
// province.
func referenceUnitSets(t *testing.T) []NewUnitSet {
	t.Helper()
	facts := readFacts(t, needShared(t, "hoabinh/communes_2019.csv"))
	set2019 := readUnits(t, "hoabinh/communes_2019.geojson", geo.DefaultCommuneProperties())
	for i, c := range set2019 {
		f, ok := facts[c.Code]
		if !ok {
			t.Fatalf("2019 commune %s is not in the census table", c.Code)
		}
		f.Geometry, f.Boundary = c.Geometry, source2019
		// The province by the file's code, named as the national list
		// names it.
		f.ProvinceCode, f.Province = c.ProvinceCode, geo.ProvinceName(c.ProvinceCode)
		set2019[i] = f
	}

	set2020 := readUnits(t, "hoabinh/communes_2020_2025.geojson", geo.CommuneProperties{Code: "gso_code", Name: "name", Type: "type",
		DistrictCode: "district_code", District: "district", Population: "pop_2019_sum", ProvinceCode: "province_code"})
	merged := readProperty[[]string](t, "hoabinh/communes_2020_2025.geojson", "gso_code", "merged_from_2019")
	for i := range set2020 {
		c := &set2020[i]
		c.Type, c.ParentLevel, c.Boundary = strings.ToLower(c.Type), geo.ParentDistrict, source2020
		for _, code := range merged[c.Code] {
			c.PopulationUrban += facts[code].PopulationUrban
			c.PopulationRural += facts[code].PopulationRural
		}
	}

	all2025 := readUnits(t, "phutho/wards_2025.geojson", geo.CommuneProperties{Code: "code", Name: "name", Type: "type",
		DistrictCode: "province_code", District: "province", Population: "population", ProvinceCode: "province_code", Province: "province"})
	area := readProperty[float64](t, "phutho/wards_2025.geojson", "code", "area_km2")
	var set2025 []geo.Commune
	for _, c := range all2025 {
		if insideShare(c.Geometry, set2019) < 0.5 {
			continue
		}
		c.Name = c.Type + " " + c.Name
		c.Type, c.District, c.ParentLevel, c.Boundary = strings.ToLower(c.Type), "Tỉnh Phú Thọ", geo.ParentProvince, source2025
		c.AreaKm2 = area[c.Code]
		set2025 = append(set2025, c)
	}
	return []NewUnitSet{
		{Name: "2019", ValidFrom: "2019-04-01", ParentLevel: geo.ParentDistrict, Source: source2019, Communes: set2019},
		{Name: "2020", ValidFrom: "2020-01-01", ParentLevel: geo.ParentDistrict, Source: source2020, Communes: set2020},
		{Name: "2025", ValidFrom: "2025-07-01", ParentLevel: geo.ParentProvince, Source: source2025, Communes: set2025},
	}
}

func readUnits(t *testing.T, rel string, props geo.CommuneProperties) []geo.Commune {
	t.Helper()
	f, err := os.Open(needShared(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cs, _, err := geo.ReadCommunes(f, props, true, "")
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	for i := range cs {
		cs[i].ParentLevel = geo.ParentDistrict
	}
	return cs
}

// readProperty returns one property of every feature of a reference file,
// by the feature's code.
func readProperty[T any](t *testing.T, rel, codeProp, prop string) map[string]T {
	t.Helper()
	raw, err := os.ReadFile(needShared(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatal(err)
	}
	out := map[string]T{}
	for _, f := range fc.Features {
		var code string
		var v T
		if err := json.Unmarshal(f.Properties[codeProp], &code); err != nil {
			t.Fatalf("%s: %s: %v", rel, codeProp, err)
		}
		if err := json.Unmarshal(f.Properties[prop], &v); err != nil {
			t.Fatalf("%s: feature %s: %s: %v", rel, code, prop, err)
		}
		out[code] = v
	}
	return out
}

// readFacts reads the census table of the 2019 communes, by code.
func readFacts(t *testing.T, path string) map[string]geo.Commune {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	out := map[string]geo.Commune{}
	for _, r := range rows[1:] {
		num := func(name string) float64 {
			v, err := strconv.ParseFloat(r[col[name]], 64)
			if err != nil {
				t.Fatalf("%s: commune %s: %s: %v", path, r[col["gso_code"]], name, err)
			}
			return v
		}
		c := geo.Commune{Code: r[col["gso_code"]], Name: r[col["name"]], Type: r[col["type"]],
			DistrictCode: r[col["district_code"]], District: r[col["district"]], ParentLevel: geo.ParentDistrict,
			Population: int(num("pop_2019")), PopulationUrban: int(num("pop_2019_urban")), PopulationRural: int(num("pop_2019_rural")),
			Point: orb.Point{num("lon"), num("lat")}, AreaKm2: num("area_km2")}
		out[c.Code] = c
	}
	return out
}

// insideShare is the share of mp's area inside any of cs, on a lattice of
// points about 200 m apart.
func insideShare(mp orb.MultiPolygon, cs []geo.Commune) float64 {
	const step = 0.002
	b := mp.Bound()
	in, all := 0, 0
	for y := b.Min[1] + step/2; y < b.Max[1]; y += step {
		for x := b.Min[0] + step/2; x < b.Max[0]; x += step {
			p := orb.Point{x, y}
			if !planar.MultiPolygonContains(mp, p) {
				continue
			}
			all++
			for _, c := range cs {
				if c.Geometry.Bound().Contains(p) && planar.MultiPolygonContains(c.Geometry, p) {
					in++
					break
				}
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(in) / float64(all)
}
