package rest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

// routesExport registers the export of a layer as a file.
func (s *Server) routesExport(v1 gin.IRouter) {
	v1.GET("/export/:file", s.handleExport)
}

// handleExport answers /export/{layer}.{format}[?as_of=YYYY-MM-DD][&crs=EPSG:3405]
// [&breakdown=provider:viettel] with the file (crs: see
// api.Service.ExportBreakdown; 400 for KML in any system but EPSG:4326, and
// for a breakdown the layer does not have), named
// phusong-{layer}[-{breakdown}]-{day}.{format}. It answers range
// requests (206, Accept-Ranges: bytes) and conditional ones (ETag,
// Last-Modified, If-Range, If-None-Match) through http.ServeContent, so
// that GDAL's /vsicurl/, which QGIS uses for a URL source, reads the file
// piece by piece. The file is rendered once per snapshot and query and
// kept (exportCache), so that the pieces a client fetches in several
// requests come from one rendering; its ETag is the hash of its bytes, so
// it changes whenever the figures do.
func (s *Server) handleExport(c *gin.Context) {
	name, format, _ := strings.Cut(c.Param("file"), ".")
	layer := geo.Layer(name)
	if _, ok := api.ExportTypes[format]; !ok || !layer.Valid() {
		writeProblem(c, http.StatusNotFound, "no export "+quote(c.Param("file"))+
			": want {layer}.{format}, layer broadcast, phone, broadband or mobile, format gpkg, geojson, csv or kml")
		return
	}
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, knownAt, crsName := c.Query("as_of"), c.Query("known_at"), c.Query("crs")
	breakdown := c.DefaultQuery("breakdown", geo.KindAll)
	if len(breakdown) > maxBreakdownKey {
		s.fail(c, invalid("breakdown is longer than %d bytes: give a key of GET /api/v1/summary?breakdown=…, such as provider:viettel", maxBreakdownKey))
		return
	}
	units := c.Query("units")
	if len(units) > maxUnitsParam {
		s.fail(c, invalid("units: a unit set's name or id of at most %d characters", maxUnitsParam))
		return
	}
	key := url.Values{"file": {c.Param("file")}, "as_of": {asOf}, "known_at": {knownAt}, "crs": {crsName}, "breakdown": {breakdown}, "units": {units}}.Encode()
	e := s.exports.of(snap).get(key, func() (*exportFile, error) {
		var buf bytes.Buffer
		day, err := s.core.ExportBreakdown(c.Request.Context(), &buf, layer, format, asOf, knownAt, crsName, breakdown, units)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(buf.Bytes())
		return &exportFile{body: buf.Bytes(), day: day, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}, nil
	})
	if e.err != nil {
		s.fail(c, e.err)
		return
	}
	f := e.file
	h := c.Writer.Header()
	h.Set("Content-Type", api.ExportTypes[format])
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="phusong-%s%s-%s.%s"`, layer, breakdownSlug(breakdown), f.day, format))
	h.Set("ETag", f.etag)
	h.Set("Cache-Control", "no-cache") // revalidate: the figures change on every recompute
	// Last-Modified is when the figures were computed; a snapshot whose
	// time does not parse gets none, and ETag alone validates.
	modified, _ := time.Parse(time.RFC3339, snap.ComputedAt)
	http.ServeContent(c.Writer, c.Request, "", modified, bytes.NewReader(f.body))
}

// breakdownSlug is a breakdown's part of an export's file name: "" for
// every provider together, otherwise "-" and its key with every character
// but ASCII letters, digits, "." and "_" made "-" ("provider:viettel" →
// "-provider-viettel"), so that the name stays safe in any file system and
// header.
func breakdownSlug(key string) string {
	if key == geo.KindAll || key == "" {
		return ""
	}
	b := []byte(key)
	for i, ch := range b {
		ok := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '_'
		if !ok {
			b[i] = '-'
		}
	}
	return "-" + string(b)
}

// exportFile is one export as served: its bytes, the day of its figures and
// the ETag of its bytes.
type exportFile struct {
	body []byte
	day  string
	etag string
}

// exportEntry is an export being rendered or rendered; err is kept only
// for the requests that waited on the failed rendering.
type exportEntry struct {
	once sync.Once
	file *exportFile
	err  error
}

// maxCachedExports bounds the exports kept per snapshot. An export of
// every commune is megabytes, and as_of and known_at take many values, so
// only the few most recently asked for are kept; one is all a client
// reading a file by ranges needs.
const maxCachedExports = 8

// exportCache holds the rendered exports of one snapshot, by query, the
// oldest dropped first past maxCachedExports.
type exportCache struct {
	mu      sync.Mutex
	entries map[string]*exportEntry
	order   []string
}

// get returns the export of key, rendering it once for every request that
// asks while it renders. A failed rendering is forgotten, so that the next
// request tries again (its failure may have been its client's cancelled
// context).
func (ec *exportCache) get(key string, render func() (*exportFile, error)) *exportEntry {
	ec.mu.Lock()
	if ec.entries == nil {
		ec.entries = map[string]*exportEntry{}
	}
	e, ok := ec.entries[key]
	if !ok {
		e = &exportEntry{}
		ec.entries[key] = e
		ec.order = append(ec.order, key)
		if len(ec.order) > maxCachedExports {
			delete(ec.entries, ec.order[0])
			ec.order = ec.order[1:]
		}
	}
	ec.mu.Unlock()
	e.once.Do(func() {
		e.file, e.err = render()
		if e.err != nil {
			ec.mu.Lock()
			if ec.entries[key] == e {
				delete(ec.entries, key)
				for i, k := range ec.order {
					if k == key {
						ec.order = append(ec.order[:i], ec.order[i+1:]...)
						break
					}
				}
			}
			ec.mu.Unlock()
		}
	})
	return e
}
