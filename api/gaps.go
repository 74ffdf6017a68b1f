package api

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/geo"
)

// gapRules say how the gap list and the plan are made.
var gapRules = gin.H{
	"ranking": "Communes with people not covered (population − people covered, all providers together), most first; ties by code. " +
		"Fully covered communes and communes of population 0 are left out.",
	"plan": "The smallest set of communes whose full coverage would meet the target, chosen greedily: for a population target, " +
		"by people not covered, most first, until the gap is closed (largest first needs the fewest communes); for a communes target, " +
		"the communes still needed, among those not reached, with the fewest people not covered (any of them meet it; these add the fewest people). " +
		"Only communes the request's district and remote filters keep are chosen; all communes the target counts stay in its value.",
}

type gapRow struct {
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

type planAnswer struct {
	TargetID    int64    `json:"target_id"`
	Communes    []string `json:"communes"` // codes, in the order chosen
	PeopleAdded float64  `json:"people_added"`
	ValueBefore float64  `json:"value_before"`
	ValueAfter  float64  `json:"value_after"`
	Meets       bool     `json:"meets"`
}

// districtParam reads ?district= as a district code or name (any case) and
// returns the code; it answers 400 itself when no district matches.
func districtParam(c *gin.Context, snap *snapshot) (string, bool) {
	v := strings.TrimSpace(c.Query("district"))
	if v == "" {
		return "", true
	}
	for _, cm := range snap.communes {
		if cm.DistrictCode == v || strings.EqualFold(cm.District, v) {
			return cm.DistrictCode, true
		}
	}
	writeProblem(c, http.StatusBadRequest, "district "+quote(v)+": no such district code or name")
	return "", false
}

// gapTarget picks the target of the plan: ?target=ID, which must be of the
// layer, or else the first target in force of the layer; nil when the
// layer has none. It answers 400 itself for a bad ?target.
func gapTarget(c *gin.Context, snap *snapshot, layer geo.Layer) (*geo.Target, bool) {
	if v := c.Query("target"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		for _, tr := range snap.plan.targets {
			if err == nil && tr.target.ID == id && tr.target.Layer == layer {
				return &tr.target, true
			}
		}
		writeProblem(c, http.StatusBadRequest, "target "+quote(v)+": no target of layer "+string(layer)+" with that id")
		return nil, false
	}
	for _, tr := range snap.plan.targets {
		if tr.target.Layer == layer && !tr.target.Retired() {
			return &tr.target, true
		}
	}
	return nil, true
}

// handleGaps ranks the communes of a layer by people not covered, and
// gives the smallest set of them whose full coverage would meet the
// layer's target. ?district=, ?remote=true|false and ?as_of= narrow it,
// ?target=ID picks the target and ?limit=N shortens the list.
func (s *Server) handleGaps(c *gin.Context) {
	snap, asOf, ok := s.currentAsOf(c)
	if !ok {
		return
	}
	layer := geo.Layer(c.Query("layer"))
	if !layer.Valid() {
		writeProblem(c, http.StatusBadRequest, "layer "+quote(string(layer))+": want broadcast, phone, broadband or mobile")
		return
	}
	filter, ok := remoteParam(c)
	if !ok {
		return
	}
	district, ok := districtParam(c, snap)
	if !ok {
		return
	}
	target, ok := gapTarget(c, snap, layer)
	if !ok {
		return
	}
	limit := len(snap.communes)
	if v := c.Query("limit"); v != "" {
		var err error
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 10000 {
			writeProblem(c, http.StatusBadRequest, "limit "+quote(v)+": want a whole number from 1 to 10000")
			return
		}
	}
	keep := func(i int) bool {
		return filter.Keeps(snap.plan.remote[i]) && (district == "" || snap.communes[i].DistrictCode == district)
	}
	figs, dataAsOf := snap.figuresAt(asOf)
	gaps := geo.RankGaps(figs[layer], keep)
	out := gin.H{"layer": layer, "computed_at": snap.computedAt, "rules": gapRules, "target": nil, "plan": nil,
		"remote_set": snap.plan.remoteInfo()}
	inPlan := map[string]bool{}
	if target != nil {
		p := target.Plan(figs[layer], snap.plan.remote, keep)
		pa := planAnswer{TargetID: target.ID, Communes: []string{}, PeopleAdded: math.Round(p.PeopleAdded),
			ValueBefore: round4(target.Evaluate(figs[layer], snap.plan.remote).Value), ValueAfter: round4(p.ValueAfter), Meets: p.Meets}
		for _, g := range p.Communes {
			pa.Communes = append(pa.Communes, g.Code)
			inPlan[g.Code] = true
		}
		out["target"], out["plan"] = target, pa
	}
	rows := []gapRow{}
	total := 0.0
	for k, g := range gaps {
		total += g.Uncovered
		if k >= limit {
			continue
		}
		cm := snap.communes[g.Index]
		rows = append(rows, gapRow{Rank: k + 1, Code: g.Code, Name: cm.Name, DistrictCode: cm.DistrictCode, District: cm.District,
			Population: g.Population, PeopleCovered: math.Round(g.Covered), PeopleNotCovered: math.Round(g.Uncovered),
			ShareCovered: round4(g.Share), Status: string(g.Status), Remote: snap.plan.remote[g.Index], InPlan: inPlan[g.Code]})
	}
	out["communes"] = rows
	out["total"] = gin.H{"communes": len(gaps), "people_not_covered": math.Round(total)}
	if district != "" {
		out["district"] = district
	}
	c.JSON(http.StatusOK, withDate(out, asOf, dataAsOf, filter, snap))
}
