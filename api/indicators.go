package api

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// IndicatorRule says how the board counts; every board carries it.
const IndicatorRule = "An indicator is met when its value on the date reaches its target: direction 'higher', value ≥ target; " +
	"'lower', value ≤ target. An indicator without a value on the date (\"chưa có số liệu\") or without a target number " +
	"has met null and is not counted as met; the headline counts the met ones among all the indicators on the board. " +
	"An entered indicator's value on a date is the territory's own value with the latest as_of on or before it; " +
	"without one, over the communes or districts, each unit's latest value: Σnumerators ÷ Σdenominators (×100 for percent) " +
	"when every unit gives both, the sum of values for a count, else none. A correction is a new row: " +
	"for an indicator, unit and as_of the newest row entered is in force. " +
	"A computed indicator is its coverage target's value (×100), met as the target says."

// IndicatorData is what the store holds of indicators: read once per
// answer, in one read transaction, so that a board is told from one
// consistent state.
type IndicatorData = data.IndicatorSet

// ReadIndicators reads every resolution, indicator and value of store.
func ReadIndicators(ctx context.Context, store *data.Store) (*IndicatorData, error) {
	return store.IndicatorState(ctx)
}

// IndicatorLatest is an indicator's value on the board's date: for an
// entered indicator its roll-up, for a computed one its target's value.
// Units is the number of communes or districts rolled up, 0 for a
// territory value or a computed one.
type IndicatorLatest struct {
	Value       float64  `json:"value"`
	AsOf        string   `json:"as_of"`
	Source      string   `json:"source"`
	Numerator   *float64 `json:"numerator"`
	Denominator *float64 `json:"denominator"`
	EnteredBy   string   `json:"entered_by"`
	EnteredAt   string   `json:"entered_at"`
	Units       int      `json:"units"`
}

// IndicatorPoint is an indicator's value on one date of its trend.
type IndicatorPoint struct {
	AsOf  string  `json:"as_of"`
	Value float64 `json:"value"`
}

// IndicatorForecast is when the trend reaches the target (geo.TrendForecast,
// as the coverage targets'): Value is the target, At the date; for an
// indicator met already Value is its value and At its date; with outcome
// not_at_current_pace, Value is nil and At "".
type IndicatorForecast struct {
	Value   *float64 `json:"value"`
	At      string   `json:"at"`
	Method  string   `json:"method"`
	Outcome string   `json:"outcome"`
	Note    string   `json:"note"`
	NoteVI  string   `json:"note_vi"`
}

// IndicatorEntry is one indicator on the board. Latest is nil when it has
// no value on the date ("chưa có số liệu"), and Why says why; Met is nil
// without a value or a target.
type IndicatorEntry struct {
	data.Indicator
	Latest   *IndicatorLatest   `json:"latest"`
	Met      *bool              `json:"met"`
	Why      string             `json:"why,omitempty"`
	Trend    []IndicatorPoint   `json:"trend"`
	Forecast *IndicatorForecast `json:"forecast"`
	PerUnit  bool               `json:"per_unit"`
}

// Board is every indicator in force on a date with the headline count.
type Board struct {
	AsOf        string                 `json:"as_of"`
	Met         int                    `json:"met"`
	Total       int                    `json:"total"`
	WithData    int                    `json:"with_data"`
	HeadlineVI  string                 `json:"headline_vi"`
	HeadlineEN  string                 `json:"headline_en"`
	Rule        string                 `json:"rule"`
	Resolutions []data.ResolutionEntry `json:"resolutions"`
	Indicators  []IndicatorEntry       `json:"indicators"`
	// DataAsOf is the date of the board's data: the latest date of the
	// values it shows ("" when none has a value). ComputedAt is when the
	// coverage figures of the computed indicators were computed.
	DataAsOf   string `json:"data_as_of"`
	ComputedAt string `json:"computed_at"`
}

// IndicatorValueRow is a stored value with whether a later row replaced it.
type IndicatorValueRow struct {
	data.IndicatorValue
	Superseded bool `json:"superseded"`
}

// UnitValue is one commune's or district's latest value on the date, for
// the map.
type UnitValue struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	Value       float64  `json:"value"`
	Numerator   *float64 `json:"numerator"`
	Denominator *float64 `json:"denominator"`
	AsOf        string   `json:"as_of"`
	Source      string   `json:"source"`
}

