package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// targetRules say how the target figures are read; every targets answer
// carries them.
var targetRules = gin.H{
	"population": "Measure 'population': people covered ÷ people, over the communes the target's filter keeps (all providers together).",
	"reached": "Measure 'communes': a commune is reached when its share of people covered is at least the target's threshold " +
		"(the seeded targets use 0.5: at least half its people; the calculator's 'covered' status is a different, stricter 0.95).",
	"filter":       "filter '' counts every commune, remote ones included; 'remote' only communes marked remote; 'not_remote' the others.",
	"met":          "Met when the value reaches the target's value; a filter that keeps no commune is never met.",
	"gap_people":   "Population target: people still to cover to meet it. Communes target: people not covered in the communes of the smallest set that would meet it.",
	"gap_communes": "The number of communes in the smallest set whose full coverage would meet the target (see /api/v1/gaps: greedy by people not covered).",
	"history":      "The value on every date a filing took effect (its as_of), computed from the filings then in force on today's communes.",
	"forecast":     geo.ForecastMethod,
}

// targetAnswer is a target with where it stands, its history and its
// forecast.
type targetAnswer struct {
	geo.Target
	Current geo.TargetValue `json:"current"`
	// RemoteCommunes is the same measure over the remote communes alone,
	// for a target counting every commune.
	RemoteCommunes *geo.TargetValue `json:"remote_communes,omitempty"`
	History        []historyPoint   `json:"history"`
	Forecast       targetForecast   `json:"forecast"`
}

type historyPoint struct {
	Date        string  `json:"date"`
	Value       float64 `json:"value"`
	Met         bool    `json:"met"`
	GapPeople   float64 `json:"gap_people"`
	GapCommunes int     `json:"gap_communes"`
}

type targetForecast struct {
	geo.Forecast
	// OnTrack says whether the target is met, or forecast to be met, by
	// its deadline.
	OnTrack bool `json:"on_track"`
}

// answerTarget says where tr stood on asOf ("" for now).
func (snap *snapshot) answerTarget(tr targetTrack, asOf string) targetAnswer {
	t := tr.target
	i := snap.plan.at(asOf)
	figs, _ := snap.figuresAt(asOf)
	a := targetAnswer{Target: t, History: []historyPoint{}}
	if i >= 0 {
		a.Current = tr.values[i]
	} else {
		a.Current = t.Evaluate(figs[t.Layer], snap.plan.remote)
	}
	if t.Filter == geo.FilterAll {
		rt := t
		rt.Filter = geo.FilterRemote
		v := rt.Evaluate(figs[t.Layer], snap.plan.remote)
		a.RemoteCommunes = &v
	}
	var points []geo.TrendPoint
	for k := 0; k <= i; k++ {
		v := tr.values[k]
		day := snap.plan.history[k].asOf
		a.History = append(a.History, historyPoint{day, v.Value, v.Met, v.GapPeople, v.GapCommunes})
		points = append(points, geo.TrendPoint{Date: day, Value: v.Value})
	}
	if a.Current.Met {
		a.Forecast.Forecast = geo.MetForecast()
	} else {
		a.Forecast.Forecast = geo.TrendForecast(points, t.Value)
	}
	a.Forecast.OnTrack = a.Current.Met || a.Forecast.Outcome == geo.OutcomeForecast && a.Forecast.Date <= t.Deadline
	return a
}

// handleTargets lists the targets in force (with ?retired=true the retired
// ones too), each with its value now or ?as_of=YYYY-MM-DD, whether it is
// met, its gap, history and forecast.
func (s *Server) handleTargets(c *gin.Context) {
	snap, asOf, ok := s.currentAsOf(c)
	if !ok {
		return
	}
	retired := c.Query("retired")
	if retired != "" && retired != "true" && retired != "false" {
		writeProblem(c, http.StatusBadRequest, "retired "+quote(retired)+": want true or false")
		return
	}
	out := []targetAnswer{}
	for _, tr := range snap.plan.targets {
		if !tr.target.Retired() || retired == "true" {
			out = append(out, snap.answerTarget(tr, asOf))
		}
	}
	_, dataAsOf := snap.figuresAt(asOf)
	c.JSON(http.StatusOK, withDate(gin.H{
		"computed_at": snap.computedAt,
		"targets":     out,
		"remote_set":  snap.plan.remoteInfo(),
		"rules":       targetRules,
	}, asOf, dataAsOf, geo.FilterAll, snap))
}

// targetParam reads the :id path parameter; it answers 404 itself when
// there is no such target in the snapshot.
func targetParam(c *gin.Context, snap *snapshot) (targetTrack, bool) {
	id, ok := targetID(c)
	if !ok {
		return targetTrack{}, false
	}
	for _, tr := range snap.plan.targets {
		if tr.target.ID == id {
			return tr, true
		}
	}
	writeProblem(c, http.StatusNotFound, "no target "+quote(c.Param("id")))
	return targetTrack{}, false
}

