package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/export"
)

// The page sizes of /items: a client that names no limit gets
// ogcDefaultLimit features; a larger limit than ogcMaxLimit is served as
// ogcMaxLimit, as OGC API – Features asks, rather than refused.
const (
	ogcDefaultLimit = 10
	ogcMaxLimit     = 10000
)

// itemsParams are the query parameters /items takes besides f.
var itemsParams = []string{"bbox", "limit", "offset", "datetime", "properties", "code", "district", "district_code", "status", "type", "filter", "filter-lang", "filter-crs", "units"}

// itemsQuery is a checked /items request.
type itemsQuery struct {
	limit, offset int
	boxes         []orb.Bound // the bbox, split in two when it crosses the antimeridian; nil for none
	day           string      // datetime (an interval's end) as a day, "" for the current figures
	from          string      // the start day of a datetime interval, "" for none or an open start
	props         []string    // the properties to return
	codes         []string
	district      string // district name (any case) or district code
	districtCode  string
	typ           string
	status        geo.Status
	crs           ogcCRS  // the system of the geometry (crs), CRS84 by default
	filter        cqlExpr // the CQL2 filter, nil for none
}

// parseItemsQuery reads and checks the query against the collection.
// Every error wraps data.ErrInvalid, a 400.
func parseItemsQuery(q url.Values, col ogcCollection) (itemsQuery, error) {
	iq := itemsQuery{limit: ogcDefaultLimit, props: col.Columns, crs: defaultOGCCRS}
	bad := func(format string, args ...any) (itemsQuery, error) {
		return itemsQuery{}, fmt.Errorf("%w: "+format, append([]any{data.ErrInvalid}, args...)...)
	}
	if v, ok := q["limit"]; ok {
		n, ok := pagingNumber(v[0])
		if !ok || n < 1 {
			return bad("limit %s: want a whole number from 1 (at most %d are served)", quote(v[0]), ogcMaxLimit)
		}
		iq.limit = min(n, ogcMaxLimit)
	}
	if v, ok := q["offset"]; ok {
		n, ok := pagingNumber(v[0])
		if !ok || n < 0 {
			return bad("offset %s: want a whole number from 0", quote(v[0]))
		}
		iq.offset = n
	}
	if v, ok := q["bbox"]; ok {
		boxes, err := parseBBoxIn(v[0], q.Get("bbox-crs"))
		if err != nil {
			return bad("bbox %s: %v", quote(v[0]), err)
		}
		iq.boxes = boxes
	}
	if v, ok := q["crs"]; ok {
		c, err := parseOGCCRS("crs", v[0])
		if err != nil {
			return itemsQuery{}, err
		}
		iq.crs = c
	}
	if v, ok := q["datetime"]; ok {
		from, day, err := parseDatetime(v[0])
		if err != nil {
			return bad("datetime %s: %v", quote(v[0]), err)
		}
		iq.from, iq.day = from, day
	}
	if v, ok := q["properties"]; ok {
		iq.props = nil
		for _, p := range strings.Split(v[0], ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			if !slices.Contains(col.Columns, p) {
				return bad("properties: %s is not a property of %s; want some of %s", quote(p), col.ID, strings.Join(col.Columns, ", "))
			}
			iq.props = append(iq.props, p)
		}
	}
	if v, ok := q["code"]; ok {
		iq.codes = strings.Split(v[0], ",")
	}
	iq.district, iq.districtCode, iq.typ = q.Get("district"), q.Get("district_code"), q.Get("type")
	if v, ok := q["status"]; ok {
		if col.Layer == "" {
			return bad("status: the communes collection has no status; ask a layer's collection")
		}
		switch s := geo.Status(v[0]); s {
		case geo.StatusCovered, geo.StatusPartial, geo.StatusNone:
			iq.status = s
		default:
			return bad("status %s: want covered, partial or none", quote(v[0]))
		}
	}
	filter, err := parseFilter(q, col)
	if err != nil {
		return itemsQuery{}, err
	}
	iq.filter = filter
	return iq, nil
}