// IndicatorDetail is one indicator's board entry with every value row
// (newest entered first) and the units' latest values.
type IndicatorDetail struct {
	IndicatorEntry
	Values []IndicatorValueRow `json:"values"`
	Units  []UnitValue         `json:"units"`
}

// boardDay is the date a board is told on: asOf, or the snapshot's day.
func (snap *Snapshot) boardDay(asOf string) string {
	if asOf == "" {
		return snap.Day
	}
	return asOf
}

// Board tells the board on asOf ("" for today): the indicators in force
// (with retired, the retired ones too), in order, and how many are met.
func (snap *Snapshot) Board(d *IndicatorData, asOf string, retired bool) Board {
	day := snap.boardDay(asOf)
	b := Board{AsOf: day, Rule: IndicatorRule, Resolutions: []data.ResolutionEntry{}, Indicators: []IndicatorEntry{}, ComputedAt: snap.ComputedAt}
	byRes := map[string]int{}
	for _, ind := range d.Indicators {
		if ind.Retired() && !retired {
			continue
		}
		e := snap.entry(d, ind, asOf)
		b.Indicators = append(b.Indicators, e)
		byRes[ind.Resolution.Number]++
		b.Total++
		if e.Latest != nil {
			b.WithData++
			b.DataAsOf = max(b.DataAsOf, e.Latest.AsOf)
		}
		if e.Met != nil && *e.Met {
			b.Met++
		}
	}
	for _, r := range d.Resolutions {
		if byRes[r.Number] == 0 {
			continue
		}
		if r.Indicators == nil {
			n := byRes[r.Number]
			r.Indicators = &n
		}
		b.Resolutions = append(b.Resolutions, r)
	}
	b.HeadlineVI = fmt.Sprintf("%d/%d chỉ tiêu đạt và vượt", b.Met, b.Total)
	b.HeadlineEN = fmt.Sprintf("%d of %d indicators met or exceeded", b.Met, b.Total)
	return b
}

// IndicatorDetail answers indicator id on asOf ("" for today), retired or
// not; an unknown id wraps data.ErrNotFound.
func (snap *Snapshot) IndicatorDetail(d *IndicatorData, id, asOf string) (*IndicatorDetail, error) {
	for _, ind := range d.Indicators {
		if ind.ID != id {
			continue
		}
		out := &IndicatorDetail{IndicatorEntry: snap.entry(d, ind, asOf), Values: []IndicatorValueRow{}, Units: []UnitValue{}}
		vals := valuesOf(d, id)
		sup := superseded(vals)
		for i := len(vals) - 1; i >= 0; i-- {
			out.Values = append(out.Values, IndicatorValueRow{IndicatorValue: vals[i], Superseded: sup[vals[i].ID]})
		}
		names := snap.unitNames()
		for _, v := range latestPerUnit(inForce(vals), snap.boardDay(asOf)) {
			if v.UnitCode == "" {
				continue
			}
			out.Units = append(out.Units, UnitValue{Code: v.UnitCode, Name: names[v.UnitCode], Value: v.Value,
				Numerator: v.Numerator, Denominator: v.Denominator, AsOf: v.AsOf, Source: v.Source})
		}
		return out, nil
	}
	return nil, NotFoundf("no indicator %s", quote(id))
}

// unitNames maps commune and district codes to their names.
func (snap *Snapshot) unitNames() map[string]string {
	out := make(map[string]string, len(snap.Communes))
	for _, cm := range snap.Communes {
		out[cm.Code] = cm.Name
		if cm.DistrictCode != "" {
			out[cm.DistrictCode] = cm.District
		}
	}
	return out
}

func valuesOf(d *IndicatorData, id string) []data.IndicatorValue {
	var out []data.IndicatorValue
	for _, v := range d.Values {
		if v.Indicator == id {
			out = append(out, v)
		}
	}
	return out
}

// superseded returns the ids of the rows a later row replaced: one of the
// same unit and as_of entered after it, or one that names it corrected.
func superseded(vals []data.IndicatorValue) map[int64]bool {
	out := map[int64]bool{}
	newest := map[[2]string]int64{}
	for _, v := range vals {
		k := [2]string{v.UnitCode, v.AsOf}
		if old, ok := newest[k]; ok && old < v.ID {
			out[old] = true
		}
		if newest[k] < v.ID {
			newest[k] = v.ID
		}
		if v.Corrects != 0 {
			out[v.Corrects] = true
		}
	}
	return out
}

