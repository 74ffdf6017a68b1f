package geo

import (
	"math"
	"time"
)

// TrendPoint is a target's value on a date.
type TrendPoint struct {
	Date  string  `json:"date"` // YYYY-MM-DD
	Value float64 `json:"value"`
}

// Outcomes of a forecast.
const (
	OutcomeMet      = "met"                 // the target is met already
	OutcomeForecast = "forecast"            // Date says when the trend meets it
	OutcomeNotPace  = "not_at_current_pace" // the trend does not meet it within ForecastHorizonYears
)

// Forecast method settings.
const (
	// ForecastWindowYears is how far back from the latest point the trend
	// looks.
	ForecastWindowYears = 3
	// ForecastMinPoints is the fewest points fitted: when the window holds
	// fewer, the latest this many are taken.
	ForecastMinPoints = 3
	// ForecastHorizonYears is how far ahead a date is still given; a later
	// one is reported as not at the current pace.
	ForecastHorizonYears = 50
)

// ForecastMethod states the method in one sentence, for the API.
const ForecastMethod = "Least-squares straight line of the value against time over the snapshots of the last 3 years up to the latest " +
	"(at least the latest 3); from the latest value, the target is met when that slope closes the gap. " +
	"A slope ≤ 0, fewer than 2 snapshot dates, or a date more than 50 years ahead is 'not at the current pace'."

// Forecast is when a target will be met at the recent trend.
type Forecast struct {
	Outcome      string  `json:"outcome"`        // OutcomeMet, OutcomeForecast or OutcomeNotPace
	Date         string  `json:"date,omitempty"` // YYYY-MM-DD, with OutcomeForecast
	From         string  `json:"from,omitempty"` // first date fitted
	Points       int     `json:"points"`         // snapshots fitted
	SlopePerYear float64 `json:"slope_per_year"` // change of the value per year
	Note         string  `json:"note"`           // the outcome in words
	NoteVI       string  `json:"note_vi"`        // the outcome in Vietnamese
}

const daysPerYear = 365.2425

// MetForecast is the forecast of a target met already.
func MetForecast() Forecast { return Forecast{Outcome: OutcomeMet, Note: "met", NoteVI: "đã đạt"} }

// TrendForecast fits the recent trend of points (in date order, dates
// YYYY-MM-DD) and says when it reaches goal (a share, 0–1), starting from
// the latest value: latest date + (goal − latest value) ÷ slope, the
// latest date itself when that value is at the goal already (whether a
// target is met is its own rule: call it only for one that is not). Points
// with bad dates are skipped.
func TrendForecast(points []TrendPoint, goal float64) Forecast {
	type pt struct {
		t time.Time
		v float64
	}
	var ps []pt
	for _, p := range points {
		if t, err := time.Parse(time.DateOnly, p.Date); err == nil {
			ps = append(ps, pt{t, p.Value})
		}
	}
	f := Forecast{Outcome: OutcomeNotPace, Note: "not at the current pace", NoteVI: "chưa đạt được với tốc độ hiện tại"}
	if len(ps) < 2 {
		f.Note += " (fewer than 2 snapshots to draw a trend from)"
		return f
	}
	last := ps[len(ps)-1]
	start := len(ps) - 1
	for start > 0 && last.t.Sub(ps[start-1].t).Hours()/24 <= ForecastWindowYears*daysPerYear {
		start--
	}
	start = min(start, max(0, len(ps)-ForecastMinPoints))
	fit := ps[start:]
	// Least squares of value against years since the first point fitted.
	var sx, sy, sxx, sxy float64
	n := float64(len(fit))
	for _, p := range fit {
		x := p.t.Sub(fit[0].t).Hours() / 24 / daysPerYear
		sx, sy, sxx, sxy = sx+x, sy+p.v, sxx+x*x, sxy+x*p.v
	}
	f.Points, f.From = len(fit), fit[0].t.Format(time.DateOnly)
	den := n*sxx - sx*sx
	if den <= 1e-12 {
		f.Note += " (the snapshots fitted share one date)"
		return f
	}
	f.SlopePerYear = (n*sxy - sx*sy) / den
	if !(f.SlopePerYear > 1e-9) {
		return f
	}
	years := max(0, (goal-last.v)/f.SlopePerYear)
	if years > ForecastHorizonYears || math.IsNaN(years) {
		f.Note += " (more than 50 years at this pace)"
		return f
	}
	days := math.Ceil(years*daysPerYear - 1e-6) // a whole day; float noise must not add one
	f.Outcome = OutcomeForecast
	f.Date = last.t.AddDate(0, 0, int(days)).Format(time.DateOnly)
	f.Note = "met on " + f.Date + " at the current pace"
	f.NoteVI = "dự kiến đạt vào " + last.t.AddDate(0, 0, int(days)).Format("02/01/2006") + " với tốc độ hiện tại"
	return f
}