// handleTarget answers one target, retired or not, like handleTargets.
func (s *Server) handleTarget(c *gin.Context) {
	snap, asOf, ok := s.currentAsOf(c)
	if !ok {
		return
	}
	tr, ok := targetParam(c, snap)
	if !ok {
		return
	}
	_, dataAsOf := snap.figuresAt(asOf)
	c.JSON(http.StatusOK, withDate(gin.H{"computed_at": snap.computedAt, "target": snap.answerTarget(tr, asOf),
		"rules": targetRules}, asOf, dataAsOf, geo.FilterAll, snap))
}

// targetRequest creates a target; every field but source is needed.
type targetRequest struct {
	Layer     geo.Layer   `json:"layer"`
	Measure   geo.Measure `json:"measure"`
	Value     float64     `json:"value"`
	Threshold float64     `json:"threshold"`
	Deadline  string      `json:"deadline"`
	Filter    geo.Filter  `json:"filter"`
	TitleVI   string      `json:"title_vi"`
	TitleEN   string      `json:"title_en"`
	Source    string      `json:"source"`
}

func (r targetRequest) target() geo.Target {
	return geo.Target{Layer: r.Layer, Measure: r.Measure, Value: r.Value, Threshold: r.Threshold, Deadline: r.Deadline,
		Filter: r.Filter, TitleVI: r.TitleVI, TitleEN: r.TitleEN, Source: r.Source}
}

// Validate checks the target the request describes.
func (r targetRequest) Validate() error { return r.target().Validate() }

// targetPatch changes some fields of a target; absent fields stay.
type targetPatch struct {
	Layer     *geo.Layer   `json:"layer"`
	Measure   *geo.Measure `json:"measure"`
	Value     *float64     `json:"value"`
	Threshold *float64     `json:"threshold"`
	Deadline  *string      `json:"deadline"`
	Filter    *geo.Filter  `json:"filter"`
	TitleVI   *string      `json:"title_vi"`
	TitleEN   *string      `json:"title_en"`
	Source    *string      `json:"source"`
}

// Validate checks that the patch changes something; the changed target is
// checked whole before it is stored.
func (p targetPatch) Validate() error {
	if p == (targetPatch{}) {
		return fmt.Errorf("%w: %s", data.ErrInvalid, "the body changes nothing: name at least one field of the target")
	}
	return nil
}

func (p targetPatch) apply(t *geo.Target) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	if p.Layer != nil {
		t.Layer = *p.Layer
	}
	if p.Measure != nil {
		t.Measure = *p.Measure
		if t.Measure == geo.MeasurePopulation && p.Threshold == nil {
			t.Threshold = 0 // a population target has none
		}
	}
	if p.Value != nil {
		t.Value = *p.Value
	}
	if p.Threshold != nil {
		t.Threshold = *p.Threshold
	}
	if p.Filter != nil {
		t.Filter = *p.Filter
	}
	set(&t.Deadline, p.Deadline)
	set(&t.TitleVI, p.TitleVI)
	set(&t.TitleEN, p.TitleEN)
	set(&t.Source, p.Source)
}

func (s *Server) handleTargetAdd(c *gin.Context) {
	var req targetRequest
	if !bindJSON(c, &req) {
		return
	}
	if err := req.Validate(); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.store.AddTarget(c.Request.Context(), req.target(), principal(c).String())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.answerTargetWrite(c, http.StatusCreated, t)
}

// targetID reads the :id path parameter of a write; it answers 404 itself
// when it is not a number (the store says whether the target exists).
func targetID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		writeProblem(c, http.StatusNotFound, "no target "+quote(c.Param("id")))
		return 0, false
	}
	return id, true
}

func (s *Server) handleTargetChange(c *gin.Context) {
	id, ok := targetID(c)
	if !ok {
		return
	}
	var patch targetPatch
	if !bindJSON(c, &patch) {
		return
	}
	if err := patch.Validate(); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.store.UpdateTarget(c.Request.Context(), id, patch.apply, principal(c).String())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.answerTargetWrite(c, http.StatusOK, t)
}

func (s *Server) handleTargetRetire(c *gin.Context) {
	id, ok := targetID(c)
	if !ok {
		return
	}
	t, err := s.store.RetireTarget(c.Request.Context(), id, principal(c).String())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.answerTargetWrite(c, http.StatusOK, t)
}

// answerTargetWrite recomputes the target figures after a stored change
// and answers the target with them. The change is stored whatever
// happens next: if the recompute fails it is logged, the answer carries
// the target alone, and the watcher tries again.
func (s *Server) answerTargetWrite(c *gin.Context, status int, t geo.Target) {
	if snap := s.recomputeAfterAdminWrite(c.Request.Context()); snap != nil {
		for _, tr := range snap.plan.targets {
			if tr.target.ID == t.ID {
				c.JSON(status, gin.H{"target": snap.answerTarget(tr, "")})
				return
			}
		}
	}
	c.JSON(status, gin.H{"target": t})
}

// recomputeAfterAdminWrite brings the figures up to date after an admin's
// change to targets or remote communes, and returns the new snapshot, or
// nil (logged) when it could not.
func (s *Server) recomputeAfterAdminWrite(ctx context.Context) *snapshot {
	if err := s.Recompute(ctx); err != nil {
		s.log.ErrorContext(ctx, "recompute after an admin change; the watcher will retry", slog.Any("err", err))
		return nil
	}
	snap, _ := s.cov.current()
	return snap
}
