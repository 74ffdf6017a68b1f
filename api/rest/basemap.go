package rest

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/geo/basemap"
)

// The local basemap (phusong serve --basemap FILE): the tiles of a PMTiles
// archive, its TileJSON and a MapLibre style over it, all from the
// service itself, so that an office without internet still gets roads,
// rivers and place names under the communes.

// basemapStylePath is the style the page's config points to.
const basemapStylePath = "/basemap/style.json"

// routesBasemap registers the basemap's routes when the service has one.
func (s *Server) routesBasemap(r gin.IRouter) {
	if s.cfg.Basemap == nil {
		return
	}
	r.GET(basemapStylePath, s.handleBasemapStyle)
	r.GET("/basemap/tiles.json", s.handleBasemapTileJSON)
	r.GET("/basemap/tiles/:z/:x/:y", s.handleBasemapTile)
}

// basemapTiles is the template of the tiles' URLs. MapLibre needs it
// absolute: its worker resolves nothing against the page.
func basemapTiles(c *gin.Context) string {
	return baseURL(c.Request) + "/basemap/tiles/{z}/{x}/{y}.mvt"
}

func (s *Server) handleBasemapStyle(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.JSON(http.StatusOK, s.cfg.Basemap.Style(basemapTiles(c)))
}

func (s *Server) handleBasemapTileJSON(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.JSON(http.StatusOK, s.cfg.Basemap.TileJSON(basemapTiles(c)))
}

// handleBasemapTile answers a tile of the archive: 200 with the tile (sent
// gzip-compressed as stored when the client takes gzip, decompressed
// otherwise), 204 where the archive has none (the sea, outside its extent
// or zooms: MapLibre draws nothing there, with no error), 400 or 404 for a
// path that names no tile.
func (s *Server) handleBasemapTile(c *gin.Context) {
	a := s.cfg.Basemap
	ys, isMVT := strings.CutSuffix(c.Param("y"), ".mvt")
	if !isMVT {
		writeProblem(c, http.StatusNotFound, "no such basemap tile "+quote(c.Request.URL.Path)+": tiles are /basemap/tiles/{z}/{x}/{y}.mvt")
		return
	}
	var v [3]uint64
	for i, p := range []string{c.Param("z"), c.Param("x"), ys} {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			writeProblem(c, http.StatusBadRequest, "basemap tile "+quote(c.Param("z")+"/"+c.Param("x")+"/"+ys)+": z, x and y must be whole numbers")
			return
		}
		v[i] = n
	}
	z, x, y := v[0], v[1], v[2]
	if z > 30 || x>>z != 0 || y>>z != 0 {
		writeProblem(c, http.StatusNotFound, "no basemap tile "+strconv.FormatUint(z, 10)+"/"+strconv.FormatUint(x, 10)+"/"+strconv.FormatUint(y, 10)+
			": zoom 0 to 30, x and y below 2^zoom")
		return
	}
	tile, err := a.Tile(uint8(z), uint32(x), uint32(y))
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "basemap tile", "err", err, "file", a.Path())
		writeProblem(c, http.StatusInternalServerError, "the basemap file "+quote(a.Path())+" could not be read at this tile: "+err.Error())
		return
	}
	h := c.Writer.Header()
	// Tiles change only when the file does, which takes a restart; a day
	// in the browser's cache, then revalidated by ETag.
	h.Set("Cache-Control", "public, max-age=86400")
	if tile == nil {
		c.Status(http.StatusNoContent)
		c.Writer.WriteHeaderNow()
		return
	}
	etag := `"bm-` + a.Version() + "-" + strconv.FormatUint(z, 10) + "-" + strconv.FormatUint(x, 10) + "-" + strconv.FormatUint(y, 10) + `"`
	gzipped := false
	if a.Gzipped() {
		addVary(h, "Accept-Encoding")
		if acceptsGzip(c.GetHeader("Accept-Encoding")) {
			gzipped, etag = true, gzipETag(etag)
		} else if tile, err = basemap.Gunzip(tile); err != nil {
			writeProblem(c, http.StatusInternalServerError, "the basemap file "+quote(a.Path())+" has a damaged tile "+
				strconv.FormatUint(z, 10)+"/"+strconv.FormatUint(x, 10)+"/"+strconv.FormatUint(y, 10)+": "+err.Error())
			return
		}
	}
	h.Set("ETag", etag)
	if notModified(c, etag) {
		return
	}
	if gzipped {
		h.Set("Content-Encoding", "gzip")
	}
	c.Data(http.StatusOK, "application/vnd.mapbox-vector-tile", tile)
}
