package rest

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

// summaryBreakdowns are the values of ?breakdown= and the kinds of
// breakdown each one lists besides the union of all providers.
var summaryBreakdowns = map[string][]string{
	"":           nil,
	"provider":   {geo.KindProvider, geo.KindLargest, geo.KindMulti},
	"technology": {geo.KindTechnology},
}

// summaryAll is the province figures of every layer.
type summaryAll struct {
	ComputedAt string                   `json:"computed_at"`
	Method     geo.Method               `json:"method"`
	Layers     map[geo.Layer]geo.Rollup `json:"layers"`
	// Demo is whether demonstration filings are in force on data_as_of:
	// the page then says plainly that the figures are not real coverage.
	Demo  bool        `json:"demo"`
	Units unitsAnswer `json:"units"`
	dated
}

// summaryLayer is one layer's province and district figures, with its
// breakdowns when asked for.
type summaryLayer struct {
	Layer      geo.Layer     `json:"layer"`
	ComputedAt string        `json:"computed_at"`
	Method     geo.Method    `json:"method"`
	Province   geo.Rollup    `json:"province"`
	Districts  []geo.Rollup  `json:"districts"`
	Breakdowns []summaryItem `json:"breakdowns,omitempty"`
	// Units is the unit set of the figures; its parent_level names what
	// Districts are: districts before 2025, the province after.
	Units unitsAnswer `json:"units"`
	Demo  bool        `json:"demo"` // as in summaryAll
	dated
}

// summaryItem is one breakdown's province and district figures.
type summaryItem struct {
	Key       string       `json:"key"`
	Kind      string       `json:"kind"`
	Value     string       `json:"value,omitempty"`
	Province  geo.Rollup   `json:"province"`
	Districts []geo.Rollup `json:"districts"`
}

// handleSummary answers the province and district figures of one layer
// (or the province figures of every layer when no layer is named), with the
// method, and with ?breakdown=provider|technology the same per provider or
// technology; ?as_of=YYYY-MM-DD as things stood then, ?remote=true|false
// summed over the remote communes or the others only, ?province=25 over
// one province's (a national store).
func (s *Server) handleSummary(c *gin.Context) {
	kinds, ok := summaryBreakdowns[c.Query("breakdown")]
	if !ok {
		s.fail(c, invalid("breakdown %s: want provider or technology", quote(c.Query("breakdown"))))
		return
	}
	snap, asOf, err := s.currentAsOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	filter, err := remoteParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, knownAt, err := knownAtParam(c, snap, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	var layer geo.Layer
	if c.Query("layer") != "" {
		if layer, err = layerQuery(c); err != nil {
			s.fail(c, err)
			return
		}
	}
	res, dataAsOf, err := s.core.ResultKnown(c.Request.Context(), snap, asOf, knownAt)
	if err != nil {
		s.fail(c, err)
		return
	}
	province, err := provinceParam(c, snap)
	if err != nil {
		s.fail(c, err)
		return
	}
	rollups := func(l geo.Layer, b *geo.Breakdown) ([]geo.Rollup, geo.Rollup) {
		if filter == geo.FilterAll && province == "" {
			return b.Districts, b.Province
		}
		return snap.Surface.Rollups(l, b.Communes, snap.Keeps(filter, province), snap.Options())
	}
	d := newDated(asOf, dataAsOf, filter, snap)
	d.KnownAt = knownAt
	demo, err := s.demoInForce(c, dataAsOf, knownAt)
	if err != nil {
		s.fail(c, err)
		return
	}
	if layer == "" {
		out := summaryAll{ComputedAt: snap.ComputedAt, Method: res.Method, Layers: map[geo.Layer]geo.Rollup{}, Demo: demo, dated: d, Units: unitsMember(snap)}
		for _, l := range geo.Layers {
			_, out.Layers[l] = rollups(l, res.Layer(l).Breakdown(geo.KindAll))
		}
		s.answerSummary(c, snap, asOf, "summary::"+string(filter)+":"+province, out)
		return
	}
	lr := res.Layer(layer)
	out := summaryLayer{Layer: layer, ComputedAt: snap.ComputedAt, Method: res.Method, Demo: demo, dated: d, Units: unitsMember(snap)}
	out.Districts, out.Province = rollups(layer, lr.Breakdown(geo.KindAll))
	for _, b := range lr.Breakdowns {
		for _, k := range kinds {
			if b.Kind == k {
				districts, province := rollups(layer, &b)
				out.Breakdowns = append(out.Breakdowns, summaryItem{b.Key, b.Kind, b.Value, province, districts})
			}
		}
	}
	s.answerSummary(c, snap, asOf, "summary:"+string(layer)+":"+c.Query("breakdown")+":"+string(filter)+":"+province, out)
}

// answerSummary answers a summary; today's are rendered once per recompute
// (key names the validated parameters) and served with an ETag and gzip.
func (s *Server) answerSummary(c *gin.Context, snap *api.Snapshot, asOf, key string, out any) {
	render := func() ([]byte, error) { return json.Marshal(out) }
	if asOf == "" && c.Query("known_at") == "" {
		s.serveCached(c, snap, key, "application/json; charset=utf-8", render)
		return
	}
	body, err := render()
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

// demoInForce tells whether any demonstration filing gives coverage on day
// (YYYY-MM-DD; "" before any filing, when none can) as known on knownAt.
func (s *Server) demoInForce(c *gin.Context, day, knownAt string) (bool, error) {
	if day == "" {
		return false, nil
	}
	fs, err := s.store.FilingsInForceKnown(c.Request.Context(), day, knownAt)
	if err != nil {
		return false, err
	}
	for _, f := range fs {
		if f.Demo {
			return true, nil
		}
	}
	return false, nil
}

// provinceParam reads ?province=, a province of the snapshot's units by
// its GSO code; "" when absent.
func provinceParam(c *gin.Context, snap *api.Snapshot) (string, error) {
	code := c.Query("province")
	if code == "" {
		return "", nil
	}
	var known []string
	for _, p := range snap.Provinces() {
		if p.Code == code {
			return code, nil
		}
		known = append(known, p.Code+" ("+p.Name+")")
	}
	return "", invalid("province %s: no unit of the figures is in it; the provinces are %s", quote(code), strings.Join(known, ", "))
}
