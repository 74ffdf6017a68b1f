package api

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// Limits of a what-if request.
const (
	maxWhatIfItems    = 100     // sites and polygons together
	minSiteRadiusM    = 10.0    // m
	maxSiteRadiusM    = 50000.0 // m
	maxWhatIfVertices = 10000   // per polygon item
	MaxWhatIfBody     = 1 << 20 // bytes
	whatIfProvider    = "whatif"
)

// WhatIfKind is what a hypothetical item is: its layer (default mobile),
// technology, provider (default "whatif") and, for broadcast, programme.
type WhatIfKind struct {
	Layer      geo.Layer `json:"layer"`
	Technology string    `json:"technology"`
	Provider   string    `json:"provider"`
	Programme  string    `json:"programme"`
}

// WhatIfSite is a hypothetical site: a circle of radius_m metres about
// (lon, lat) in EPSG:4326.
type WhatIfSite struct {
	Lon     *float64 `json:"lon"`
	Lat     *float64 `json:"lat"`
	RadiusM float64  `json:"radius_m"`
	WhatIfKind
}

// WhatIfPolygon is a hypothetical footprint: a GeoJSON Polygon or
// MultiPolygon geometry in EPSG:4326.
type WhatIfPolygon struct {
	Geometry json.RawMessage `json:"geometry"`
	WhatIfKind
}

// WhatIfRequest is a set of hypothetical footprints added to what is in
// force today.
type WhatIfRequest struct {
	Sites    []WhatIfSite    `json:"sites"`
	Polygons []WhatIfPolygon `json:"polygons"`

	footprints []geo.Footprint // made by Validate
}

// whatIfTechnologies are the technologies a hypothetical item may have in
// each layer (any case); broadcast takes any name with a programme.
var whatIfTechnologies = map[geo.Layer][]string{
	geo.Mobile:    {"2G", "3G", "4G", "5G"},
	geo.Phone:     {"fixed_line", "2G", "3G", "4G", "5G"},
	geo.Broadband: {"FTTH", "xDSL", "cable", "fixed_wireless"},
}

func (k *WhatIfKind) check(where string) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: "+format, append([]any{data.ErrInvalid, where}, args...)...)
	}
	if k.Layer == "" {
		k.Layer = geo.Mobile
	}
	if !k.Layer.Valid() {
		return bad("layer %q is not one of broadcast, phone, broadband, mobile", k.Layer)
	}
	if k.Provider == "" {
		k.Provider = whatIfProvider
	} else if err := data.ValidateProviderName(k.Provider); err != nil {
		return bad("%v", err)
	}
	if k.Layer == geo.Broadcast {
		if t := strings.TrimSpace(k.Technology); t == "" || len(t) > 40 {
			return bad("technology %q: name the broadcast technology, e.g. DVB-T2 or FM", k.Technology)
		}
		if k.Programme != "central" && k.Programme != "local" {
			return bad("programme %q: a broadcast item needs central or local", k.Programme)
		}
		return nil
	}
	if k.Programme != "" {
		return bad("programme is for broadcast items only")
	}
	if !slices.ContainsFunc(whatIfTechnologies[k.Layer], func(t string) bool { return strings.EqualFold(t, k.Technology) }) {
		return bad("technology %q: want one of %s for layer %s", k.Technology, strings.Join(whatIfTechnologies[k.Layer], ", "), k.Layer)
	}
	return nil
}

func (k WhatIfKind) footprint(mp orb.MultiPolygon) geo.Footprint {
	return geo.Footprint{Provider: k.Provider, Layer: k.Layer, Technology: k.Technology, Programme: k.Programme, Geometry: mp}
}

