package rest

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// peopleRules say how the people map and its clusters are made.
var peopleRules = map[string]string{
	"squares": "Squares of about 1 km (a whole number of the surface's cells), each holding the census people the population surface places in its cells.",
	"uncovered": "A commune's uncovered people (population − people covered) are the people of its cells that the layer's footprints do not cover " +
		"(broadcast: not covered by both a central and a local programme); where a declaration raises the commune's covered people above its footprints', " +
		"those cells' people are scaled down by one factor so that they sum to the commune's uncovered people. In whole people, rounded so that the squares sum to the layer's uncovered people.",
	"clusters": "Squares holding at least min_uncovered uncovered people, grouped with their neighbours (sharing an edge or a corner), largest first; " +
		"the centre is weighted by uncovered people. Each square counts for the commune placing the most people in it.",
}

// populationAnswer is the answer of /api/v1/population.
type populationAnswer struct {
	Method       string                   `json:"method"` // the population rule: even, or grid-<name>-v1
	People       int                      `json:"people"`
	Communes     int                      `json:"communes"`
	EvenFallback []string                 `json:"even_fallback"`
	Grid         *data.PopulationGridInfo `json:"grid"`
	Rule         string                   `json:"rule"`
	ComputedAt   string                   `json:"computed_at"`
}

// handlePopulation says how people are placed within communes: the
// population grid in use, or the even spread.
func (s *Server) handlePopulation(c *gin.Context) {
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	setGeneration(c, snap)
	m := snap.Result.Method
	fallback := m.EvenFallback
	if fallback == nil {
		fallback = []string{}
	}
	c.JSON(http.StatusOK, populationAnswer{Method: m.Population, People: snap.Surface.Total(), Communes: len(snap.Communes),
		EvenFallback: fallback, Grid: snap.Grid, Rule: m.Rules["population"], ComputedAt: snap.ComputedAt})
}

// todaysLayer reads the {layer} of an answer made from the current
// snapshot's own coverage (the people map and its clusters), refusing
// ?as_of and ?known_at, and returns the snapshot.
func (s *Server) todaysLayer(c *gin.Context, what string) (geo.Layer, *api.Snapshot, error) {
	layer, err := layerParam(c)
	if err != nil {
		return "", nil, err
	}
	for _, p := range []string{"as_of", "known_at"} {
		if v, ok := c.GetQuery(p); ok {
			return "", nil, invalid("%s is of the figures in force today; %s=%s cannot be given", what, p, quote(v))
		}
	}
	snap, err := s.core.Current()
	if err != nil {
		return "", nil, err
	}
	setGeneration(c, snap)
	return layer, snap, nil
}

// handleLayerPeople answers where the layer's people and uncovered people
// live, as GeoJSON squares of about 1 km.
func (s *Server) handleLayerPeople(c *gin.Context) {
	layer, snap, err := s.todaysLayer(c, "the people map")
	if err != nil {
		s.fail(c, err)
		return
	}
	s.serveCached(c, snap, "people:"+string(layer), "application/geo+json", func() ([]byte, error) {
		m, err := snap.People(layer)
		if err != nil {
			return nil, err
		}
		return renderPeople(snap, m), nil
	})
}

// renderPeople writes the people map as a FeatureCollection, the totals
// and the rules as foreign members.
func renderPeople(snap *api.Snapshot, m *geo.PeopleMap) []byte {
	var b bytes.Buffer
	meta, _ := json.Marshal(struct {
		Layer      geo.Layer         `json:"layer"`
		ComputedAt string            `json:"computed_at"`
		Population string            `json:"population_method"`
		SquareM    float64           `json:"square_m"`
		People     int               `json:"people"`
		Uncovered  int               `json:"uncovered"`
		Rules      map[string]string `json:"rules"`
	}{m.Layer, snap.ComputedAt, snap.Result.Method.Population, m.SquareM, m.People, int(math.Round(m.Uncovered)), peopleRules})
	b.WriteString(`{"type":"FeatureCollection",`)
	b.Write(meta[1 : len(meta)-1])
	b.WriteString(`,"features":[`)
	num := func(v float64) { b.WriteString(strconv.FormatFloat(v, 'f', 6, 64)) }
	for i, sq := range m.Squares {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"type":"Feature","id":`)
		b.WriteString(strconv.Itoa(i))
		b.WriteString(`,"geometry":{"type":"Polygon","coordinates":[[`)
		for j, p := range [5][2]float64{{sq.West, sq.South}, {sq.East, sq.South}, {sq.East, sq.North}, {sq.West, sq.North}, {sq.West, sq.South}} {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('[')
			num(p[0])
			b.WriteByte(',')
			num(p[1])
			b.WriteByte(']')
		}
		b.WriteString(`]]},"properties":{"people":`)
		b.WriteString(strconv.Itoa(sq.People))
		b.WriteString(`,"uncovered":`)
		b.WriteString(strconv.Itoa(sq.UncoveredWhole))
		b.WriteString(`,"commune":`)
		code, _ := json.Marshal(snap.Communes[sq.Commune].Code)
		b.Write(code)
		b.WriteString(`}}`)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// clustersAnswer is the answer of /api/v1/layers/{layer}/clusters.
type clustersAnswer struct {
	Layer        geo.Layer         `json:"layer"`
	ComputedAt   string            `json:"computed_at"`
	Population   string            `json:"population_method"`
	MinUncovered float64           `json:"min_uncovered"`
	Uncovered    int               `json:"uncovered"` // the layer's uncovered people, all squares
	Clusters     []api.Cluster     `json:"clusters"`
	Rules        map[string]string `json:"rules"`
}

// handleLayerClusters answers the largest groups of uncovered people of a
// layer (?limit, default 10; ?min_uncovered, default api.DefaultClusterMin).
func (s *Server) handleLayerClusters(c *gin.Context) {
	layer, snap, err := s.todaysLayer(c, "the clusters of uncovered people")
	if err != nil {
		s.fail(c, err)
		return
	}
	limit, minUncovered := 10, api.DefaultClusterMin
	if v := c.Query("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			s.fail(c, invalid("limit %s: want a whole number from 1 to 1000", quote(v)))
			return
		}
	}
	if v := c.Query("min_uncovered"); v != "" {
		if minUncovered, err = strconv.ParseFloat(v, 64); err != nil || !(minUncovered >= 0 && minUncovered <= 1e6) {
			s.fail(c, invalid("min_uncovered %s: want a number of people from 0 to 1000000", quote(v)))
			return
		}
	}
	cls, err := snap.Clusters(layer, minUncovered, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	m, _ := snap.People(layer)
	c.JSON(http.StatusOK, clustersAnswer{Layer: layer, ComputedAt: snap.ComputedAt, Population: snap.Result.Method.Population,
		MinUncovered: minUncovered, Uncovered: int(math.Round(m.Uncovered)), Clusters: cls, Rules: peopleRules})
}
