package api

import (
	"fmt"
	"math"
	"strings"

	"github.com/phusong/phusong/geo"
)

// GapsQuery says which gaps to list: the communes of Layer as of AsOf
// ("" for now) that Filter and District (a district code, "" for all)
// keep, the first Limit of them (0: all), and the plan for TargetID (0:
// the first target in force of the layer).
type GapsQuery struct {
	Layer    geo.Layer
	AsOf     string
	Filter   geo.Filter
	District string
	// Province limits the communes to one province (GSO code); "" takes
	// the target's territory, if it has one.
	Province string
	TargetID int64
	Limit    int
	// Figures, when not nil, are the per-commune figures to rank (e.g. as
	// known on an earlier day); nil: the snapshot's as of AsOf.
	Figures  map[geo.Layer][]geo.CommuneFigure
	DataAsOf string // the date of Figures' data
	KnownAt  string // the day Figures were known on, "" for today
}

// GapRow is a commune with people not covered; people are rounded to
// whole people and shares (0–1) to 4 decimals.
type GapRow struct {
	Rank             int     `json:"rank"`
	Code             string  `json:"code"`
	Name             string  `json:"name"`
	DistrictCode     string  `json:"district_code"`
	District         string  `json:"district"`
	Population       int     `json:"population"`
	PeopleCovered    float64 `json:"people_covered"`
	PeopleNotCovered float64 `json:"people_not_covered"`
	ShareCovered     float64 `json:"share_covered"`
	Status           string  `json:"status"`
	Remote           bool    `json:"remote"`
	InPlan           bool    `json:"in_plan"`
}

// Plan is the smallest set of communes whose full coverage would meet a
// target, and what it would add.
type Plan struct {
	TargetID    int64    `json:"target_id"`
	Communes    []string `json:"communes"` // codes, in the order chosen
	PeopleAdded float64  `json:"people_added"`
	ValueBefore float64  `json:"value_before"`
	ValueAfter  float64  `json:"value_after"`
	Meets       bool     `json:"meets"`
}

// GapsTotal counts every gap the query keeps, past its limit too.
type GapsTotal struct {
	Communes         int     `json:"communes"`
	PeopleNotCovered float64 `json:"people_not_covered"`
}

// Gaps is the communes ranked by people not covered, with the plan for the
// layer's target (nil when the layer has none) and the date of the data.
type Gaps struct {
	Target   *geo.Target
	Plan     *Plan
	Communes []GapRow
	Total    GapsTotal
	DataAsOf string
}

// DistrictCode returns the code of the district whose code or name (any
// case) is v; an unknown district is an error wrapping data.ErrInvalid.
func (snap *Snapshot) DistrictCode(v string) (string, error) {
	for _, cm := range snap.Communes {
		if cm.DistrictCode == v || strings.EqualFold(cm.District, v) {
			return cm.DistrictCode, nil
		}
	}
	return "", Invalidf("district %s: no such district code or name", quote(v))
}

// gapTarget picks the target of the plan: id, which must be of the layer,
// or for id 0 the first target in force of the layer; nil when it has
// none.
func (snap *Snapshot) gapTarget(id int64, layer geo.Layer) (*geo.Target, error) {
	for _, tr := range snap.plan.targets {
		if (id != 0 && tr.target.ID == id && tr.target.Layer == layer) || (id == 0 && tr.target.Layer == layer && !tr.target.Retired()) {
			t := tr.target
			return &t, nil
		}
	}
	if id != 0 {
		return nil, Invalidf("target %s: no target of layer %s with that id", quote(fmt.Sprint(id)), layer)
	}
	return nil, nil
}

// Gaps ranks the communes of a layer by people not covered and gives the
// smallest set of them whose full coverage would meet the layer's target
// (geo.RankGaps and geo.Target.Plan). A target that is not of the layer is
// an error wrapping data.ErrInvalid.
func (snap *Snapshot) Gaps(q GapsQuery) (*Gaps, error) {
	target, err := snap.gapTarget(q.TargetID, q.Layer)
	if err != nil {
		return nil, err
	}
	province := q.Province
	if province == "" && target != nil {
		province = target.Territory
	}
	inScope := snap.Keeps(q.Filter, province)
	keep := func(i int) bool {
		return (inScope == nil || inScope(i)) && (q.District == "" || snap.Communes[i].DistrictCode == q.District)
	}
	figs, dataAsOf := snap.FiguresAt(q.AsOf)
	if q.Figures != nil {
		figs, dataAsOf = q.Figures, q.DataAsOf
	}
	ranked := geo.RankGaps(figs[q.Layer], keep)
	out := &Gaps{Target: target, Communes: []GapRow{}, DataAsOf: dataAsOf}
	inPlan := map[string]bool{}
	if target != nil {
		p := target.Plan(figs[q.Layer], snap.plan.scope, keep)
		out.Plan = &Plan{TargetID: target.ID, Communes: []string{}, PeopleAdded: math.Round(p.PeopleAdded),
			ValueBefore: round4(target.Evaluate(figs[q.Layer], snap.plan.scope).Value), ValueAfter: round4(p.ValueAfter), Meets: p.Meets}
		for _, g := range p.Communes {
			out.Plan.Communes = append(out.Plan.Communes, g.Code)
			inPlan[g.Code] = true
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = len(ranked)
	}
	total := 0.0
	for k, g := range ranked {
		total += g.Uncovered
		if k >= limit {
			continue
		}
		cm := snap.Communes[g.Index]
		out.Communes = append(out.Communes, GapRow{Rank: k + 1, Code: g.Code, Name: cm.Name, DistrictCode: cm.DistrictCode, District: cm.District,
			Population: g.Population, PeopleCovered: math.Round(g.Covered), PeopleNotCovered: math.Round(g.Uncovered),
			ShareCovered: round4(g.Share), Status: string(g.Status), Remote: snap.RemoteAt(g.Index), InPlan: inPlan[g.Code]})
	}
	out.Total = GapsTotal{Communes: len(ranked), PeopleNotCovered: math.Round(total)}
	return out, nil
}

// round4 rounds a share to 4 decimals, as every answer gives it.
func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
