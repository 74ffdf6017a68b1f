package rest

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// An admin token may be limited to one province (data.Principal.Province,
// `phusong admin token --province 25`): it changes that province's targets
// and remote communes, and nothing else. The checks are here, on the
// routes' answers, before any write.

// provinceRoutes are the admin routes a province's admin may use.
var provinceRoutes = map[string]bool{
	"POST /api/v1/targets":              true,
	"PATCH /api/v1/targets/:id":         true,
	"DELETE /api/v1/targets/:id":        true,
	"PUT /api/v1/remote-communes/:code": true,
}

// provinceAdminMay answers 403 and returns false when a province's admin
// asks for a route that is the whole store's admin's (providers, the audit
// log, indicators, every filing).
func provinceAdminMay(c *gin.Context, p data.Principal) bool {
	if p.Role != data.RoleAdmin || p.Province == "" || provinceRoutes[c.Request.Method+" "+c.FullPath()] {
		return true
	}
	writeProblem(c, http.StatusForbidden, "this admin token is for province "+p.Province+
		": it may change only that province's targets and remote communes")
	return false
}

// territoryOK answers 403 and returns false when a province's admin would
// act on a target of another territory (what: "target 3 belongs to").
func territoryOK(c *gin.Context, p data.Principal, territory, what string) bool {
	if p.Province == "" || territory == p.Province {
		return true
	}
	of := "the whole store (every province)"
	if territory != "" {
		of = "province " + territory
		if n := geo.ProvinceName(territory); n != "" {
			of += " (" + n + ")"
		}
	}
	writeProblem(c, http.StatusForbidden, what+" "+of+"; this admin token is for province "+p.Province+" only")
	return false
}

// storedTarget returns the target of the :id parameter as stored, for the
// territory check of a change; ok is false when the answer is given.
func (s *Server) storedTarget(c *gin.Context, id int64) (geo.Target, bool) {
	ts, err := s.store.Targets(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return geo.Target{}, false
	}
	for _, t := range ts {
		if t.ID == id {
			return t, true
		}
	}
	s.fail(c, noTarget(c))
	return geo.Target{}, false
}

// targetInTerritory checks a change or retirement of target id by p.
func (s *Server) targetInTerritory(c *gin.Context, p data.Principal, id int64) bool {
	if p.Province == "" {
		return true
	}
	t, ok := s.storedTarget(c, id)
	return ok && territoryOK(c, p, t.Territory, "target "+strconv.FormatInt(id, 10)+" belongs to")
}

// handleProvinces lists the provinces of the published units (one for a
// provincial store, every one for a national), with their units, people
// and extent: the web page's province selector.
func (s *Server) handleProvinces(c *gin.Context) {
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, struct {
		Provinces []api.Province `json:"provinces"`
	}{snap.Provinces()})
}
