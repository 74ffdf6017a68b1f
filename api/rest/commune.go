package rest

import (
	"encoding/json"
	"math"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

// communeCard is one commune's figures on every layer, with each breakdown
// (provider, technology, largest provider, two or more providers,
// broadcast programme), as the web page's commune card shows them.
type communeCard struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	District     string `json:"district,omitempty"`
	DistrictCode string `json:"district_code,omitempty"`
	ParentCode   string `json:"parent_code"`
	ParentName   string `json:"parent_name"`
	ParentLevel  string `json:"parent_level"`
	Population   int    `json:"population"`
	// PopulationOwn is the unit set's own figure where Population counts
	// the people of the one population surface instead.
	PopulationOwn int            `json:"population_own,omitempty"`
	Carried       bool           `json:"carried,omitempty"`
	Units         unitsAnswer    `json:"units"`
	Lineage       api.Lineage    `json:"lineage"`
	Boundary      string         `json:"boundary"`
	BoundaryNote  string         `json:"boundary_note,omitempty"`
	ComputedAt    string         `json:"computed_at"`
	Layers        []communeLayer `json:"layers"`
}

// communeLayer is the commune's figures on one layer: the union of all
// providers, then every breakdown of the layer, with the same rounding as
// GET /api/v1/layers/{layer}/communes (whole people, share to 4 places).
type communeLayer struct {
	Layer geo.Layer `json:"layer"`
	communeFigure
	Breakdowns []communeBreakdown `json:"breakdowns"`
}

type communeBreakdown struct {
	Key   string `json:"key"`
	Kind  string `json:"kind"`
	Value string `json:"value,omitempty"`
	communeFigure
}

type communeFigure struct {
	PopulationCovered float64    `json:"population_covered"`
	ShareCovered      float64    `json:"share_covered"`
	Status            geo.Status `json:"status"`
}

func figure(f geo.CommuneFigure) communeFigure {
	return communeFigure{PopulationCovered: math.Round(f.Covered), ShareCovered: round4(f.Share), Status: f.Status}
}

// maxCommuneCode bounds the :code path parameter; GSO codes have 5 digits.
const maxCommuneCode = 32

// communeParam finds the :code path parameter among the current
// snapshot's communes: a code too long is a 400, an unknown one a 404.
func (s *Server) communeParam(c *gin.Context) (*api.Snapshot, int, error) {
	code := c.Param("code")
	if len(code) > maxCommuneCode {
		return nil, 0, invalid("commune code over %d characters", maxCommuneCode)
	}
	snap, err := s.core.Current()
	if err != nil {
		return nil, 0, err
	}
	if snap, err = s.unitsView(c, snap, ""); err != nil {
		return nil, 0, err
	}
	setGeneration(c, snap)
	for i, cm := range snap.Communes {
		if cm.Code == code {
			return snap, i, nil
		}
	}
	return nil, 0, notFound("no commune with code %s in unit set %s (GET /api/v1/unit-sets lists the sets; ?units= chooses one)", quote(code), quote(snap.Set.Name))
}

// handleCommune answers GET /api/v1/communes/{code}: the commune card.
func (s *Server) handleCommune(c *gin.Context) {
	snap, idx, err := s.communeParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	cm := snap.Communes[idx]
	card := communeCard{Code: cm.Code, Name: cm.Name, Type: cm.Type, ParentCode: cm.DistrictCode, ParentName: cm.District,
		ParentLevel: cm.ParentLevel, Population: cm.Population, Boundary: cm.Boundary, ComputedAt: snap.ComputedAt,
		Carried: snap.Carried(idx), Units: unitsMember(snap)}
	if cm.ParentLevel == geo.ParentDistrict || cm.ParentLevel == "" {
		card.District, card.DistrictCode = cm.District, cm.DistrictCode
	}
	if cm.OwnPopulation != cm.Population {
		card.PopulationOwn = cm.OwnPopulation
	}
	if card.Lineage, err = s.core.Lineage(c.Request.Context(), snap, idx); err != nil {
		s.fail(c, err)
		return
	}
	if cm.Boundary == geo.BoundaryApproximate {
		card.BoundaryNote = boundaryNote
	}
	for _, l := range geo.Layers {
		lr := snap.Result.Layer(l)
		cl := communeLayer{Layer: l, communeFigure: figure(lr.Breakdown(geo.KindAll).Communes[idx]), Breakdowns: []communeBreakdown{}}
		for _, b := range lr.Breakdowns {
			if b.Kind == geo.KindAll {
				continue
			}
			cl.Breakdowns = append(cl.Breakdowns, communeBreakdown{Key: b.Key, Kind: b.Kind, Value: b.Value, communeFigure: figure(b.Communes[idx])})
		}
		card.Layers = append(card.Layers, cl)
	}
	body, err := json.Marshal(card)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}
