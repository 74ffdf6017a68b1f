package rest

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
)

// unitSetAnswer is one unit set in GET /api/v1/unit-sets.
type unitSetAnswer struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ValidFrom   any    `json:"valid_from"` // YYYY-MM-DD, or null: since ever
	ValidTo     any    `json:"valid_to"`   // YYYY-MM-DD, or null: while no later set exists
	Units       int    `json:"units"`
	ParentLevel string `json:"parent_level"`
	Source      string `json:"source"`
	InForce     bool   `json:"in_force"`
	// PopulationBasis marks the set whose census population every set is
	// counted on.
	PopulationBasis bool `json:"population_basis"`
	People          int  `json:"people"`
	OwnPeople       int  `json:"own_people"`
}

// handleUnitSets answers GET /api/v1/unit-sets: the administrative unit
// sets, earliest first, with the dates they are in force.
func (s *Server) handleUnitSets(c *gin.Context) {
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	setGeneration(c, snap)
	sets, at := snap.UnitSets()
	out := make([]unitSetAnswer, len(sets))
	for i, u := range sets {
		people, err := s.core.PeopleOn(c.Request.Context(), snap, i)
		if err != nil {
			s.fail(c, err)
			return
		}
		out[i] = unitSetAnswer{ID: u.ID, Name: u.Name, ValidFrom: nullable(u.ValidFrom), ValidTo: nullable(u.ValidTo), Units: u.Units,
			ParentLevel: u.ParentLevel, Source: u.Source, InForce: i == at, PopulationBasis: i == 0, People: people,
			OwnPeople: u.OwnPeople}
	}
	c.JSON(http.StatusOK, gin.H{"today": snap.Day, "in_force": sets[at].ID, "unit_sets": out,
		"population_rule": api.PopulationRule, "carry_rule": api.CarryRule})
}
