package rest

import (
	"encoding/json"
	"math"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/geo"
)

// communeHistory is one commune's figures, all providers together, on every
// date a filing took effect (the snapshot history the targets are evaluated
// on), for the small chart of the web page's commune card.
type communeHistory struct {
	Code       string                        `json:"code"`
	Name       string                        `json:"name"`
	Population int                           `json:"population"`
	Layers     map[geo.Layer][]communeAtDate `json:"layers"`
}

type communeAtDate struct {
	Date string `json:"date"`
	communeFigure
}

// handleCommuneHistory answers GET /api/v1/communes/{code}/history.
func (s *Server) handleCommuneHistory(c *gin.Context) {
	snap, idx, err := s.communeParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	cm := snap.Communes[idx]
	out := communeHistory{Code: cm.Code, Name: cm.Name, Population: cm.Population, Layers: map[geo.Layer][]communeAtDate{}}
	for _, l := range geo.Layers {
		out.Layers[l] = []communeAtDate{}
	}
	for l, days := range snap.CommuneHistory(idx) {
		for _, d := range days {
			out.Layers[l] = append(out.Layers[l], communeAtDate{Date: d.Date,
				communeFigure: communeFigure{PopulationCovered: math.Round(d.Covered), ShareCovered: round4(d.Share), Status: d.Status}})
		}
	}
	body, err := json.Marshal(out)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}