// inForce drops the superseded rows.
func inForce(vals []data.IndicatorValue) []data.IndicatorValue {
	sup := superseded(vals)
	var out []data.IndicatorValue
	for _, v := range vals {
		if !sup[v.ID] {
			out = append(out, v)
		}
	}
	return out
}

// latestPerUnit returns, per unit (the territory "" included), the row in
// force with the latest as_of on or before day, by unit code.
func latestPerUnit(vals []data.IndicatorValue, day string) []data.IndicatorValue {
	best := map[string]data.IndicatorValue{}
	for _, v := range vals {
		if v.AsOf > day {
			continue
		}
		if b, ok := best[v.UnitCode]; !ok || v.AsOf > b.AsOf {
			best[v.UnitCode] = v
		}
	}
	out := make([]data.IndicatorValue, 0, len(best))
	for _, v := range best {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UnitCode < out[j].UnitCode })
	return out
}

// rollup is an entered indicator's value on day from the rows in force,
// or nil and why not.
func rollup(ind data.Indicator, vals []data.IndicatorValue, day string) (*IndicatorLatest, string) {
	latest := latestPerUnit(vals, day)
	if len(latest) == 0 {
		return nil, "chưa có số liệu / no value on or before " + day
	}
	if latest[0].UnitCode == "" {
		v := latest[0]
		return &IndicatorLatest{Value: v.Value, AsOf: v.AsOf, Source: v.Source, Numerator: v.Numerator,
			Denominator: v.Denominator, EnteredBy: v.EnteredBy, EnteredAt: v.EnteredAt}, ""
	}
	out := &IndicatorLatest{Units: len(latest)}
	var num, den, sum float64
	ratios := true
	var sources []string
	seen := map[string]bool{}
	for _, v := range latest {
		if v.Numerator == nil || v.Denominator == nil {
			ratios = false
		} else {
			num += *v.Numerator
			den += *v.Denominator
		}
		sum += v.Value
		if v.AsOf > out.AsOf {
			out.AsOf = v.AsOf
		}
		if v.EnteredAt > out.EnteredAt {
			out.EnteredAt, out.EnteredBy = v.EnteredAt, v.EnteredBy
		}
		if !seen[v.Source] {
			seen[v.Source] = true
			sources = append(sources, v.Source)
		}
	}
	out.Source = strings.Join(sources, "; ")
	switch {
	case ratios && den > 0:
		out.Value = ratioValue(ind.Unit, num, den)
		out.Numerator, out.Denominator = &num, &den
	case ind.Unit == "count":
		out.Value = sum
	default:
		return nil, fmt.Sprintf("no territory value, and %d units' values cannot be rolled up: some give no numerator and denominator", len(latest))
	}
	return out, ""
}

// ratioValue is numerator ÷ denominator in the unit's terms.
// maxIndicatorValue bounds an entered value, a numerator or a
// denominator: far above any count of people or money in the province, and
// small enough to add up without losing precision.
const maxIndicatorValue = 1e15

func ratioValue(unit string, num, den float64) float64 {
	v := num / den
	if unit == "percent" {
		v *= 100
	}
	return v
}

// metOf says whether value meets the indicator's target; nil without one.
func metOf(ind data.Indicator, value float64) *bool {
	if ind.Target == nil {
		return nil
	}
	m := value >= *ind.Target
	if ind.Direction == "lower" {
		m = value <= *ind.Target
	}
	return &m
}

