package rest

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/export"
)

// OGC API – Features Part 3 (Filtering): each collection's queryables, and
// the filter and filter-lang parameters of /items, read by cql.go.

const (
	mediaSchemaJSON = "application/schema+json"
	relQueryables   = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
	// cql2Text is the one filter-lang taken, also the default.
	cql2Text = "cql2-text"
)

// communeColumnTypes are the JSON Schema types of communeColumns.
var communeColumnTypes = map[string]string{
	"code": "string", "name": "string", "type": "string", "district_code": "string", "district": "string",
	"population": "integer", "population_urban": "integer", "population_rural": "integer",
	"area_km2": "number", "boundary": "string",
}

// queryableTypes returns the JSON Schema type of each queryable of the
// collection: its columns, and "geometry" of type "geometry".
func queryableTypes(col ogcCollection) map[string]string {
	types := communeColumnTypes
	if col.Layer != "" {
		types = export.ColumnTypes
	}
	out := make(map[string]string, len(col.Columns)+1)
	for _, c := range col.Columns {
		out[c] = types[c]
	}
	out["geometry"] = "geometry"
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// parseFilter reads filter, filter-lang and filter-crs: nil without a
// filter. Every
// error is a 400 naming the parameter and, for a filter that does not
// parse, the character where it goes wrong.
func parseFilter(q map[string][]string, col ogcCollection) (cqlExpr, error) {
	// cql-text is the name GDAL 3.6 sends, from the drafts of Part 3.
	if v, ok := q["filter-lang"]; ok && v[0] != cql2Text && v[0] != "cql-text" {
		return nil, invalid("filter-lang %s: want %s", quote(v[0]), cql2Text)
	}
	// The filter's coordinates are CRS84 lon/lat; Part 3 lets a client say
	// so, and any other CRS is refused rather than misread.
	if v, ok := q["filter-crs"]; ok && v[0] != crs84 {
		return nil, invalid("filter-crs %s: want %s; the filter's coordinates are lon/lat", quote(v[0]), crs84)
	}
	v, ok := q["filter"]
	if !ok {
		return nil, nil
	}
	e, err := parseCQL2Text(v[0], queryableTypes(col))
	if err != nil {
		return nil, invalid("filter %s: %v", quote(v[0]), err)
	}
	return e, nil
}

// filterRow is the row a filter is evaluated on: the feature's every
// property, as /items serves them, and its geometry.
func filterRow(col ogcCollection, cm geo.Commune, figs []geo.CommuneFigure, i int, remote bool, reached float64) cqlRow {
	return cqlRow{props: feature(col, cm, figs, i, remote, reached, nil).Properties.values, geom: cm.Geometry}
}

// queryablesDoc is the JSON Schema (2020-12) of a collection's queryables.
type queryablesDoc struct {
	Schema      string                    `json:"$schema"`
	ID          string                    `json:"$id"`
	Type        string                    `json:"type"`
	Title       string                    `json:"title"`
	Properties  map[string]map[string]any `json:"properties"`
	Additional  bool                      `json:"additionalProperties"`
	Description string                    `json:"description"`
	// Queryables lists the names again in the form of the drafts of Part
	// 3, which GDAL before 3.7 reads to know which properties it may put
	// in a filter; JSON Schema ignores the unknown keyword.
	Queryables []draftQueryable `json:"queryables"`
}

// draftQueryable is a queryable as the drafts of Part 3 list it.
type draftQueryable struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// queryables builds the collection's queryables document: the columns
// with their types, and the geometry as a GeoJSON (multi)polygon.
func queryables(base string, col ogcCollection) queryablesDoc {
	d := queryablesDoc{Schema: "https://json-schema.org/draft/2020-12/schema",
		ID: base + "/ogc/collections/" + col.ID + "/queryables", Type: "object", Title: col.Title,
		Description: "The properties a filter (CQL2 text) on /items can name.",
		Properties:  map[string]map[string]any{}}
	types := queryableTypes(col)
	for _, name := range sortedKeys(types) {
		d.Queryables = append(d.Queryables, draftQueryable{ID: name, Type: types[name]})
	}
	for name, typ := range types {
		if typ == "geometry" {
			d.Properties[name] = map[string]any{"title": "the commune's boundary (CRS84)",
				"format": "geometry-multipolygon", "x-ogc-role": "primary-geometry"}
			continue
		}
		d.Properties[name] = map[string]any{"title": name, "type": typ}
	}
	if v, ok := d.Properties["status"]; ok {
		v["enum"] = []string{string(geo.StatusCovered), string(geo.StatusPartial), string(geo.StatusNone)}
	}
	return d
}

// handleOGCQueryables answers a collection's queryables as JSON Schema.
// It has no HTML form: f=html is refused, as the schema is for clients.
func (s *Server) handleOGCQueryables(c *gin.Context) {
	col, err := collectionParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := ogcFormat(c); err != nil {
		s.fail(c, err)
		return
	}
	if c.Query("f") == "html" {
		s.fail(c, invalid("f \"html\": the queryables are served as JSON Schema only; want json"))
		return
	}
	base := baseURL(c.Request)
	path := base + "/ogc/collections/" + col.ID + "/queryables"
	links := []ogcLink{{Href: path + "?f=json", Rel: "self", Type: mediaSchemaJSON, Title: "the queryables"},
		{Href: base + "/ogc/collections/" + col.ID + "?f=json", Rel: "collection", Type: mediaJSON, Title: "the collection"}}
	body, err := json.Marshal(queryables(base, col))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, ogcHeaders(c, false, queryablesType(c.GetHeader("Accept")), links), body)
}

// queryablesType is the media type of the queryables for the Accept
// header: application/schema+json, unless the client accepts JSON but not
// JSON Schema by name, as GDAL before 3.7 does, which refuses any other
// type.
func queryablesType(accept string) string {
	if strings.Contains(accept, mediaJSON) && !strings.Contains(accept, mediaSchemaJSON) {
		return mediaJSON
	}
	return mediaSchemaJSON
}

// queryablesLinks are the collection's links to its queryables: with the
// relation of Part 3, and with "queryables", the relation of its drafts
// that GDAL before 3.7 follows.
func queryablesLinks(base string, col ogcCollection) []ogcLink {
	href := base + "/ogc/collections/" + col.ID + "/queryables?f=json"
	return []ogcLink{
		{Href: href, Rel: relQueryables, Type: mediaSchemaJSON, Title: "the properties a filter can name"},
		{Href: href, Rel: "queryables", Type: mediaSchemaJSON, Title: "the properties a filter can name"},
	}
}

// filterConformance are the conformance classes of Part 3 and CQL2 that
// the filter implements; queryables-query-parameters is not among them,
// as not every queryable is a query parameter of /items.
var filterConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
}
