package rest

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIDoc is the OpenAPI 3.0 description of the whole API, written by
// hand next to the handlers. openapi_test.go checks real answers of every
// route against it and fails on a route it does not describe, so a new
// endpoint is documented in the same change that adds it.
//
//go:embed openapi.json
var openAPIDoc []byte

// routesOpenAPI serves the API description.
func (s *Server) routesOpenAPI(r gin.IRouter) {
	r.GET("/api/openapi.json", func(c *gin.Context) {
		c.Data(http.StatusOK, "application/json", openAPIDoc)
	})
}

// handleOGCAPI serves the same description as the OGC service description,
// with the media type OGC API – Features names for OpenAPI 3.0. Like every
// other /ogc resource it refuses an unknown query parameter with a 400.
func (s *Server) handleOGCAPI(c *gin.Context) {
	if _, err := ogcFormat(c); err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, mediaOpenAPI, openAPIDoc)
}