// entry is the board entry of ind on asOf ("" for today).
func (snap *Snapshot) entry(d *IndicatorData, ind data.Indicator, asOf string) IndicatorEntry {
	e := IndicatorEntry{Indicator: ind, Trend: []IndicatorPoint{}}
	if ind.Kind == data.KindComputed {
		snap.computedEntry(&e, asOf)
		return e
	}
	day := snap.boardDay(asOf)
	vals := inForce(valuesOf(d, ind.ID))
	dates := map[string]bool{}
	for _, v := range vals {
		if v.UnitCode != "" {
			e.PerUnit = true
		}
		if v.AsOf <= day {
			dates[v.AsOf] = true
		}
	}
	e.Latest, e.Why = rollup(ind, vals, day)
	sorted := make([]string, 0, len(dates))
	for dt := range dates {
		sorted = append(sorted, dt)
	}
	sort.Strings(sorted)
	var points []geo.TrendPoint
	for _, dt := range sorted {
		if l, _ := rollup(ind, vals, dt); l != nil {
			e.Trend = append(e.Trend, IndicatorPoint{AsOf: dt, Value: l.Value})
			points = append(points, geo.TrendPoint{Date: dt, Value: l.Value})
		}
	}
	if e.Latest == nil {
		return e
	}
	e.Met = metOf(ind, e.Latest.Value)
	if e.Met == nil {
		e.Why = "no target number"
		return e
	}
	switch {
	case *e.Met:
		e.Forecast = forecastOf(geo.MetForecast(), e.Latest.Value, e.Latest.AsOf)
	case ind.Direction == "higher":
		e.Forecast = forecastOf(geo.TrendForecast(points, *ind.Target), *ind.Target, "")
	}
	return e
}

// forecastOf is f in the board's terms: value and at are those of a met
// indicator, else the target and f's date.
func forecastOf(f geo.Forecast, value float64, at string) *IndicatorForecast {
	out := &IndicatorForecast{Method: geo.ForecastMethod, Outcome: f.Outcome, Note: f.Note, NoteVI: f.NoteVI}
	switch f.Outcome {
	case geo.OutcomeMet:
		out.Value, out.At = &value, at
	case geo.OutcomeForecast:
		out.Value, out.At = &value, f.Date
	}
	return out
}

// computedEntry fills a computed indicator's entry from its coverage
// target: value, history and forecast, shares ×100.
func (snap *Snapshot) computedEntry(e *IndicatorEntry, asOf string) {
	a, ok := snap.AnswerTarget(e.TargetID, asOf)
	if !ok {
		e.Why = fmt.Sprintf("coverage target %d does not exist", e.TargetID)
		return
	}
	for _, h := range a.History {
		e.Trend = append(e.Trend, IndicatorPoint{AsOf: h.Date, Value: round4(h.Value * 100)})
	}
	if len(a.History) == 0 {
		e.Why = "chưa có số liệu / no filing in force on or before " + snap.boardDay(asOf)
		return
	}
	num, den := a.Current.Numerator, a.Current.Denominator
	e.Latest = &IndicatorLatest{Value: round4(a.Current.Value * 100), AsOf: a.History[len(a.History)-1].Date,
		Source: fmt.Sprintf("Phủ Sóng, chỉ tiêu phủ sóng %d: %s", a.ID, a.TitleVI), Numerator: &num, Denominator: &den,
		EnteredBy: "phusong", EnteredAt: snap.ComputedAt}
	met := a.Current.Met
	e.Met = &met
	target := a.Value * 100
	switch a.Forecast.Outcome {
	case geo.OutcomeMet:
		e.Forecast = forecastOf(a.Forecast.Forecast, e.Latest.Value, e.Latest.AsOf)
	default:
		e.Forecast = forecastOf(a.Forecast.Forecast, target, "")
	}
}

// Validation of new indicators and values.

var (
	indicatorIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	territoryPattern   = regexp.MustCompile(`^[0-9]{1,8}$`)
)

