package api

import (
	"math"
	"slices"
	"sync"

	"github.com/phusong/phusong/geo"
)

// SquareM is the side of the squares of the people map: a kilometre, about
// a pixel of the WorldPop grid (30 arc-seconds), so that the squares show
// the grid's own detail and no false precision.
const SquareM = 1000.0

// peopleMaps are the people maps of a snapshot, made on first use.
type peopleMaps struct {
	once [4]sync.Once
	maps [4]*geo.PeopleMap
	errs [4]error
}

// People returns where the layer's people and uncovered people live, in
// squares of SquareM, for the snapshot's figures (the filings in force on
// its Day). The map's totals are the layer's province population and
// population − covered people.
func (snap *Snapshot) People(l geo.Layer) (*geo.PeopleMap, error) {
	i := slices.Index(geo.Layers, l)
	if i < 0 {
		return nil, Invalidf("layer %q is not one of broadcast, phone, broadband, mobile", l)
	}
	snap.people.once[i].Do(func() {
		snap.people.maps[i], snap.people.errs[i] = snap.base.PeopleMap(l, SquareM)
	})
	return snap.people.maps[i], snap.people.errs[i]
}

// Cluster is a group of neighbouring squares with uncovered people, for
// the planner: where a new site would serve the most people.
type Cluster struct {
	Rank      int     `json:"rank"`
	Uncovered float64 `json:"uncovered"` // uncovered people in its squares, to 0.1
	People    int     `json:"people"`    // all people in its squares
	Squares   int     `json:"squares"`
	AreaKm2   float64 `json:"area_km2"`
	// Lon, Lat is its centre weighted by uncovered people: a place to
	// start looking for a site.
	Lon      float64          `json:"lon"`
	Lat      float64          `json:"lat"`
	BBox     [4]float64       `json:"bbox"` // west, south, east, north
	Communes []ClusterCommune `json:"communes"`
}

// ClusterCommune is a commune's part of a cluster.
type ClusterCommune struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	District  string  `json:"district,omitempty"`
	Uncovered float64 `json:"uncovered"`
}

// DefaultClusterMin is the uncovered people a square must hold to belong
// to a cluster, unless the request says otherwise: about a hamlet of five
// households.
const DefaultClusterMin = 20.0

// Clusters returns the limit largest clusters of the layer's uncovered
// people: squares holding at least minUncovered of them, grouped with
// their neighbours (sharing an edge or a corner), ranked by uncovered
// people.
func (snap *Snapshot) Clusters(l geo.Layer, minUncovered float64, limit int) ([]Cluster, error) {
	if !(minUncovered >= 0) || math.IsInf(minUncovered, 1) {
		return nil, Invalidf("min_uncovered %v is not a number of people ≥ 0", minUncovered)
	}
	m, err := snap.People(l)
	if err != nil {
		return nil, err
	}
	cls := m.Clusters(minUncovered, limit)
	out := make([]Cluster, len(cls))
	cellKm2 := m.SquareM * m.SquareM / 1e6
	for i, c := range cls {
		cl := Cluster{
			Rank: i + 1, Uncovered: round1(c.Uncovered), People: c.People, Squares: c.Squares,
			AreaKm2: math.Round(float64(c.Squares)*cellKm2*100) / 100,
			Lon:     round6(c.Lon), Lat: round6(c.Lat),
			BBox:     [4]float64{round6(c.West), round6(c.South), round6(c.East), round6(c.North)},
			Communes: make([]ClusterCommune, len(c.Communes)),
		}
		for j, cc := range c.Communes {
			com := snap.Communes[cc.Commune]
			cl.Communes[j] = ClusterCommune{Code: com.Code, Name: com.Name, District: com.District, Uncovered: round1(cc.Uncovered)}
		}
		out[i] = cl
	}
	return out, nil
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