// Validate checks every item, ranges and counts included, and makes the
// footprints.
func (r *WhatIfRequest) Validate() error {
	n := len(r.Sites) + len(r.Polygons)
	if n == 0 || n > maxWhatIfItems {
		return fmt.Errorf("%w: %d sites and polygons: want 1 to %d", data.ErrInvalid, n, maxWhatIfItems)
	}
	r.footprints = r.footprints[:0]
	for i := range r.Sites {
		st := &r.Sites[i]
		where := fmt.Sprintf("sites[%d]", i)
		if err := st.check(where); err != nil {
			return err
		}
		switch {
		case st.Lon == nil || st.Lat == nil:
			return fmt.Errorf("%w: %s: lon and lat are needed", data.ErrInvalid, where)
		case !(*st.Lon >= -180 && *st.Lon <= 180) || !(*st.Lat >= -85 && *st.Lat <= 85):
			return fmt.Errorf("%w: %s: (%v, %v) is not a longitude −180…180 and latitude −85…85", data.ErrInvalid, where, *st.Lon, *st.Lat)
		case !(st.RadiusM >= minSiteRadiusM && st.RadiusM <= maxSiteRadiusM):
			return fmt.Errorf("%w: %s: radius_m %v: want %g to %g metres", data.ErrInvalid, where, st.RadiusM, minSiteRadiusM, maxSiteRadiusM)
		}
		r.footprints = append(r.footprints, st.footprint(orb.MultiPolygon{geo.Circle(orb.Point{*st.Lon, *st.Lat}, st.RadiusM)}))
	}
	for i := range r.Polygons {
		pg := &r.Polygons[i]
		where := fmt.Sprintf("polygons[%d]", i)
		if err := pg.check(where); err != nil {
			return err
		}
		mp, msg := geo.ReadPolygonal(pg.Geometry)
		if msg != "" {
			return fmt.Errorf("%w: %s: geometry %s", data.ErrInvalid, where, msg)
		}
		vertices := 0
		for _, p := range mp {
			for _, ring := range p {
				vertices += len(ring)
			}
		}
		if vertices > maxWhatIfVertices {
			return fmt.Errorf("%w: %s: %d vertices: at most %d", data.ErrInvalid, where, vertices, maxWhatIfVertices)
		}
		r.footprints = append(r.footprints, pg.footprint(mp))
	}
	return nil
}

// RollupChange is a district's or the province's figures before and after.
type RollupChange struct {
	Before geo.Rollup  `json:"before"`
	After  geo.Rollup  `json:"after"`
	Change RollupDelta `json:"change"`
}

// RollupDelta is the change of a rollup: after minus before.
type RollupDelta struct {
	Covered         float64 `json:"covered"`          // people
	Share           float64 `json:"share"`            // of people, 0–1
	CommunesReached int     `json:"communes_reached"` // at or above the covered threshold
}

func compareRollups(before, after geo.Rollup) RollupChange {
	return RollupChange{before, after, RollupDelta{after.Covered - before.Covered, after.Share - before.Share,
		after.CommunesReached - before.CommunesReached}}
}

// CommuneChange is a commune whose figures a what-if changes; people and
// shares (0–1) before and after.
type CommuneChange struct {
	Code          string     `json:"code"`
	Name          string     `json:"name"`
	District      string     `json:"district"`
	Population    int        `json:"population"`
	CoveredBefore float64    `json:"covered_before"`
	CoveredAfter  float64    `json:"covered_after"`
	Change        float64    `json:"change"` // people
	ShareBefore   float64    `json:"share_before"`
	ShareAfter    float64    `json:"share_after"`
	StatusBefore  geo.Status `json:"status_before"`
	StatusAfter   geo.Status `json:"status_after"`
}

// LayerChange is one layer's figures before and after a what-if.
type LayerChange struct {
	Province  RollupChange    `json:"province"`
	Districts []RollupChange  `json:"districts"`
	Communes  []CommuneChange `json:"communes"` // only those that change, most people first
}

// TargetChange is a target in force, evaluated before and after a what-if.
type TargetChange struct {
	ID          int64           `json:"id"`
	Layer       geo.Layer       `json:"layer"`
	TitleVI     string          `json:"title_vi"`
	TitleEN     string          `json:"title_en"`
	Goal        float64         `json:"goal"`
	Before      geo.TargetValue `json:"before"`
	After       geo.TargetValue `json:"after"`
	ValueChange float64         `json:"value_change"`
}

