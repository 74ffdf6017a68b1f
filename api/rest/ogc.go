package rest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/export"
)

// OGC API – Features (Part 1: Core) under /ogc, with the GeoJSON, HTML and
// OpenAPI 3.0 conformance classes, so that QGIS, GDAL and ArcGIS read the
// coverage layers as they are. The features are communes: the collection
// "communes" with their census facts, and one collection per layer with
// that layer's figures (the same as /api/v1/layers/{layer}/communes).

// ogcConformance lists the conformance classes the service implements;
// GDAL and QGIS send a filter to the server only when those of Part 3 and
// CQL2 text (filterConformance) are among them.
var ogcConformance = append([]string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	crsConformance,
}, filterConformance...)

// Media types of the OGC answers.
const (
	mediaJSON    = "application/json"
	mediaGeoJSON = "application/geo+json"
	mediaHTML    = "text/html"
	mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	crs84        = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
)

// ogcLink is a link of an OGC answer, also sent in the Link header.
type ogcLink struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// ogcCollection describes one collection: the communes, or one layer.
type ogcCollection struct {
	ID          string
	Title       string
	Description string
	Layer       geo.Layer // "" for the communes
	Columns     []string  // the properties of its features
}

// communeColumns are the properties of the "communes" collection.
var communeColumns = []string{"code", "name", "type", "district_code", "district",
	"population", "population_urban", "population_rural", "area_km2", "boundary"}

// ogcCollections returns the communes collection, then the four layers.
func ogcCollections() []ogcCollection {
	out := []ogcCollection{{ID: "communes", Title: "Communes · Xã, phường, thị trấn",
		Description: "Every commune with its GSO code, district and census population.", Columns: communeColumns}}
	for _, l := range layerInfos {
		out = append(out, ogcCollection{ID: string(l.ID), Title: l.TitleVI + " · " + l.TitleEN,
			Description: l.DescriptionEN + " Per commune: people covered, share covered (0–1) and status.",
			Layer:       l.ID, Columns: export.Columns})
	}
	return out
}

func findCollection(id string) (ogcCollection, bool) {
	for _, c := range ogcCollections() {
		if c.ID == id {
			return c, true
		}
	}
	return ogcCollection{}, false
}

// routesOGC registers OGC API – Features under /ogc.
func (s *Server) routesOGC(r gin.IRouter) {
	g := r.Group("/ogc")
	g.GET("", s.handleOGCLanding)
	g.GET("/api", s.handleOGCAPI)
	g.GET("/conformance", s.handleOGCConformance)
	g.GET("/collections", s.handleOGCCollections)
	g.GET("/collections/:collectionId", s.handleOGCCollection)
	g.GET("/collections/:collectionId/queryables", s.handleOGCQueryables)
	g.GET("/collections/:collectionId/items", s.handleOGCItems)
	g.GET("/collections/:collectionId/items/:featureId", s.handleOGCItem)
}

// baseURL is the scheme and host the client used, so that links are
// absolute, as GIS clients follow them.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// ogcFormat reads the output format from f, else from the Accept header:
// HTML for a browser, JSON otherwise. It checks that no query parameter
// outside allowed is given (OGC API – Features requires a 400 for unknown
// parameters).
func ogcFormat(c *gin.Context, allowed ...string) (html bool, err error) {
	q := c.Request.URL.Query()
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k != "f" && !slices.Contains(allowed, k) {
			return false, invalid("unknown query parameter %s; this resource takes %s", quote(k),
				strings.Join(append([]string{"f"}, allowed...), ", "))
		}
	}
	switch f := c.Query("f"); f {
	case "json":
		return false, nil
	case "html":
		return true, nil
	case "":
		accept := c.GetHeader("Accept")
		return strings.Contains(accept, mediaHTML) && !strings.Contains(accept, "json"), nil
	default:
		return false, invalid("f %s: want json or html", quote(f))
	}
}

// selfAndAlternate are the self link in the format served and the
// alternate in the other one.
func selfAndAlternate(base, path string, html bool, jsonType string) []ogcLink {
	j := ogcLink{Href: base + path + "?f=json", Type: jsonType, Title: "this document as JSON"}
	h := ogcLink{Href: base + path + "?f=html", Type: mediaHTML, Title: "this document as HTML"}
	if html {
		h.Rel, j.Rel = "self", "alternate"
		return []ogcLink{h, j}
	}
	j.Rel, h.Rel = "self", "alternate"
	return []ogcLink{j, h}
}

// linkHeader writes the links as an RFC 8288 Link header.
func linkHeader(c *gin.Context, links []ogcLink) {
	parts := make([]string, 0, len(links))
	for _, l := range links {
		p := "<" + l.Href + `>; rel="` + l.Rel + `"`
		if l.Type != "" {
			p += `; type="` + l.Type + `"`
		}
		parts = append(parts, p)
	}
	if len(parts) > 0 {
		c.Header("Link", strings.Join(parts, ", "))
	}
}

// writeOGC answers v as JSON of the given type, or as the HTML page named
// page, with the links in the Link header. v may also be a function that
// renders the body (as renderOGC does). The body is complete before the
// status is written.
func (s *Server) writeOGC(c *gin.Context, html bool, jsonType, page string, v any, links []ogcLink) {
	var body []byte
	var err error
	if render, ok := v.(func() ([]byte, error)); ok {
		body, err = render()
	} else {
		body, err = renderOGC(html, page, v)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, ogcHeaders(c, html, jsonType, links), body)
}

