package rest

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

// routesExport registers the export of a layer as a file.
func (s *Server) routesExport(v1 gin.IRouter) {
	v1.GET("/export/:file", s.handleExport)
}

// handleExport answers /export/{layer}.{format}[?as_of=YYYY-MM-DD] with
// the file, named phusong-{layer}-{day}.{format}.
func (s *Server) handleExport(c *gin.Context) {
	name, format, _ := strings.Cut(c.Param("file"), ".")
	layer := geo.Layer(name)
	if _, ok := api.ExportTypes[format]; !ok || !layer.Valid() {
		writeProblem(c, http.StatusNotFound, "no export "+quote(c.Param("file"))+
			": want {layer}.{format}, layer broadcast, phone, broadband or mobile, format gpkg, geojson, csv or kml")
		return
	}
	var buf bytes.Buffer
	day, err := s.core.Export(c.Request.Context(), &buf, layer, format, c.Query("as_of"), c.Query("known_at"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="phusong-%s-%s.%s"`, layer, day, format))
	c.Data(http.StatusOK, api.ExportTypes[format], buf.Bytes())
}
