package rest

import (
	"strconv"
	"strings"
	"time"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

// reportChart is the report's trend chart, drawn server-side as SVG: each
// target's value (0–100%) against time, with its goal as a dashed line.
type reportChart struct {
	Width, Height, Left, Right, Top, Bottom float64
	PlotWidth, PlotHeight                   float64
	TickLabelX, XLabelY, TickEnd            float64
	Lines                                   []chartLine
	XTicks, YTicks                          []chartTick
	// UnitChanges mark the dates a new unit set took effect (the 2025
	// reform): commune counts on either side are of different units.
	UnitChanges []chartTick
}

type chartLine struct {
	Layer         geo.Layer
	Colour, Label string
	Dash          string // SVG stroke-dasharray, "" for a solid line
	Points        string // SVG polyline points
	GoalY         float64
}

type chartTick struct {
	Pos   float64
	Label string
}

// trendChart draws the history of the answers as steps over the years
// they span (at least one year), years as ticks.
func trendChart(answers []api.TargetAnswer, l reportLocale) reportChart {
	ch := reportChart{Width: 720, Height: 300, Left: 48, Top: 12}
	ch.Right, ch.Bottom = ch.Width-16, ch.Height-36
	ch.PlotWidth, ch.PlotHeight = ch.Right-ch.Left, ch.Bottom-ch.Top
	ch.TickLabelX, ch.XLabelY, ch.TickEnd = ch.Left-6, ch.Bottom+18, ch.Bottom+5
	var first, last time.Time
	for _, a := range answers {
		for _, h := range a.History {
			t, err := time.Parse(time.DateOnly, h.Date)
			if err != nil {
				continue
			}
			if first.IsZero() || t.Before(first) {
				first = t
			}
			if t.After(last) {
				last = t
			}
		}
	}
	if first.IsZero() {
		first = time.Now().UTC()
		last = first
	}
	// Whole years, from the first history date's year to the year after
	// the last.
	from := time.Date(first.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(last.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
	span := to.Sub(from).Hours()
	x := func(t time.Time) float64 { return ch.Left + ch.PlotWidth*t.Sub(from).Hours()/span }
	y := func(v float64) float64 { return ch.Bottom - ch.PlotHeight*min(max(v, 0), 1) }
	step := 1 + (to.Year()-from.Year())/12
	for yr := from.Year(); yr <= to.Year(); yr += step {
		ch.XTicks = append(ch.XTicks, chartTick{x(time.Date(yr, 1, 1, 0, 0, 0, 0, time.UTC)), strconv.Itoa(yr)})
	}
	for p := 0; p <= 100; p += 20 {
		ch.YTicks = append(ch.YTicks, chartTick{y(float64(p) / 100), strconv.Itoa(p) + "%"})
	}
	seen := map[string]bool{}
	for _, a := range answers {
		for k := 1; k < len(a.History); k++ {
			h := a.History[k]
			if h.Units == "" || a.History[k-1].Units == "" || h.Units == a.History[k-1].Units || seen[h.Units] {
				continue
			}
			if t, err := time.Parse(time.DateOnly, h.Date); err == nil {
				seen[h.Units] = true
				ch.UnitChanges = append(ch.UnitChanges, chartTick{x(t), l.W.UnitsLabel + " " + h.Units})
			}
		}
	}
	for _, a := range answers {
		// Steps: a value holds until the next filing changes it.
		var pts []string
		prev := ""
		for _, h := range a.History {
			t, err := time.Parse(time.DateOnly, h.Date)
			if err != nil {
				continue
			}
			if prev != "" {
				pts = append(pts, svgNum(x(t))+","+prev)
			}
			prev = svgNum(y(h.Value))
			pts = append(pts, svgNum(x(t))+","+prev)
		}
		ch.Lines = append(ch.Lines, chartLine{Layer: a.Layer, Colour: layerColours[a.Layer], Dash: layerDashes[a.Layer], Label: l.targetTitle(a.Target),
			Points: strings.Join(pts, " "), GoalY: y(a.Value)})
	}
	return ch
}