// NewIndicator is the request that creates an indicator: the model's
// fields. Kind defaults to entered; a computed one names its coverage
// target.
type NewIndicator struct {
	ID         string          `json:"id"`
	TitleVI    string          `json:"title_vi"`
	TitleEN    string          `json:"title_en"`
	Unit       string          `json:"unit"`
	Direction  string          `json:"direction"`
	Target     *float64        `json:"target"`
	Deadline   string          `json:"deadline"`
	Resolution data.Resolution `json:"resolution"`
	Territory  string          `json:"territory"`
	Kind       string          `json:"kind"`
	TargetID   int64           `json:"target_id"`
	Note       string          `json:"note"`
	Order      int             `json:"order"`
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// Validate checks the request alone; CreateIndicator checks the target a
// computed indicator names.
func (r NewIndicator) Validate() error {
	switch {
	case !indicatorIDPattern.MatchString(r.ID):
		return Invalidf("id %s: want lower-case letters, digits and '-', 1 to 64, e.g. \"internet-users\"", quote(r.ID))
	case strings.TrimSpace(r.TitleVI) == "" || strings.TrimSpace(r.TitleEN) == "":
		return Invalidf("title_vi and title_en are required")
	case len(r.TitleVI) > 500 || len(r.TitleEN) > 500 || len(r.Note) > 4000:
		return Invalidf("titles are at most 500 bytes, the note 4000")
	case r.Unit != "percent" && r.Unit != "count" && r.Unit != "score" && r.Unit != "level":
		return Invalidf("unit %s: want percent, count, score or level", quote(r.Unit))
	case r.Direction != "higher" && r.Direction != "lower":
		return Invalidf("direction %s: want higher or lower", quote(r.Direction))
	case r.Target != nil && (math.IsNaN(*r.Target) || math.IsInf(*r.Target, 0)):
		return Invalidf("target: want a number or null")
	case r.Target != nil && r.Unit == "percent" && (*r.Target < 0 || *r.Target > 100):
		return Invalidf("target %g: a percent target is from 0 to 100", *r.Target)
	case r.Deadline != "" && !validDate(r.Deadline):
		return Invalidf("deadline %s: want YYYY-MM-DD or \"\"", quote(r.Deadline))
	case r.Resolution.Date != "" && !validDate(r.Resolution.Date):
		return Invalidf("resolution.date %s: want YYYY-MM-DD", quote(r.Resolution.Date))
	case len(r.Resolution.Number) > 100 || len(r.Resolution.Title) > 500:
		return Invalidf("resolution: number at most 100 bytes, title 500")
	case !territoryPattern.MatchString(r.Territory):
		return Invalidf("territory %s: want the province's code, e.g. \"17\"", quote(r.Territory))
	case r.Kind != "" && r.Kind != data.KindEntered && r.Kind != data.KindComputed:
		return Invalidf("kind %s: want entered or computed", quote(r.Kind))
	case (r.Kind == data.KindComputed) != (r.TargetID != 0):
		return Invalidf("target_id: a computed indicator names its coverage target, an entered one none")
	case r.Order < 0 || r.Order > 1e6:
		return Invalidf("order %d: want 0 to 1000000", r.Order)
	}
	return nil
}

// CreateIndicator validates r and stores it; an id in use is
// data.ErrConflict.
func (snap *Snapshot) CreateIndicator(ctx context.Context, store *data.Store, r NewIndicator, actor string) (data.Indicator, error) {
	if err := r.Validate(); err != nil {
		return data.Indicator{}, err
	}
	if r.Kind == "" {
		r.Kind = data.KindEntered
	}
	if r.Kind == data.KindComputed {
		if _, ok := snap.AnswerTarget(r.TargetID, ""); !ok {
			return data.Indicator{}, Invalidf("target_id %d: no such coverage target", r.TargetID)
		}
	}
	return store.AddIndicator(ctx, data.Indicator{ID: r.ID, TitleVI: r.TitleVI, TitleEN: r.TitleEN, Unit: r.Unit,
		Direction: r.Direction, Target: r.Target, Deadline: r.Deadline, Resolution: r.Resolution, Territory: r.Territory,
		Kind: r.Kind, TargetID: r.TargetID, Note: r.Note, Order: r.Order}, actor)
}

// ValueInput is one value to enter: either Value, or Numerator and
// Denominator.
type ValueInput struct {
	AsOf        string   `json:"as_of"`
	UnitCode    string   `json:"unit_code"`
	Value       *float64 `json:"value"`
	Numerator   *float64 `json:"numerator"`
	Denominator *float64 `json:"denominator"`
	Source      string   `json:"source"`
	Corrects    int64    `json:"corrects"`
}

// ValueProblem is one problem of values to enter: Index is the value's
// position in the request (from 0), or for a CSV its line (1 = header).
type ValueProblem struct {
	Index   int    `json:"index"`
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ValueProblems is every problem of a batch of values; nothing of a batch
// with one is stored. It wraps data.ErrInvalid.
type ValueProblems []ValueProblem

func (ps ValueProblems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d problem(s); nothing was stored", len(ps))
	for i, p := range ps {
		if i == 10 {
			fmt.Fprintf(&b, "; …")
			break
		}
		fmt.Fprintf(&b, "; %d %s: %s", p.Index, p.Field, p.Message)
	}
	return b.String()
}

func (ps ValueProblems) Unwrap() error { return data.ErrInvalid }

// Problem codes of values.
const (
	CodeUnknownIndicator  = "unknown_indicator"
	CodeComputedIndicator = "computed_indicator"
	CodeRetiredIndicator  = "retired_indicator"
	CodeBadNumber         = "bad_number"
	CodeBadDate           = "bad_date"
	CodeUnknownUnit       = "unknown_unit"
	CodeDuplicateRow      = "duplicate_row"
	CodeMissingSource     = "missing_source"
	CodeMissingValue      = "missing_value"
	CodeBadDenominator    = "bad_denominator"
	CodeBadCorrection     = "bad_correction"
	CodeEmpty             = "empty"
)

// maxValues bounds one batch of values.
const maxValues = 100000

// valueCheck checks values against the indicators, the units of the
// snapshot and the rows stored, collecting problems.
type valueCheck struct {
	snap     *Snapshot
	d        *IndicatorData
	units    map[string]bool
	seen     map[[3]string]int
	problems ValueProblems
	// refused are indexes refused already (a CSV line with a bad number):
	// such a row is no duplicate of another, nor another one of it.
	refused map[int]bool
}

func (snap *Snapshot) newValueCheck(d *IndicatorData) *valueCheck {
	units := map[string]bool{"": true}
	for code := range snap.Codes {
		units[code] = true
	}
	for _, cm := range snap.Communes {
		if cm.DistrictCode != "" {
			units[cm.DistrictCode] = true
		}
	}
	return &valueCheck{snap: snap, d: d, units: units, seen: map[[3]string]int{}}
}

func (vc *valueCheck) add(index int, field, code, format string, args ...any) {
	vc.problems = append(vc.problems, ValueProblem{Index: index, Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// indicator finds an indicator values can be entered for, or adds a
// problem.
func (vc *valueCheck) indicator(index int, id string) (data.Indicator, bool) {
	for _, ind := range vc.d.Indicators {
		if ind.ID != id {
			continue
		}
		switch {
		case ind.Kind == data.KindComputed:
			vc.add(index, "indicator", CodeComputedIndicator, "indicator %s is computed from coverage target %d; values cannot be entered", quote(id), ind.TargetID)
			return ind, false
		case ind.Retired():
			vc.add(index, "indicator", CodeRetiredIndicator, "indicator %s was retired on %s", quote(id), ind.RetiredAt)
			return ind, false
		}
		return ind, true
	}
	vc.add(index, "indicator", CodeUnknownIndicator, "no indicator %s", quote(id))
	return data.Indicator{}, false
}

// value checks one value of ind (ok false: no such indicator, and the
// value's own fields are still checked) and returns the row to store.
func (vc *valueCheck) value(index int, ind data.Indicator, ok bool, in ValueInput) data.IndicatorValue {
	v := data.IndicatorValue{Indicator: ind.ID, AsOf: in.AsOf, UnitCode: strings.TrimSpace(in.UnitCode),
		Source: strings.TrimSpace(in.Source), Corrects: in.Corrects, Numerator: in.Numerator, Denominator: in.Denominator}
	n := len(vc.problems)
	switch {
	case !validDate(in.AsOf):
		vc.add(index, "as_of", CodeBadDate, "as_of %s: want a date YYYY-MM-DD", quote(in.AsOf))
	case in.AsOf > vc.snap.Day:
		vc.add(index, "as_of", CodeBadDate, "as_of %s is after today (%s)", in.AsOf, vc.snap.Day)
	}
	if !vc.units[v.UnitCode] {
		vc.add(index, "unit_code", CodeUnknownUnit, "unit_code %s: no commune or district of that code", quote(v.UnitCode))
	}
	if v.Source == "" {
		vc.add(index, "source", CodeMissingSource, "source is required: the survey, report or document number")
	} else if len(v.Source) > 1000 {
		vc.add(index, "source", CodeMissingSource, "source: at most 1000 bytes")
	}
	finite := func(field string, p *float64) bool {
		if p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0) || *p < 0 && field != "value" || math.Abs(*p) > maxIndicatorValue) {
			vc.add(index, field, CodeBadNumber, "%s %g: want a finite number of at most %g (not negative)", field, *p, maxIndicatorValue)
			return false
		}
		return true
	}
	fine := finite("value", in.Value) && finite("numerator", in.Numerator) && finite("denominator", in.Denominator)
	switch {
	case in.Value != nil && (in.Numerator != nil || in.Denominator != nil):
		vc.add(index, "value", CodeMissingValue, "give either value, or numerator and denominator, not both")
	case in.Value != nil:
		v.Value = *in.Value
	case in.Numerator != nil && in.Denominator != nil:
		if *in.Denominator <= 0 {
			vc.add(index, "denominator", CodeBadDenominator, "denominator %g: want more than 0", *in.Denominator)
		} else if fine {
			v.Value = ratioValue(ind.Unit, *in.Numerator, *in.Denominator)
		}
	default:
		vc.add(index, "value", CodeMissingValue, "give a value, or a numerator and a denominator")
	}
	if n == len(vc.problems) && ok {
		field := "value"
		if in.Value == nil {
			field = "numerator"
		}
		switch {
		case math.Abs(v.Value) > maxIndicatorValue:
			vc.add(index, field, CodeBadNumber, "%s %g: want a number of at most %g", field, v.Value, maxIndicatorValue)
		case ind.Unit == "percent" && !(v.Value >= 0 && v.Value <= 100):
			vc.add(index, field, CodeBadNumber, "%s gives %g%%: a percentage is from 0 to 100 (for numerator and denominator, the numerator is at most the denominator)", field, v.Value)
		}
	}
	if in.Corrects != 0 && ok {
		found := false
		for _, old := range vc.d.Values {
			found = found || old.ID == in.Corrects && old.Indicator == ind.ID
		}
		if !found {
			vc.add(index, "corrects", CodeBadCorrection, "corrects %d: no value of indicator %s has that id", in.Corrects, quote(ind.ID))
		}
	}
	if ok && len(vc.problems) == n && !vc.refused[index] {
		k := [3]string{ind.ID, v.UnitCode, v.AsOf}
		if first, dup := vc.seen[k]; dup {
			vc.add(index, "as_of", CodeDuplicateRow, "indicator %s, unit %s, as_of %s is given twice (also at %d)", quote(ind.ID), quote(v.UnitCode), v.AsOf, first)
		} else {
			vc.seen[k] = index
		}
	}
	return v
}

// CheckValues checks values to enter for indicator id and returns the rows
// to store, or ValueProblems listing every problem (an unknown id is
// data.ErrNotFound).
func (snap *Snapshot) CheckValues(d *IndicatorData, id string, in []ValueInput) ([]data.IndicatorValue, error) {
	found := false
	for _, ind := range d.Indicators {
		found = found || ind.ID == id
	}
	if !found {
		return nil, NotFoundf("no indicator %s", quote(id))
	}
	vc := snap.newValueCheck(d)
	if len(in) == 0 {
		vc.add(0, "values", CodeEmpty, "no values given")
	} else if len(in) > maxValues {
		vc.add(0, "values", CodeEmpty, "%d values: at most %d in one request", len(in), maxValues)
		return nil, vc.problems
	}
	ind, ok := vc.indicator(0, id)
	if !ok {
		return nil, vc.problems
	}
	out := make([]data.IndicatorValue, 0, len(in))
	for i, v := range in {
		out = append(out, vc.value(i, ind, ok, v))
	}
	if len(vc.problems) > 0 {
		return nil, vc.problems
	}
	return out, nil
}

// AddValues checks values for indicator id and stores them, all or none,
// audited as indicator.values.
func (snap *Snapshot) AddValues(ctx context.Context, store *data.Store, id string, in []ValueInput, actor string) ([]data.IndicatorValue, error) {
	d, err := ReadIndicators(ctx, store)
	if err != nil {
		return nil, err
	}
	vals, err := snap.CheckValues(d, id, in)
	if err != nil {
		return nil, err
	}
	return store.AddIndicatorValues(ctx, vals, actor, "indicator.values", fmt.Sprintf("%d values", len(vals)))
}