// parseDatetime reads datetime: one instant, or an interval start/end
// with either end open ("..") but not both (/req/core/fc-time-definition).
// An instant is a date YYYY-MM-DD, which stands for the whole day, or an
// RFC 3339 date-time, whose UTC day is taken. The figures of an interval
// are those as of its end's day, from the filings in force that day; an
// open end is now (day "", the current figures). from is the start's day
// ("" for an instant or an open start), so that a start after today is
// refused as an end after today is. A start after the end is an error.
func parseDatetime(v string) (from, day string, err error) {
	start, end, interval := strings.Cut(v, "/")
	if !interval {
		t, _, err := parseInstant(v)
		if err != nil {
			return "", "", err
		}
		return "", t.Format(time.DateOnly), nil
	}
	if start == ".." && end == ".." {
		return "", "", fmt.Errorf("an interval with both ends open is not a time")
	}
	var first, last time.Time
	if start != ".." {
		if first, _, err = parseInstant(start); err != nil {
			return "", "", err
		}
		from = first.Format(time.DateOnly)
	}
	if end != ".." {
		var whole bool
		if last, whole, err = parseInstant(end); err != nil {
			return "", "", err
		}
		day = last.Format(time.DateOnly)
		if whole {
			last = last.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		if start != ".." && first.After(last) {
			return "", "", fmt.Errorf("the interval's start %s is after its end %s", start, end)
		}
	}
	return from, day, nil
}

// parseInstant reads a date YYYY-MM-DD (its start, whole true) or an RFC
// 3339 date-time, in UTC.
func parseInstant(s string) (t time.Time, whole bool, err error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), false, nil
	}
	return time.Time{}, false, fmt.Errorf("want a date YYYY-MM-DD, an RFC 3339 date-time, or an interval of them start/end (either end \"..\" for open)")
}

// pagingNumber reads a whole number of limit or offset. A positive number
// too large for an int is the largest int: a limit that large is served as
// ogcMaxLimit and an offset that large is past the end, as any other large
// one. ok is false for what is not a whole number.
func pagingNumber(s string) (n int, ok bool) {
	n, err := strconv.Atoi(s)
	if err == nil {
		return n, true
	}
	if errors.Is(err, strconv.ErrRange) && n > 0 {
		return math.MaxInt, true
	}
	return 0, false
}

// pageOf returns the indexes of one page of matched: from offset, at most
// limit of them. Neither offset nor limit is added to anything, so that the
// largest int of each is a page, not an overflow.
func pageOf(matched []int, offset, limit int) []int {
	start := min(offset, len(matched))
	return matched[start : start+min(limit, len(matched)-start)]
}

// parseBBox reads minLon,minLat,maxLon,maxLat in CRS84, or the 6 numbers
// minLon,minLat,minHeight,maxLon,maxLat,maxHeight that OGC API – Features
// also allows (/req/core/fc-bbox-definition): the heights must be numbers
// but are ignored, as the communes are 2D. A minLon greater than maxLon is
// a box across the antimeridian, split in two.
func parseBBox(s string) ([]orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return nil, fmt.Errorf("want 4 or 6 numbers, minLon,minLat,maxLon,maxLat or minLon,minLat,minHeight,maxLon,maxLat,maxHeight, got %d values", len(parts))
	}
	all := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("value %d (%s) is not a number", i+1, quote(p))
		}
		all[i] = f
	}
	v := [4]float64{all[0], all[1], all[2], all[3]}
	if len(all) == 6 {
		v = [4]float64{all[0], all[1], all[3], all[4]}
	}
	for _, lon := range []float64{v[0], v[2]} {
		if !(lon >= -180 && lon <= 180) {
			return nil, fmt.Errorf("longitude %g is out of -180 to 180", lon)
		}
	}
	for _, lat := range []float64{v[1], v[3]} {
		if !(lat >= -90 && lat <= 90) {
			return nil, fmt.Errorf("latitude %g is out of -90 to 90", lat)
		}
	}
	if v[1] > v[3] {
		return nil, fmt.Errorf("minLat %g is above maxLat %g", v[1], v[3])
	}
	if v[0] <= v[2] {
		return []orb.Bound{{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}}, nil
	}
	return []orb.Bound{
		{Min: orb.Point{v[0], v[1]}, Max: orb.Point{180, v[3]}},
		{Min: orb.Point{-180, v[1]}, Max: orb.Point{v[2], v[3]}},
	}, nil
}

