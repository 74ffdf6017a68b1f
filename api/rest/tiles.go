package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/export"
	"github.com/phusong/phusong/geo/tiles"
)

// Vector tiles of the layers, for maps of many communes (the 11,163 of
// Vietnam) where one GeoJSON document would be too heavy.

// tileDetailZoom is the first zoom whose tiles carry every column; below
// it a tile of a whole region carries only the figures and the code,
// which keeps it within the tile budget (800 KB, 400 KB gzipped: README)
// for all of Vietnam, even at zoom 0 where every commune is a feature.
const tileDetailZoom = 8

// tileFiguresColumns are the properties of tiles below tileDetailZoom.
var tileFiguresColumns = []string{"code", "population", "population_covered", "share_covered", "status"}

// tileServer keeps the communes projected for tiling, rebuilt only when
// the commune set changes: new figures reuse it.
type tileServer struct {
	s       *Server
	mu      sync.Mutex
	version string // communes version the set was built from
	set     *tiles.Set
}

// routesTiles registers the tiles and their TileJSON documents.
func (s *Server) routesTiles(r gin.IRouter) {
	ts := &tileServer{s: s}
	r.GET("/tiles/:layer", ts.handleTileJSON)
	r.GET("/tiles/:layer/:z/:x/:y", ts.handleTile)
}

// tileSet returns the tile set of the snapshot's communes.
func (ts *tileServer) tileSet(snap *api.Snapshot) *tiles.Set {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.set == nil || ts.version != snap.CommunesVersion() || ts.set.Len() != len(snap.Communes) {
		shapes := make([]orb.MultiPolygon, len(snap.Communes))
		for i, c := range snap.Communes {
			shapes[i] = c.Geometry
		}
		ts.set, ts.version = tiles.NewSet(shapes), snap.CommunesVersion()
	}
	return ts.set
}

// parseTile reads z/x/y.mvt: numbers that are not whole are a 400, another
// extension or a tile outside zoom 0–16 and its grid a 404.
func parseTile(c *gin.Context) (z, x, y uint32, err error) {
	ys, isMVT := strings.CutSuffix(c.Param("y"), ".mvt")
	if !isMVT {
		return 0, 0, 0, notFound("no such tile %s: tiles are z/x/y.mvt", quote(c.Request.URL.Path))
	}
	var v [3]uint64
	for i, s := range []string{c.Param("z"), c.Param("x"), ys} {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return 0, 0, 0, invalid("tile %s: z, x and y must be whole numbers", quote(c.Param("z")+"/"+c.Param("x")+"/"+ys))
		}
		v[i] = n
	}
	z, x, y = uint32(v[0]), uint32(v[1]), uint32(v[2])
	if !tiles.InRange(z, x, y) {
		return 0, 0, 0, notFound("no tile %d/%d/%d: zoom 0 to %d, x and y below 2^zoom", z, x, y, tiles.MaxZoom)
	}
	return z, x, y, nil
}

// handleTile answers a Mapbox Vector Tile of a layer: one feature per
// commune with its figures, the same as the layer's GeoJSON.
func (ts *tileServer) handleTile(c *gin.Context) {
	layer, err := layerParam(c)
	if err != nil {
		ts.s.fail(c, err)
		return
	}
	z, x, y, err := parseTile(c)
	if err != nil {
		ts.s.fail(c, err)
		return
	}
	snap, err := ts.s.core.Current()
	if err == nil {
		snap, err = ts.s.unitsView(c, snap, "")
	}
	if err != nil {
		ts.s.fail(c, err)
		return
	}
	setGeneration(c, snap)
	figs := snap.Result.Layer(layer).Breakdown(geo.KindAll).Communes
	cols := export.Columns
	if z < tileDetailZoom {
		cols = tileFiguresColumns
	}
	props := func(i int) map[string]any {
		r := export.NewRow(snap.Communes[i], figs[i])
		r.Remote = snap.RemoteAt(i)
		r.Reached = figs[i].Share >= snap.Options().ReachedThreshold(layer)
		all := r.Properties()
		all["population_covered"] = int64(all["population_covered"].(float64))
		p := make(map[string]any, len(cols))
		for _, k := range cols {
			p[k] = all[k]
		}
		return p
	}
	id := func(i int) (uint64, bool) {
		n, err := strconv.ParseUint(snap.Communes[i].Code, 10, 64)
		return n, err == nil
	}
	render := func() ([]byte, error) { return ts.tileSet(snap).Tile(z, x, y, string(layer), id, props) }
	// A tile is cut once per recompute and then served from memory, with
	// an ETag and its gzip form; the cache is bounded (maxCachedBodies), and
	// past the bound tiles are cut for each request.
	ts.s.serveCached(c, snap, fmt.Sprintf("tile:%s/%d/%d/%d", layer, z, x, y), "application/vnd.mapbox-vector-tile", render)
}

