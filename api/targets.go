package api

import (
	"math"

	"github.com/phusong/phusong/geo"
)

// TargetAnswer is a target with where it stands, its history and its
// forecast.
type TargetAnswer struct {
	geo.Target
	Current geo.TargetValue `json:"current"`
	// RemoteCommunes is the same measure over the remote communes alone,
	// for a target counting every commune.
	RemoteCommunes *geo.TargetValue `json:"remote_communes,omitempty"`
	History        []HistoryPoint   `json:"history"`
	Forecast       TargetForecast   `json:"forecast"`
}

// HistoryPoint is a target's value on a history date.
// Value and Met are as known now; where a correction filed later changed
// the date's figures, PublishedValue and PublishedMet say what was first
// published for it.
type HistoryPoint struct {
	Date           string   `json:"date"`
	Value          float64  `json:"value"`
	Met            bool     `json:"met"`
	GapPeople      float64  `json:"gap_people"`
	GapCommunes    int      `json:"gap_communes"`
	PublishedValue *float64 `json:"published_value,omitempty"`
	PublishedMet   *bool    `json:"published_met,omitempty"`
	// Units is the unit set the date's communes are counted on: a chart
	// marks where it changes.
	Units string `json:"units,omitempty"`
}

// TargetForecast is when a target will be met at its trend.
type TargetForecast struct {
	geo.Forecast
	// OnTrack says whether the target is met, or forecast to be met, by
	// its deadline.
	OnTrack bool `json:"on_track"`
}

// answerTarget says where tr stood on asOf ("" for now).
func (snap *Snapshot) answerTarget(tr targetTrack, asOf string) TargetAnswer {
	t := tr.target
	i := snap.plan.at(asOf)
	figs, _ := snap.FiguresAt(asOf)
	a := TargetAnswer{Target: t, History: []HistoryPoint{}}
	if i >= 0 {
		a.Current = tr.values[i]
	} else {
		a.Current = t.Evaluate(figs[t.Layer], snap.plan.scope)
	}
	if t.Filter == geo.FilterAll {
		rt := t
		rt.Filter = geo.FilterRemote
		v := rt.Evaluate(figs[t.Layer], snap.plan.scope)
		a.RemoteCommunes = &v
	}
	var points []geo.TrendPoint
	for k := 0; k <= i; k++ {
		v := tr.values[k]
		day := snap.plan.history[k].asOf
		hp := HistoryPoint{Date: day, Value: v.Value, Met: v.Met, GapPeople: v.GapPeople, GapCommunes: v.GapCommunes}
		if k < len(snap.plan.units) {
			hp.Units = snap.plan.units[k]
		}
		if pub, ok := snap.plan.published[t.ID][day]; ok && (math.Abs(pub.Value-v.Value) > 1e-9 || pub.Met != v.Met) {
			hp.PublishedValue, hp.PublishedMet = &pub.Value, &pub.Met
		}
		a.History = append(a.History, hp)
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

// Targets returns every target, retired ones included, by id.
func (snap *Snapshot) Targets() []geo.Target {
	out := make([]geo.Target, len(snap.plan.targets))
	for i, tr := range snap.plan.targets {
		out[i] = tr.target
	}
	return out
}

// AnswerTarget says where target id stood on asOf ("" for now), with its
// history and forecast; ok is false when there is no such target.
func (snap *Snapshot) AnswerTarget(id int64, asOf string) (a TargetAnswer, ok bool) {
	return snap.AnswerTargetKnown(id, asOf, nil)
}

// AnswerTargetKnown is AnswerTarget with its current value (and the same
// measure over the remote communes) evaluated on known, the per-commune
// figures as of asOf as known on an earlier day (Service.ResultKnown);
// nil known is AnswerTarget. The history stays as known now, each point
// with the value first published beside it where they differ.
func (snap *Snapshot) AnswerTargetKnown(id int64, asOf string, known map[geo.Layer][]geo.CommuneFigure) (a TargetAnswer, ok bool) {
	for _, tr := range snap.plan.targets {
		if tr.target.ID != id {
			continue
		}
		a := snap.answerTarget(tr, asOf)
		if known != nil {
			t := tr.target
			a.Current = t.Evaluate(known[t.Layer], snap.plan.scope)
			if a.RemoteCommunes != nil {
				rt := t
				rt.Filter = geo.FilterRemote
				v := rt.Evaluate(known[t.Layer], snap.plan.scope)
				a.RemoteCommunes = &v
			}
			if a.Current.Met {
				a.Forecast.Forecast = geo.MetForecast()
			}
			a.Forecast.OnTrack = a.Current.Met || a.Forecast.Outcome == geo.OutcomeForecast && a.Forecast.Date <= t.Deadline
		}
		return a, true
	}
	return TargetAnswer{}, false
}

// DatedFigure is a commune's figures on one date of the history.
type DatedFigure struct {
	Date string
	geo.CommuneFigure
}

// CommuneHistory returns commune i's figures (all providers together) on
// every date a filing took effect, oldest first, per layer.
func (snap *Snapshot) CommuneHistory(i int) map[geo.Layer][]DatedFigure {
	out := make(map[geo.Layer][]DatedFigure, len(geo.Layers))
	for _, l := range geo.Layers {
		out[l] = []DatedFigure{}
	}
	for _, day := range snap.plan.history {
		for _, l := range geo.Layers {
			if figs := day.layers[l]; i < len(figs) {
				out[l] = append(out[l], DatedFigure{day.asOf, figs[i]})
			}
		}
	}
	return out
}