// matches reports whether commune i passes the query's filters.
func (iq *itemsQuery) matches(cm *geo.Commune, fig *geo.CommuneFigure) bool {
	if len(iq.codes) > 0 && !slices.Contains(iq.codes, cm.Code) {
		return false
	}
	if iq.district != "" && !strings.EqualFold(cm.District, iq.district) && cm.DistrictCode != iq.district {
		return false
	}
	if iq.districtCode != "" && cm.DistrictCode != iq.districtCode {
		return false
	}
	if iq.typ != "" && !strings.EqualFold(cm.Type, iq.typ) {
		return false
	}
	if iq.status != "" && (fig == nil || fig.Status != iq.status) {
		return false
	}
	if iq.boxes != nil {
		in := false
		for _, b := range iq.boxes {
			in = in || geo.IntersectsBound(cm.Geometry, b)
		}
		return in
	}
	return true
}

// ogcFeature is a GeoJSON feature with the links OGC API – Features adds.
type ogcFeature struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties orderedProps      `json:"properties"`
	Links      []ogcLink         `json:"links,omitempty"`
}

// orderedProps are a feature's properties in the collection's column
// order, which GIS clients keep as the order of their fields.
type orderedProps struct {
	keys   []string
	values map[string]any
}

// Get returns property k, or nil.
func (p orderedProps) Get(k string) any { return p.values[k] }

// MarshalJSON writes the properties as a JSON object in column order.
func (p orderedProps) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, k := range p.keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		vb, err := json.Marshal(p.values[k])
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, kb...), ':'), vb...)
	}
	return append(buf, '}'), nil
}

// ogcFeatureCollection is one page of /items, with the figures' metadata.
type ogcFeatureCollection struct {
	Type           string       `json:"type"`
	Features       []ogcFeature `json:"features"`
	Links          []ogcLink    `json:"links"`
	NumberMatched  int          `json:"numberMatched"`
	NumberReturned int          `json:"numberReturned"`
	TimeStamp      string       `json:"timeStamp"`
	Layer          geo.Layer    `json:"layer,omitempty"`
	AsOf           string       `json:"as_of,omitempty"`
	ComputedAt     string       `json:"computed_at,omitempty"`
	Method         *geo.Method  `json:"method,omitempty"`
	BoundaryNote   string       `json:"boundary_note,omitempty"`
	// Collection and Columns serve the HTML page only.
	Collection ogcCollection `json:"-"`
	Columns    []string      `json:"-"`
}

// feature builds commune i of the collection with the chosen properties.
// reached is the layer's reached threshold (export.Row.Reached).
func feature(col ogcCollection, cm geo.Commune, figs []geo.CommuneFigure, i int, remote bool, reached float64, props []string) ogcFeature {
	var all map[string]any
	if col.Layer != "" {
		r := export.NewRow(cm, figs[i])
		r.Remote, r.Reached = remote, figs[i].Share >= reached
		all = r.Properties()
	} else {
		all = map[string]any{"code": cm.Code, "name": cm.Name, "type": cm.Type, "district_code": cm.DistrictCode,
			"district": cm.District, "population": cm.Population, "population_urban": cm.PopulationUrban,
			"population_rural": cm.PopulationRural, "area_km2": cm.AreaKm2, "boundary": cm.Boundary}
	}
	return ogcFeature{Type: "Feature", ID: cm.Code, Geometry: geojson.NewGeometry(cm.Geometry),
		Properties: orderedProps{keys: props, values: all}}
}

// layerFigures returns the figures of the collection's layer, or nil for
// the communes collection.
func layerFigures(col ogcCollection, f *api.Figures) []geo.CommuneFigure {
	if col.Layer == "" {
		return nil
	}
	return f.Result.Layer(col.Layer).Breakdown(geo.KindAll).Communes
}

