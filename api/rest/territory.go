package rest

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
)

// An admin token may be limited to one province (data.Principal.Province,
// `phusong admin token --province 25`): it changes that province's targets
// and remote communes, and nothing else. The routes are checked here; the
// territory of what a write touches is checked by the store, in the write's
// transaction (data.CheckTerritory), so that a concurrent change of a
// target's territory cannot let a write through.

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