// tileJSON is a TileJSON 3.0.0 document.
type tileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Attribution  string        `json:"attribution"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []vectorLayer `json:"vector_layers"`
}

type vectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// tileFieldTypes name the column kinds as TileJSON does.
var tileFieldTypes = map[string]string{"string": "String", "integer": "Number", "number": "Number", "boolean": "Boolean"}

// handleTileJSON answers /tiles/{layer}.json: where the tiles are, their
// zooms, extent and fields, for MapLibre, QGIS and other clients.
func (ts *tileServer) handleTileJSON(c *gin.Context) {
	name, isJSON := strings.CutSuffix(c.Param("layer"), ".json")
	layer := geo.Layer(name)
	if !isJSON || !layer.Valid() {
		writeProblem(c, http.StatusNotFound, "no tile set "+quote(c.Param("layer"))+": want broadcast.json, phone.json, broadband.json or mobile.json")
		return
	}
	snap, err := ts.s.core.Current()
	if err == nil {
		snap, err = ts.s.unitsView(c, snap, "")
	}
	if err != nil {
		ts.s.fail(c, err)
		return
	}
	setGeneration(c, snap)
	var b orb.Bound
	for i, cm := range snap.Communes {
		if i == 0 {
			b = cm.Geometry.Bound()
		} else {
			b = b.Union(cm.Geometry.Bound())
		}
	}
	fields := map[string]string{}
	for _, col := range export.Columns {
		fields[col] = tileFieldTypes[export.ColumnTypes[col]]
	}
	title := string(layer)
	for _, l := range layerInfos {
		if l.ID == layer {
			title = l.TitleVI + " · " + l.TitleEN
		}
	}
	doc := tileJSON{
		TileJSON:    "3.0.0",
		Name:        "Phủ Sóng — " + title,
		Description: "Coverage per commune, computed " + snap.ComputedAt + " by method " + snap.Result.Method.Name + ".",
		Attribution: "Phủ Sóng",
		Scheme:      "xyz",
		Tiles:       []string{baseURL(c.Request) + "/tiles/" + string(layer) + "/{z}/{x}/{y}.mvt" + unitsQuery(c)},
		MinZoom:     0,
		MaxZoom:     tiles.MaxZoom,
		Bounds:      [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
		Center:      [3]float64{(b.Min[0] + b.Max[0]) / 2, (b.Min[1] + b.Max[1]) / 2, 8},
		VectorLayers: []vectorLayer{{
			ID: string(layer),
			Description: fmt.Sprintf("One polygon per commune. Below zoom %d only %s; from zoom %d every field.",
				tileDetailZoom, strings.Join(tileFiguresColumns, ", "), tileDetailZoom),
			MinZoom: 0, MaxZoom: tiles.MaxZoom, Fields: fields,
		}},
	}
	body, err := json.Marshal(doc)
	if err != nil {
		ts.s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json", body)
}

// unitsQuery is "?units=…" when the request named a unit set, so that the
// tiles a TileJSON lists are of the same set.
func unitsQuery(c *gin.Context) string {
	if u := c.Query("units"); u != "" {
		return "?" + url.Values{"units": {u}}.Encode()
	}
	return ""
}