// pageURL is the items URL of the query with another offset.
func pageURL(base, path string, q url.Values, offset, limit int, format string) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("offset", strconv.Itoa(offset))
	v.Set("limit", strconv.Itoa(limit))
	v.Set("f", format)
	return base + path + "?" + v.Encode()
}

// itemsFigures returns the figures of datetime's day ("" for now). The
// core refuses a day after today in the words of as_of; here the words name
// datetime, the parameter the client gave. An interval's start after today
// is refused too: its open end, today, would be before it.
func (s *Server) itemsFigures(c *gin.Context, iq itemsQuery) (*api.Figures, error) {
	snap, err := s.core.Current()
	if err != nil {
		return nil, err
	}
	for _, day := range []string{iq.from, iq.day} {
		if err := snap.CheckDay("datetime", day); err != nil {
			return nil, err
		}
	}
	units := c.Query("units")
	if len(units) > maxUnitsParam {
		return nil, invalid("units: a unit set's name or id of at most %d characters", maxUnitsParam)
	}
	return s.core.FiguresUnits(c.Request.Context(), iq.day, "", units)
}

// handleOGCItems answers a page of a collection. The pages of the current
// figures without a filter (itemsCacheKey) — what GIS clients page through —
// are rendered once per snapshot and served with an ETag and gzip, as the
// layer endpoint is; their timeStamp is the time of that rendering. Other
// pages are rendered for their request.
func (s *Server) handleOGCItems(c *gin.Context) {
	col, err := collectionParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	html, err := ogcFormat(c, slices.Concat(itemsParams, crsParams)...)
	if err != nil {
		s.fail(c, err)
		return
	}
	q := c.Request.URL.Query()
	iq, err := parseItemsQuery(q, col)
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := s.itemsFigures(c, iq)
	if err != nil {
		s.fail(c, err)
		return
	}
	setGeneration(c, f.Snap)
	figs := layerFigures(col, f)
	var matched []int
	for i := range f.Communes {
		var fig *geo.CommuneFigure
		if figs != nil {
			fig = &figs[i]
		}
		if iq.matches(&f.Communes[i], fig) && (iq.filter == nil ||
			iq.filter.eval(filterRow(col, f.Communes[i], figs, i, f.Snap.RemoteAt(i), f.Snap.Options().ReachedThreshold(col.Layer)))) {
			matched = append(matched, i)
		}
	}
	page := pageOf(matched, iq.offset, iq.limit)
	base, path := baseURL(c.Request), c.Request.URL.Path
	links := itemsLinks(base, path, col, q, iq, len(matched), html)
	render := func() ([]byte, error) {
		fc := ogcFeatureCollection{Type: "FeatureCollection", Features: make([]ogcFeature, 0, len(page)),
			NumberMatched: len(matched), NumberReturned: len(page), TimeStamp: time.Now().UTC().Format(time.RFC3339),
			Links: links, Collection: col, Columns: iq.props}
		for _, i := range page {
			fc.Features = append(fc.Features, feature(col, f.Communes[i], figs, i, f.Snap.RemoteAt(i), f.Snap.Options().ReachedThreshold(col.Layer), iq.props))
		}
		iq.crs.project(fc.Features)
		if col.Layer != "" {
			fc.Layer, fc.AsOf, fc.ComputedAt, fc.Method = col.Layer, f.AsOf, f.ComputedAt, &f.Result.Method
		}
		for _, cm := range f.Communes {
			if cm.Boundary == geo.BoundaryApproximate {
				fc.BoundaryNote = geo.BoundaryNote
				break
			}
		}
		return renderOGC(html, "items", fc)
	}
	setContentCrs(c, html, iq.crs)
	key, cached := itemsCacheKey(q, col, iq, base, path, html)
	if !cached {
		s.writeOGC(c, html, mediaGeoJSON, "items", render, links)
		return
	}
	contentType := ogcHeaders(c, html, mediaGeoJSON, links)
	s.serveCached(c, f.Snap, key, contentType, render)
}

