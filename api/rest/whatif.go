package rest

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
)

// handleWhatIf adds hypothetical sites or polygons to what is in force
// today and answers the figures with their change (api.WhatIfAnswer).
// Nothing is stored.
func (s *Server) handleWhatIf(c *gin.Context) {
	var req api.WhatIfRequest
	if !bindJSONLimit(c, &req, api.MaxWhatIfBody) {
		return
	}
	ans, err := s.core.WhatIf(c.Request.Context(), &req)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ans)
}
