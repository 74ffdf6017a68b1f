package rest

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

// gapRules say how the gap list and the plan are made.
var gapRules = map[string]string{
	"ranking": "Communes with people not covered (population − people covered, all providers together), most first; ties by code. " +
		"Fully covered communes and communes of population 0 are left out.",
	"plan": "The smallest set of communes whose full coverage would meet the target, chosen greedily: for a population target, " +
		"by people not covered, most first, until the gap is closed (largest first needs the fewest communes); for a communes target, " +
		"the communes still needed, among those not reached, with the fewest people not covered (any of them meet it; these add the fewest people). " +
		"Only communes the request's district and remote filters keep are chosen; all communes the target counts stay in its value.",
}

// gapsAnswer is the answer of /api/v1/gaps.
type gapsAnswer struct {
	Layer      geo.Layer         `json:"layer"`
	ComputedAt string            `json:"computed_at"`
	Rules      map[string]string `json:"rules"`
	Target     *geo.Target       `json:"target"`
	Plan       *api.Plan         `json:"plan"`
	RemoteSet  api.RemoteSet     `json:"remote_set"`
	Communes   []api.GapRow      `json:"communes"`
	Total      api.GapsTotal     `json:"total"`
	District   string            `json:"district,omitempty"`
	dated
}

// handleGaps ranks the communes of a layer by people not covered, and
// gives the smallest set of them whose full coverage would meet the
// layer's target. ?district=, ?remote=true|false and ?as_of= narrow it,
// ?target=ID picks the target and ?limit=N shortens the list.
func (s *Server) handleGaps(c *gin.Context) {
	q, snap, err := s.gapsQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	g, err := snap.Gaps(q)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gapsAnswer{Layer: q.Layer, ComputedAt: snap.ComputedAt, Rules: gapRules, Target: g.Target, Plan: g.Plan,
		RemoteSet: snap.RemoteSet(), Communes: g.Communes, Total: g.Total, District: q.District,
		dated: withKnown(newDated(q.AsOf, g.DataAsOf, q.Filter, snap), q.KnownAt)})
}

// gapsQuery reads the parameters of /api/v1/gaps.
func (s *Server) gapsQuery(c *gin.Context) (api.GapsQuery, *api.Snapshot, error) {
	var q api.GapsQuery
	snap, asOf, err := s.currentAsOf(c)
	if err != nil {
		return q, nil, err
	}
	q.AsOf = asOf
	if q.Layer, err = layerQuery(c); err != nil {
		return q, nil, err
	}
	if q.Filter, err = remoteParam(c); err != nil {
		return q, nil, err
	}
	if v := strings.TrimSpace(c.Query("district")); v != "" {
		if q.District, err = snap.DistrictCode(v); err != nil {
			return q, nil, err
		}
	}
	if q.Province, err = provinceParam(c, snap); err != nil {
		return q, nil, err
	}
	if v := c.Query("target"); v != "" {
		if q.TargetID, err = strconv.ParseInt(v, 10, 64); err != nil || q.TargetID <= 0 {
			return q, nil, invalid("target %s: no target of layer %s with that id", quote(v), q.Layer)
		}
	}
	asOf, knownAt, err := knownAtParam(c, snap, q.AsOf)
	if err != nil {
		return q, nil, err
	}
	if knownAt != "" {
		res, dataAsOf, err := s.core.ResultKnown(c.Request.Context(), snap, asOf, knownAt)
		if err != nil {
			return q, nil, err
		}
		q.AsOf, q.KnownAt, q.DataAsOf = asOf, knownAt, dataAsOf
		q.Figures = map[geo.Layer][]geo.CommuneFigure{q.Layer: res.Layer(q.Layer).Breakdown(geo.KindAll).Communes}
	}
	if v := c.Query("limit"); v != "" {
		if q.Limit, err = strconv.Atoi(v); err != nil || q.Limit < 1 || q.Limit > 10000 {
			return q, nil, invalid("limit %s: want a whole number from 1 to 10000", quote(v))
		}
	}
	return q, snap, nil
}
