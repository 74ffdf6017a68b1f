package rest

import (
	_ "embed"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"

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
// with the media type OGC API – Features names for OpenAPI 3.0, or as HTML
// (f=html, or a browser's Accept) the service documentation the landing
// page links as service-doc. Like every other /ogc resource it refuses an
// unknown query parameter with a 400.
func (s *Server) handleOGCAPI(c *gin.Context) {
	html, err := ogcFormat(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !html {
		doc, err := ogcAPIDoc(baseURL(c.Request))
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Data(http.StatusOK, mediaOpenAPI, doc)
		return
	}
	doc, err := apiDocPage(baseURL(c.Request))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeOGC(c, true, mediaOpenAPI, "api", doc, doc.Links)
}

// apiDoc is the HTML rendering of the OpenAPI document: every operation
// with its summary, in path order, and a link to the document itself.
type apiDoc struct {
	Title, Description string
	Operations         []apiOperation
	Links              []ogcLink
}

type apiOperation struct{ Method, Path, Summary, Description string }

// apiDocPage reads the embedded document into the page's view.
func apiDocPage(base string) (apiDoc, error) {
	type op struct{ Summary, Description string }
	var doc struct {
		Info  struct{ Title, Description string }
		Paths map[string]map[string]op
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		return apiDoc{}, err
	}
	out := apiDoc{Title: doc.Info.Title, Description: doc.Info.Description}
	for _, path := range slices.Sorted(maps.Keys(doc.Paths)) {
		for _, m := range []string{"get", "post", "put", "patch", "delete"} {
			if o, ok := doc.Paths[path][m]; ok {
				out.Operations = append(out.Operations, apiOperation{strings.ToUpper(m), path, o.Summary, o.Description})
			}
		}
	}
	out.Links = selfAndAlternate(base, "/ogc/api", true, mediaOpenAPI)
	return out, nil
}
