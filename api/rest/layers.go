package rest

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/seed"
)

// layerInfo is how a layer is presented, in Vietnamese and English.
type layerInfo struct {
	ID            geo.Layer `json:"id"`
	TitleVI       string    `json:"title_vi"`
	TitleEN       string    `json:"title_en"`
	DescriptionVI string    `json:"description_vi"`
	DescriptionEN string    `json:"description_en"`
}

var layerInfos = []layerInfo{
	{geo.Broadcast, "Phát thanh – truyền hình", "Radio and television",
		"Người dân thu được cả chương trình trung ương và chương trình địa phương (truyền hình hoặc phát thanh).",
		"People who receive both a central and a local programme (television or radio)."},
	{geo.Phone, "Điện thoại", "Telephone",
		"Điện thoại cố định được cung cấp, hoặc sóng di động thoại (2G trở lên) nơi người dân sinh sống.",
		"A fixed line offered, or mobile voice (2G or better) where people live."},
	{geo.Broadband, "Băng rộng cố định", "Fixed broadband",
		"Internet băng rộng cố định được cung cấp: cáp quang (FTTH), xDSL, cáp truyền hình, vô tuyến cố định.",
		"Fixed broadband offered: fibre (FTTH), xDSL, cable, fixed wireless."},
	{geo.Mobile, "Băng rộng di động", "Mobile broadband",
		"Sóng di động băng rộng 3G, 4G hoặc 5G nơi người dân sinh sống.",
		"Mobile broadband (3G, 4G or 5G) where people live."},
}

func (s *Server) handleLayers(c *gin.Context) {
	c.JSON(http.StatusOK, struct {
		Layers []layerInfo `json:"layers"`
	}{layerInfos})
}

// layerParam reads and checks the :layer path parameter against the four
// layers; an unknown layer is not found (404).
func layerParam(c *gin.Context) (geo.Layer, error) {
	l := geo.Layer(c.Param("layer"))
	if !l.Valid() {
		return "", notFound("unknown layer %s: want broadcast, phone, broadband or mobile", quote(string(l)))
	}
	return l, nil
}

// boundaryNote is said with every commune geometry that is approximate.
const boundaryNote = geo.BoundaryNote