// WhatIfNote says what a what-if answer is.
const WhatIfNote = "Hypothetical: the items are added to the filings in force today; nothing is stored."

// WhatIfAnswer is the figures with hypothetical items added: per layer
// that changes or that the items are of, the province, district and
// changed-commune figures before, after and their change; and every target
// in force before and after.
type WhatIfAnswer struct {
	Note       string                    `json:"note"`
	Items      int                       `json:"items"`
	ComputedAt string                    `json:"computed_at"`
	DataAsOf   string                    `json:"data_as_of"`
	Method     geo.Method                `json:"method"`
	Layers     map[geo.Layer]LayerChange `json:"layers"`
	Targets    []TargetChange            `json:"targets"`
}

// WhatIf adds the request's hypothetical sites and polygons to what is in
// force today and answers the figures with their change. Nothing is
// stored. Only the items are rasterised and only the communes they touch
// are recounted, on the coverage kept from the last recompute; the figures
// equal those of a full recompute with the items filed. A request that
// fails Validate is an error wrapping data.ErrInvalid.
func (s *Service) WhatIf(ctx context.Context, req *WhatIfRequest) (*WhatIfAnswer, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	snap, err := s.Current()
	if err != nil {
		return nil, err
	}
	after, err := snap.whatIf(req.footprints)
	if err != nil {
		return nil, err
	}
	return snap.whatIfAnswer(req, after), nil
}

// whatIfAnswer compares after, the figures with the request's items, with
// the snapshot's.
func (snap *Snapshot) whatIfAnswer(req *WhatIfRequest, after *geo.Result) *WhatIfAnswer {
	filed := map[geo.Layer]bool{}
	for _, f := range req.footprints {
		filed[f.Layer] = true
	}
	layers := map[geo.Layer]LayerChange{}
	for _, l := range geo.Layers {
		b, a := snap.Result.Layer(l).Breakdown(geo.KindAll), after.Layer(l).Breakdown(geo.KindAll)
		lc := LayerChange{Province: compareRollups(b.Province, a.Province), Communes: []CommuneChange{}}
		for i, fb := range b.Communes {
			fa := a.Communes[i]
			if math.Abs(fa.Covered-fb.Covered) < 1e-9 && math.Abs(fa.Share-fb.Share) < 1e-12 {
				continue
			}
			cm := snap.Communes[i]
			lc.Communes = append(lc.Communes, CommuneChange{cm.Code, cm.Name, cm.District, cm.Population, fb.Covered, fa.Covered,
				fa.Covered - fb.Covered, fb.Share, fa.Share, fb.Status, fa.Status})
		}
		if len(lc.Communes) == 0 && !filed[l] {
			continue
		}
		slices.SortStableFunc(lc.Communes, func(x, y CommuneChange) int { return cmp.Compare(y.Change, x.Change) })
		for k := range b.Districts {
			lc.Districts = append(lc.Districts, compareRollups(b.Districts[k], a.Districts[k]))
		}
		layers[l] = lc
	}
	targets := []TargetChange{}
	for i, tr := range snap.plan.targets {
		t := tr.target
		if t.Retired() {
			continue
		}
		before := snap.plan.today(snap, i)
		a := before
		if _, changed := layers[t.Layer]; changed {
			a = t.Evaluate(after.Layer(t.Layer).Breakdown(geo.KindAll).Communes, snap.plan.scope)
		}
		targets = append(targets, TargetChange{t.ID, t.Layer, t.TitleVI, t.TitleEN, t.Value, before, a, a.Value - before.Value})
	}
	return &WhatIfAnswer{Note: WhatIfNote, Items: len(req.footprints), ComputedAt: snap.ComputedAt, DataAsOf: snap.Day,
		Method: after.Method, Layers: layers, Targets: targets}
}

// whatIf returns the figures (the KindAll breakdown of every layer) with
// extra footprints added to those in force on the snapshot's day: only the
// extra footprints are rasterised, on the coverage kept by the recompute.
func (snap *Snapshot) whatIf(extra []geo.Footprint) (*geo.Result, error) {
	return snap.base.WhatIf(extra)
}
