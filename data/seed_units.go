package data

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
)

// seedUnits carries the seed territory, the former Hòa Bình province, in
// its three versions with their real boundaries: the 210 communes of the
// 2019 census, the 151 units of the 2020 mergers and the 46 communes and
// wards of Phú Thọ since 1 July 2025 (seedUnitsFile; README, "Data and
// licences"). TestDefaultUnitSets_AreTheReferenceData writes it from
// ../shared/data and checks it against that data.
//
//go:embed seed/hoabinh_units.json.gz
var seedUnits []byte

// Attribution of the seed's sets, given as each commune's boundary source.
const (
	source2019 = "GSO, 2019 Population and Housing Census (facts); choisy/vietnam63, MIT, from the national 1:250K administrative map of 2013 (boundaries)"
	source2020 = "the 2019 communes merged as in force 2020 to June 2025; population: the sum of the merged communes' 2019 census counts"
	source2025 = "lamngockhuong/vietnam-3d-map, MIT, from the administrative map published with the reform of 1 July 2025 (boundaries); merger dossiers (population)"
)

// seedUnitsFile is the seed's own compact form: per set, per unit, the
// facts and the boundary as rings of integer microdegrees, each position
// after the first given as the difference from the one before.
type seedUnitsFile struct {
	Note string        `json:"note"`
	Sets []seedUnitSet `json:"sets"`
}

type seedUnitSet struct {
	Name        string     `json:"name"`
	ValidFrom   string     `json:"valid_from"`
	ParentLevel string     `json:"parent_level"`
	Source      string     `json:"source"`
	Units       []seedUnit `json:"units"`
}

type seedUnit struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Type       string      `json:"type"`
	ParentCode string      `json:"parent_code"`
	Parent     string      `json:"parent"`
	Population int         `json:"population"`
	Urban      int         `json:"urban,omitempty"`
	Rural      int         `json:"rural,omitempty"`
	AreaKm2    float64     `json:"area_km2"`
	Point      [2]int64    `json:"point"`
	Polygons   [][][]int64 `json:"polygons"`
}

const microdegrees = 1e6

func toMicro(v float64) int64 { return int64(math.Round(v * microdegrees)) }

// encodeRing writes a ring as x0, y0, dx1, dy1, … in microdegrees.
func encodeRing(r orb.Ring) []int64 {
	out := make([]int64, 0, 2*len(r))
	var px, py int64
	for _, p := range r {
		x, y := toMicro(p[0]), toMicro(p[1])
		out = append(out, x-px, y-py)
		px, py = x, y
	}
	return out
}

func decodeRing(v []int64) (orb.Ring, error) {
	if len(v)%2 != 0 || len(v) < 8 {
		return nil, fmt.Errorf("a ring of %d numbers, want pairs of at least four positions", len(v))
	}
	r := make(orb.Ring, 0, len(v)/2)
	var x, y int64
	for i := 0; i < len(v); i += 2 {
		x, y = x+v[i], y+v[i+1]
		r = append(r, orb.Point{float64(x) / microdegrees, float64(y) / microdegrees})
	}
	return r, nil
}

// encodeSeedUnits writes sets in the seed's form, gzipped.
func encodeSeedUnits(note string, sets []NewUnitSet) ([]byte, error) {
	f := seedUnitsFile{Note: note}
	for _, s := range sets {
		out := seedUnitSet{Name: s.Name, ValidFrom: s.ValidFrom, ParentLevel: s.ParentLevel, Source: s.Source}
		for _, c := range s.Communes {
			u := seedUnit{Code: c.Code, Name: c.Name, Type: c.Type, ParentCode: c.DistrictCode, Parent: c.District,
				Population: c.Population, Urban: c.PopulationUrban, Rural: c.PopulationRural,
				AreaKm2: math.Round(c.AreaKm2*100) / 100, Point: [2]int64{toMicro(c.Point[0]), toMicro(c.Point[1])}}
			for _, p := range c.Geometry {
				var rings [][]int64
				for _, r := range p {
					rings = append(rings, encodeRing(r))
				}
				u.Polygons = append(u.Polygons, rings)
			}
			out.Units = append(out.Units, u)
		}
		f.Sets = append(f.Sets, out)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	enc := json.NewEncoder(zw)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeSeedUnits reads the seed's form back into sets of communes whose
// Boundary is their set's source.
// seedProvince is the GSO code of the seed's province before 2025, Hòa
// Bình.
const seedProvince = "17"

func decodeSeedUnits(raw []byte) ([]NewUnitSet, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("seed units: %w", err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("seed units: %w", err)
	}
	var f seedUnitsFile
	if err := json.Unmarshal(body, &f); err != nil {
		return nil, fmt.Errorf("seed units: %w", err)
	}
	var sets []NewUnitSet
	for _, s := range f.Sets {
		set := NewUnitSet{Name: s.Name, ValidFrom: s.ValidFrom, ParentLevel: s.ParentLevel, Source: s.Source}
		for _, u := range s.Units {
			c := geo.Commune{Code: u.Code, Name: u.Name, Type: u.Type, DistrictCode: u.ParentCode, District: u.Parent,
				ParentLevel: s.ParentLevel, Population: u.Population, PopulationUrban: u.Urban, PopulationRural: u.Rural,
				AreaKm2: u.AreaKm2, Point: orb.Point{float64(u.Point[0]) / microdegrees, float64(u.Point[1]) / microdegrees},
				Boundary: s.Source}
			// The seed territory is the 2019 province of Hòa Bình; its
			// 2025 units are Phú Thọ's, their parent.
			c.ProvinceCode = seedProvince
			if s.ParentLevel == geo.ParentProvince {
				c.ProvinceCode = u.ParentCode
			}
			c.Province = geo.ProvinceName(c.ProvinceCode)
			for _, p := range u.Polygons {
				var poly orb.Polygon
				for _, v := range p {
					r, err := decodeRing(v)
					if err != nil {
						return nil, fmt.Errorf("seed units: set %s, unit %s: %w", s.Name, u.Code, err)
					}
					poly = append(poly, r)
				}
				c.Geometry = append(c.Geometry, poly)
			}
			set.Communes = append(set.Communes, c)
		}
		sets = append(sets, set)
	}
	return sets, nil
}

// DefaultUnitSets returns the seed territory's three unit sets, earliest
// first: "2019" (210 communes, districts as parents, census population,
// from 1 April 2019), "2020" (151 units, from 1 January 2020) and "2025"
// (46 communes and wards of Phú Thọ, the province as parent, the merger
// dossiers' population, from 1 July 2025).
func DefaultUnitSets() ([]NewUnitSet, error) {
	return decodeSeedUnits(seedUnits)
}