// renderOGC renders v as JSON, or as the HTML page named page.
func renderOGC(html bool, page string, v any) ([]byte, error) {
	if !html {
		return json.Marshal(v)
	}
	var buf bytes.Buffer
	err := ogcPages.ExecuteTemplate(&buf, page, v)
	return buf.Bytes(), err
}

// ogcHeaders sets the headers of an OGC answer, the Link header and for
// HTML the page's Content-Security-Policy, and returns its content type.
func ogcHeaders(c *gin.Context, html bool, jsonType string, links []ogcLink) string {
	linkHeader(c, links)
	if !html {
		return jsonType
	}
	// The pages are plain documents: no script, no outside resource.
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	return mediaHTML + "; charset=utf-8"
}

// ogcLanding is the landing page.
type ogcLanding struct {
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Links       []ogcLink `json:"links"`
	// URL is the address to give QGIS, shown on the HTML page.
	URL string `json:"-"`
}

func (s *Server) handleOGCLanding(c *gin.Context) {
	html, err := ogcFormat(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	base := baseURL(c.Request)
	links := append(selfAndAlternate(base, "/ogc", html, mediaJSON),
		ogcLink{Href: base + "/ogc/api", Rel: "service-desc", Type: mediaOpenAPI, Title: "the API definition (OpenAPI 3.0)"},
		ogcLink{Href: base + "/ogc/api?f=html", Rel: "service-doc", Type: mediaHTML, Title: "the API documentation"},
		ogcLink{Href: base + "/ogc/conformance", Rel: "conformance", Type: mediaJSON, Title: "conformance classes implemented"},
		ogcLink{Href: base + "/ogc/collections", Rel: "data", Type: mediaJSON, Title: "the collections: communes and the four coverage layers"},
	)
	s.writeOGC(c, html, mediaJSON, "landing", ogcLanding{
		Title: "Phủ Sóng — coverage by commune",
		Description: "Infrastructure coverage per commune (radio and TV, phone, fixed broadband, mobile broadband): " +
			"people covered, share covered and status, computed from the providers' filings.",
		Links: links,
		URL:   base + "/ogc",
	}, links)
}

func (s *Server) handleOGCConformance(c *gin.Context) {
	html, err := ogcFormat(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	links := selfAndAlternate(baseURL(c.Request), "/ogc/conformance", html, mediaJSON)
	s.writeOGC(c, html, mediaJSON, "conformance", gin.H{"conformsTo": ogcConformance, "links": links}, links)
}

// ogcCollectionDoc is a collection's description.
type ogcCollectionDoc struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	ItemType    string    `json:"itemType"`
	CRS         []string  `json:"crs"`
	StorageCRS  string    `json:"storageCrs"`
	Extent      ogcExtent `json:"extent"`
	Links       []ogcLink `json:"links"`
	// Properties lists the properties of the features, for the HTML page
	// and for clients that read them before fetching items.
	Properties []string `json:"properties"`
}

type ogcExtent struct {
	Spatial struct {
		BBox [][4]float64 `json:"bbox"`
		CRS  string       `json:"crs"`
	} `json:"spatial"`
}

func (s *Server) collectionDoc(base string, col ogcCollection, communes []geo.Commune) ogcCollectionDoc {
	var b orb.Bound
	for i, cm := range communes {
		if i == 0 {
			b = cm.Geometry.Bound()
		} else {
			b = b.Union(cm.Geometry.Bound())
		}
	}
	d := ogcCollectionDoc{ID: col.ID, Title: col.Title, Description: col.Description, ItemType: "feature",
		CRS: ogcCRSList(), StorageCRS: crs84, Properties: col.Columns}
	d.Extent.Spatial.BBox = [][4]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}}
	d.Extent.Spatial.CRS = crs84
	path := base + "/ogc/collections/" + col.ID
	d.Links = []ogcLink{
		{Href: path + "?f=json", Rel: "self", Type: mediaJSON, Title: "this collection"},
		{Href: path + "?f=html", Rel: "alternate", Type: mediaHTML, Title: "this collection as HTML"},
		{Href: path + "/items?f=json", Rel: "items", Type: mediaGeoJSON, Title: "the communes as GeoJSON"},
		{Href: path + "/items?f=html", Rel: "items", Type: mediaHTML, Title: "the communes as HTML"},
	}
	d.Links = append(d.Links, queryablesLinks(base, col)...)
	return d
}

func (s *Server) handleOGCCollections(c *gin.Context) {
	html, err := ogcFormat(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	base := baseURL(c.Request)
	links := selfAndAlternate(base, "/ogc/collections", html, mediaJSON)
	var cols []ogcCollectionDoc
	for _, col := range ogcCollections() {
		cols = append(cols, s.collectionDoc(base, col, snap.Communes))
	}
	s.writeOGC(c, html, mediaJSON, "collections", gin.H{"links": links, "collections": cols}, links)
}

// collectionParam reads :collectionId; an unknown one is a 404.
func collectionParam(c *gin.Context) (ogcCollection, error) {
	col, ok := findCollection(c.Param("collectionId"))
	if !ok {
		return col, notFound("no collection %s: want communes, broadcast, phone, broadband or mobile", quote(c.Param("collectionId")))
	}
	return col, nil
}

func (s *Server) handleOGCCollection(c *gin.Context) {
	col, err := collectionParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	html, err := ogcFormat(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	d := s.collectionDoc(baseURL(c.Request), col, snap.Communes)
	if html {
		d.Links[0].Rel, d.Links[1].Rel = "alternate", "self"
	}
	s.writeOGC(c, html, mediaJSON, "collection", d, d.Links)
}