// itemsLinks are the links of a page: self and alternate, the collection,
// and next and prev where there are such pages.
func itemsLinks(base, path string, col ogcCollection, q url.Values, iq itemsQuery, matched int, html bool) []ogcLink {
	self, other := "json", "html"
	selfType, otherType := mediaGeoJSON, mediaHTML
	collType := mediaJSON
	if html {
		self, other, selfType, otherType, collType = other, self, otherType, selfType, mediaHTML
	}
	links := []ogcLink{
		{Href: pageURL(base, path, q, iq.offset, iq.limit, self), Rel: "self", Type: selfType, Title: "this page"},
		{Href: pageURL(base, path, q, iq.offset, iq.limit, other), Rel: "alternate", Type: otherType, Title: "this page as " + other},
		{Href: base + "/ogc/collections/" + col.ID + "?f=" + self, Rel: "collection", Type: collType, Title: "the collection"},
	}
	if iq.offset < matched && iq.limit < matched-iq.offset {
		next := iq.offset + iq.limit
		links = append(links, ogcLink{Href: pageURL(base, path, q, next, iq.limit, self), Rel: "next", Type: selfType, Title: "next page"})
	}
	if iq.offset > 0 {
		prev := max(iq.offset-iq.limit, 0)
		links = append(links, ogcLink{Href: pageURL(base, path, q, prev, iq.limit, self), Rel: "prev", Type: selfType, Title: "previous page"})
	}
	return links
}

// itemsCacheKey names the body of a page of the current figures, and
// reports whether the page is kept once per snapshot: only without datetime
// and without a filter, the forms GIS clients page through, so that the
// kept pages are few. The key names everything else that changes the body:
// the collection, the format (from f or Accept), the scheme and host and
// the path of the links, the checked limit and offset, and the properties
// as given (the links repeat them). The other query parameters were refused
// by ogcFormat.
func itemsCacheKey(q url.Values, col ogcCollection, iq itemsQuery, base, path string, html bool) (string, bool) {
	for k := range q {
		switch k {
		case "f", "limit", "offset", "properties":
		default:
			return "", false
		}
	}
	props := "-"
	if v, ok := q["properties"]; ok {
		props = "=" + v[0]
	}
	return fmt.Sprintf("ogc-items\x00%s\x00%t\x00%s\x00%s\x00%d\x00%d\x00%s", col.ID, html, base, path, iq.limit, iq.offset, props), true
}

func (s *Server) handleOGCItem(c *gin.Context) {
	col, err := collectionParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	html, err := ogcFormat(c, "datetime", "properties", "crs")
	if err != nil {
		s.fail(c, err)
		return
	}
	// The item takes only the parameters that choose its figures and its
	// properties; ogcFormat refused the others.
	iq, err := parseItemsQuery(c.Request.URL.Query(), col)
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := s.itemsFigures(c, iq)
	if err != nil {
		s.fail(c, err)
		return
	}
	setGeneration(c, f.Snap)
	id := c.Param("featureId")
	for i, cm := range f.Communes {
		if cm.Code != id {
			continue
		}
		ft := feature(col, cm, layerFigures(col, f), i, f.Snap.RemoteAt(i), f.Snap.Options().ReachedThreshold(col.Layer), iq.props)
		ft.Geometry = iq.crs.geometry(cm.Geometry)
		setContentCrs(c, html, iq.crs)
		base := baseURL(c.Request)
		path := "/ogc/collections/" + col.ID + "/items/" + url.PathEscape(id)
		ft.Links = append(selfAndAlternate(base, path, html, mediaGeoJSON),
			ogcLink{Href: base + "/ogc/collections/" + col.ID + "?f=json", Rel: "collection", Type: mediaJSON, Title: "the collection"})
		view := struct {
			ogcFeature
			Collection ogcCollection `json:"-"`
			Columns    []string      `json:"-"`
		}{ft, col, iq.props}
		s.writeOGC(c, html, mediaGeoJSON, "item", view, ft.Links)
		return
	}
	writeProblem(c, http.StatusNotFound, "no commune "+quote(id)+" in collection "+col.ID)
}