// handleLayerCommunes answers the layer as GeoJSON, one feature per commune
// with the figures in its properties: those of the union of all providers,
// or with ?breakdown=KEY those of one breakdown of the layer (a key of
// GET /api/v1/summary?breakdown=…: "provider:viettel", "technology:4G",
// "largest", "multi", "programme:local"); with ?as_of=YYYY-MM-DD, as things
// stood then. The current figures are rendered once per recompute and
// served with an ETag and gzip.
func (s *Server) handleLayerCommunes(c *gin.Context) {
	layer, err := layerParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	snap, asOf, err := s.currentAsOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, knownAt, err := knownAtParam(c, snap, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	dated, dataAsOf := snap.FiguresAt(asOf)
	var known *geo.Result // the result as known on known_at
	if knownAt != "" {
		if known, dataAsOf, err = s.core.ResultKnown(c.Request.Context(), snap, asOf, knownAt); err != nil {
			s.fail(c, err)
			return
		}
		dated = map[geo.Layer][]geo.CommuneFigure{layer: known.Layer(layer).Breakdown(geo.KindAll).Communes}
	}
	figs, key := dated[layer], geo.KindAll
	var bd *geo.Breakdown
	if c.DefaultQuery("breakdown", geo.KindAll) != geo.KindAll {
		// One breakdown: of the current result, or of the one computed for
		// the day asked.
		res := snap.Result
		switch {
		case known != nil:
			res = known
		case asOf != "":
			if res, _, err = s.core.ResultAt(c.Request.Context(), snap, asOf); err != nil {
				s.fail(c, err)
				return
			}
		}
		if bd, err = breakdownParam(c, res.Layer(layer)); err != nil {
			s.fail(c, err)
			return
		}
		figs, key = bd.Communes, bd.Key
	}
	render := func() ([]byte, error) { return renderLayer(snap, layer, asOf, knownAt, dataAsOf, figs, bd) }
	if asOf == "" {
		s.serveCached(c, snap, "layer:"+string(layer)+":"+key, "application/geo+json", render)
		return
	}
	body, err := render()
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/geo+json", body)
}

// renderLayer is the layer's GeoJSON with the figures figs (communes in
// the snapshot's order) of breakdown bd (nil for all providers), as of a
// date ("" for now).
func renderLayer(snap *api.Snapshot, layer geo.Layer, asOf, knownAt, dataAsOf string, figs []geo.CommuneFigure, bd *geo.Breakdown) ([]byte, error) {
	fc := geojson.NewFeatureCollection()
	approximate := 0
	for i, cm := range snap.Communes {
		fig := figs[i]
		f := geojson.NewFeature(cm.Geometry)
		f.ID = cm.Code
		f.Properties = geojson.Properties{
			"code":               cm.Code,
			"name":               cm.Name,
			"type":               cm.Type,
			"parent_code":        cm.DistrictCode,
			"parent_name":        cm.District,
			"parent_level":       cm.ParentLevel,
			"population":         cm.Population,
			"population_covered": math.Round(fig.Covered),
			"share_covered":      round4(fig.Share),
			"status":             fig.Status,
			"boundary":           cm.Boundary,
			"remote":             snap.RemoteAt(i),
		}
		unitProperties(f.Properties, cm, snap.Carried(i))
		if cm.Boundary == geo.BoundaryApproximate {
			approximate++
		}
		fc.Append(f)
	}
	day := asOf
	if day == "" {
		day = snap.Day
	}
	members := gin.H{
		"layer":       layer,
		"computed_at": snap.ComputedAt,
		"method":      snap.Result.Method,
		"breakdown":   geo.KindAll,
	}
	if bd != nil {
		members["breakdown"] = bd.Key
		if bd.Value != "" {
			members["breakdown_value"] = bd.Value
		}
	}
	if knownAt != "" {
		members["known_at"] = knownAt
	}
	members["units"] = unitsMember(snap)
	fc.ExtraMembers = geojson.Properties(withDate(members, day, dataAsOf, geo.FilterAll, snap))
	if snap.RemoteSet().Source == seed.RemoteApproximate {
		fc.ExtraMembers["remote_note"] = seed.RemoteNote
	}
	if approximate > 0 {
		fc.ExtraMembers["boundary_note"] = boundaryNote
		fc.ExtraMembers["approximate_boundaries"] = approximate
	}
	return json.Marshal(fc)
}

// unitProperties adds to a commune's properties what its unit set says of
// it: district and district_code where the parent is a district (as before
// the 2025 reform), the set's own population where the figures count
// other people, and whether a declaration was carried from another set.
func unitProperties(p geojson.Properties, cm geo.Commune, carried bool) {
	if cm.ParentLevel == geo.ParentDistrict || cm.ParentLevel == "" {
		p["district_code"], p["district"] = cm.DistrictCode, cm.District
	}
	if cm.OwnPopulation != 0 && cm.OwnPopulation != cm.Population {
		p["population_own"] = cm.OwnPopulation
	}
	if carried {
		p["carried"] = true
	}
}

// unitsAnswer describes the unit set of an answer's figures.
type unitsAnswer struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ValidFrom   any    `json:"valid_from"` // YYYY-MM-DD or null
	ValidTo     any    `json:"valid_to"`   // YYYY-MM-DD or null
	ParentLevel string `json:"parent_level"`
	Chosen      string `json:"chosen"` // "date" or "request" (?units=)
	Units       int    `json:"units"`
}

// unitsMember describes the unit set of snap's figures.
func unitsMember(snap *api.Snapshot) unitsAnswer {
	u := snap.Set
	return unitsAnswer{ID: u.ID, Name: u.Name, ValidFrom: nullable(u.ValidFrom), ValidTo: nullable(u.ValidTo),
		ParentLevel: u.ParentLevel, Chosen: snap.SetChosen(), Units: len(snap.Communes)}
}

// nullable is s, or nil (JSON null) for "".
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// maxBreakdownKey bounds ?breakdown=; keys are a kind and a provider or
// technology name.
const maxBreakdownKey = 200

// breakdownParam reads ?breakdown= (default "all") and finds it among the
// layer's breakdowns; a key that is not one of them is a 400.
func breakdownParam(c *gin.Context, lr *geo.LayerResult) (*geo.Breakdown, error) {
	key := c.DefaultQuery("breakdown", geo.KindAll)
	var bd *geo.Breakdown
	if len(key) <= maxBreakdownKey {
		bd = lr.Breakdown(key)
	}
	if bd == nil {
		keys := make([]string, 0, len(lr.Breakdowns))
		for _, b := range lr.Breakdowns {
			keys = append(keys, b.Key)
		}
		if len(key) > maxBreakdownKey {
			key = key[:maxBreakdownKey] + "…"
		}
		return nil, invalid("breakdown %s is not one of layer %s's: %s", quote(key), lr.Layer, strings.Join(keys, ", "))
	}
	return bd, nil
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
