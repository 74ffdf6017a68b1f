package rest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// targetRules say how the target figures are read; every targets answer
// carries them.
var targetRules = map[string]string{
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

// targetsAnswer is the list of targets.
type targetsAnswer struct {
	ComputedAt string             `json:"computed_at"`
	Targets    []api.TargetAnswer `json:"targets"`
	RemoteSet  api.RemoteSet      `json:"remote_set"`
	Rules      map[string]string  `json:"rules"`
	dated
}

// targetOne is one target.
type targetOne struct {
	ComputedAt string            `json:"computed_at"`
	Target     api.TargetAnswer  `json:"target"`
	Rules      map[string]string `json:"rules"`
	dated
}

// handleTargets lists the targets in force (with ?retired=true the retired
// ones too), each with its value now or ?as_of=YYYY-MM-DD, whether it is
// met, its gap, history and forecast.
func (s *Server) handleTargets(c *gin.Context) {
	snap, asOf, err := s.currentAsOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	retired, err := boolParam(c, "retired")
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, knownAt, known, dataAsOf, err := s.targetFigures(c, snap, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := targetsAnswer{ComputedAt: snap.ComputedAt, Targets: []api.TargetAnswer{}, RemoteSet: snap.RemoteSet(), Rules: targetRules}
	for _, t := range snap.Targets() {
		if !t.Retired() || retired {
			a, _ := snap.AnswerTargetKnown(t.ID, asOf, known)
			out.Targets = append(out.Targets, a)
		}
	}
	out.dated = withKnown(newDated(asOf, dataAsOf, geo.FilterAll, snap), knownAt)
	c.JSON(http.StatusOK, out)
}

// handleTarget answers one target, retired or not, like handleTargets.
func (s *Server) handleTarget(c *gin.Context) {
	snap, asOf, err := s.currentAsOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	id, err := targetID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, knownAt, known, dataAsOf, err := s.targetFigures(c, snap, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	a, ok := snap.AnswerTargetKnown(id, asOf, known)
	if !ok {
		s.fail(c, noTarget(c))
		return
	}
	c.JSON(http.StatusOK, targetOne{ComputedAt: snap.ComputedAt, Target: a, Rules: targetRules,
		dated: withKnown(newDated(asOf, dataAsOf, geo.FilterAll, snap), knownAt)})
}

// targetFigures reads ?known_at beside as_of and returns, for a day before
// today, the figures as known then (nil: as known now) and the date of
// their data.
func (s *Server) targetFigures(c *gin.Context, snap *api.Snapshot, asOf string) (string, string, map[geo.Layer][]geo.CommuneFigure, string, error) {
	asOf, knownAt, err := knownAtParam(c, snap, asOf)
	if err != nil {
		return "", "", nil, "", err
	}
	if knownAt == "" {
		_, dataAsOf := snap.FiguresAt(asOf)
		return asOf, "", nil, dataAsOf, nil
	}
	res, dataAsOf, err := s.core.ResultKnown(c.Request.Context(), snap, asOf, knownAt)
	if err != nil {
		return "", "", nil, "", err
	}
	known := map[geo.Layer][]geo.CommuneFigure{}
	for _, l := range geo.Layers {
		known[l] = res.Layer(l).Breakdown(geo.KindAll).Communes
	}
	return asOf, knownAt, known, dataAsOf, nil
}

// targetRequest creates a target; every field but source is needed.
type targetRequest struct {
	Layer     geo.Layer   `json:"layer"`
	Measure   geo.Measure `json:"measure"`
	Value     float64     `json:"value"`
	Threshold float64     `json:"threshold"`
	Deadline  string      `json:"deadline"`
	Filter    geo.Filter  `json:"filter"`
	Territory *string     `json:"territory"`
	TitleVI   string      `json:"title_vi"`
	TitleEN   string      `json:"title_en"`
	Source    string      `json:"source"`
}

func (r targetRequest) target() geo.Target {
	t := geo.Target{Layer: r.Layer, Measure: r.Measure, Value: r.Value, Threshold: r.Threshold, Deadline: r.Deadline,
		Filter: r.Filter, TitleVI: r.TitleVI, TitleEN: r.TitleEN, Source: r.Source}
	if r.Territory != nil {
		t.Territory = *r.Territory
	}
	return t
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
	Territory *string      `json:"territory"`
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
	if p.Territory != nil {
		t.Territory = *p.Territory
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
	p := principal(c)
	if req.Territory == nil && p.Province != "" {
		req.Territory = &p.Province // a province's admin sets its own province's targets
	}
	if err := req.Validate(); err != nil {
		s.fail(c, err)
		return
	}
	if err := data.CheckTerritory(p.Province, req.target().Territory, "a target of"); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.store.AddTarget(c.Request.Context(), req.target(), p.String())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.answerTargetWrite(c, http.StatusCreated, t)
}

// targetID reads the :id path parameter; one that is not a number is no
// target (404). Whether the target exists is for the caller to say.
func targetID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, noTarget(c)
	}
	return id, nil
}

// noTarget is the 404 for the :id of the request.
func noTarget(c *gin.Context) error {
	return notFound("no target %s", quote(c.Param("id")))
}

func (s *Server) handleTargetChange(c *gin.Context) {
	id, err := targetID(c)
	if err != nil {
		s.fail(c, err)
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
	p := principal(c)
	t, err := s.store.UpdateTarget(c.Request.Context(), id, p.Province, patch.apply, p.String())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.answerTargetWrite(c, http.StatusOK, t)
}

func (s *Server) handleTargetRetire(c *gin.Context) {
	id, err := targetID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := principal(c)
	t, err := s.store.RetireTarget(c.Request.Context(), id, p.Province, p.String())
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
		if a, ok := snap.AnswerTarget(t.ID, ""); ok {
			c.JSON(status, struct {
				Target api.TargetAnswer `json:"target"`
			}{a})
			return
		}
	}
	c.JSON(status, struct {
		Target geo.Target `json:"target"`
	}{t})
}

// recomputeAfterAdminWrite brings the figures up to date after an admin's
// change to targets or remote communes, and returns the new snapshot, or
// nil (logged) when it could not.
func (s *Server) recomputeAfterAdminWrite(ctx context.Context) *api.Snapshot {
	if err := s.core.Recompute(ctx); err != nil {
		s.log.ErrorContext(ctx, "recompute after an admin change; the watcher will retry", slog.Any("err", err))
		return nil
	}
	snap, _ := s.core.Current()
	return snap
}
