package api

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"

	"github.com/phusong/phusong/geo"
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
	c.JSON(http.StatusOK, gin.H{"layers": layerInfos})
}

// layerParam reads and checks the :layer path parameter against the four
// layers; it answers 404 itself when the layer is unknown.
func layerParam(c *gin.Context) (geo.Layer, bool) {
	l := geo.Layer(c.Param("layer"))
	if !l.Valid() {
		writeProblem(c, http.StatusNotFound, "unknown layer "+quote(string(l))+": want broadcast, phone, broadband or mobile")
		return "", false
	}
	return l, true
}

// boundaryNote is said with every commune geometry that is approximate.
const boundaryNote = "Commune shapes marked boundary=approximate are computed by Phủ Sóng from each commune's interior point and area; they are not official boundaries. Ranh giới đánh dấu approximate là hình gần đúng, không phải ranh giới chính thức."

// handleLayerCommunes answers the layer as GeoJSON, one feature per commune
// with the figures in its properties: those of the union of all providers,
// or with ?breakdown=KEY those of one breakdown of the layer (a key of
// GET /api/v1/summary?breakdown=…: "provider:viettel", "technology:4G",
// "largest", "multi", "programme:local").
func (s *Server) handleLayerCommunes(c *gin.Context) {
	layer, ok := layerParam(c)
	if !ok {
		return
	}
	snap, err := s.cov.current()
	if err != nil {
		s.fail(c, err)
		return
	}
	bd, ok := breakdownParam(c, snap.result.Layer(layer))
	if !ok {
		return
	}
	fc := geojson.NewFeatureCollection()
	approximate := 0
	for i, cm := range snap.communes {
		fig := bd.Communes[i]
		f := geojson.NewFeature(cm.Geometry)
		f.ID = cm.Code
		f.Properties = geojson.Properties{
			"code":               cm.Code,
			"name":               cm.Name,
			"type":               cm.Type,
			"district_code":      cm.DistrictCode,
			"district":           cm.District,
			"population":         cm.Population,
			"population_covered": math.Round(fig.Covered),
			"share_covered":      round4(fig.Share),
			"status":             fig.Status,
			"boundary":           cm.Boundary,
		}
		if cm.Boundary == geo.BoundaryApproximate {
			approximate++
		}
		fc.Append(f)
	}
	fc.ExtraMembers = geojson.Properties{
		"layer":       layer,
		"computed_at": snap.computedAt,
		"method":      snap.result.Method,
		"breakdown":   bd.Key,
	}
	if bd.Value != "" {
		fc.ExtraMembers["breakdown_value"] = bd.Value
	}
	if approximate > 0 {
		fc.ExtraMembers["boundary_note"] = boundaryNote
		fc.ExtraMembers["approximate_boundaries"] = approximate
	}
	body, err := json.Marshal(fc)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/geo+json", body)
}

// maxBreakdownKey bounds ?breakdown=; keys are a kind and a provider or
// technology name.
const maxBreakdownKey = 200

// breakdownParam reads ?breakdown= (default "all") and finds it among the
// layer's breakdowns; it answers 400 itself when the key is not one of them.
func breakdownParam(c *gin.Context, lr *geo.LayerResult) (*geo.Breakdown, bool) {
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
		writeProblem(c, http.StatusBadRequest, "breakdown "+quote(key)+" is not one of layer "+string(lr.Layer)+"'s: "+strings.Join(keys, ", "))
		return nil, false
	}
	return bd, true
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
