package geo

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Measure says what a target counts.
type Measure string

// The two measures of a target.
const (
	// MeasurePopulation is the share of people covered: people covered ÷
	// people, over the communes the target's filter keeps.
	MeasurePopulation Measure = "population"
	// MeasureCommunes is the share of communes reached: a commune is
	// reached when its share covered is at least the target's Threshold.
	MeasureCommunes Measure = "communes"
)

// Filter selects the communes a target (or a list) counts.
type Filter string

// The filters. Remote communes are those marked remote (vùng sâu, vùng
// xa: especially difficult communes).
const (
	FilterAll       Filter = ""           // every commune, remote ones included
	FilterRemote    Filter = "remote"     // remote communes only
	FilterNotRemote Filter = "not_remote" // communes not marked remote
)

// Keeps reports whether the filter keeps a commune that is (or is not)
// remote.
func (f Filter) Keeps(remote bool) bool {
	switch f {
	case FilterRemote:
		return remote
	case FilterNotRemote:
		return !remote
	}
	return true
}

// Target is one of the province's goals, e.g. "mobile broadband reaches
// 95% of the population by 2030". Targets are data: an admin creates,
// changes and retires them.
type Target struct {
	ID      int64   `json:"id"`
	Layer   Layer   `json:"layer"`
	Measure Measure `json:"measure"`
	// Value is the share to reach, in (0, 1]: of people for
	// MeasurePopulation, of communes for MeasureCommunes.
	Value float64 `json:"value"`
	// Threshold is, for MeasureCommunes, the share covered (0, 1] at or
	// above which a commune counts as reached; 0 for MeasurePopulation.
	Threshold float64 `json:"threshold,omitempty"`
	Deadline  string  `json:"deadline"` // YYYY-MM-DD
	Filter    Filter  `json:"filter"`
	// Territory is the province (GSO code) whose communes the target
	// counts, or "" for every commune of the store: the nation, or the
	// one province a provincial store holds.
	Territory string `json:"territory"`
	TitleVI   string `json:"title_vi"`
	TitleEN   string `json:"title_en"`
	Source    string `json:"source,omitempty"` // the resolution or plan it comes from
	CreatedAt string `json:"created_at,omitempty"`
	UpdatedAt string `json:"updated_at,omitempty"`
	RetiredAt string `json:"retired_at,omitempty"` // set once retired; a retired target is kept, not evaluated for planning
}

// Limits of a target's texts, in characters.
const (
	maxTargetTitle  = 200
	maxTargetSource = 500
)

// Validate reports the first thing wrong with t, wrapping ErrInvalidInput.
func (t Target) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: target: "+format, append([]any{ErrInvalidInput}, args...)...)
	}
	switch {
	case !t.Layer.Valid():
		return bad("layer %q is not one of broadcast, phone, broadband, mobile", t.Layer)
	case t.Measure != MeasurePopulation && t.Measure != MeasureCommunes:
		return bad("measure %q: want population or communes", t.Measure)
	case !(t.Value > 0 && t.Value <= 1):
		return bad("value %v: want a share in (0, 1], e.g. 0.95", t.Value)
	case t.Measure == MeasureCommunes && !(t.Threshold > 0 && t.Threshold <= 1):
		return bad("threshold %v: a communes target needs the share (0, 1] at which a commune is reached, e.g. 0.5", t.Threshold)
	case t.Measure == MeasurePopulation && t.Threshold != 0:
		return bad("threshold %v: a population target has no threshold", t.Threshold)
	case t.Filter != FilterAll && t.Filter != FilterRemote && t.Filter != FilterNotRemote:
		return bad("filter %q: want \"\", remote or not_remote", t.Filter)
	case t.Territory != "" && ProvinceName(t.Territory) == "":
		return bad("territory %q: want \"\" (every commune) or a province's GSO code, e.g. 25", t.Territory)
	}
	if _, err := time.Parse(time.DateOnly, t.Deadline); err != nil {
		return bad("deadline %q is not a date YYYY-MM-DD", t.Deadline)
	}
	for _, f := range []struct {
		name, v string
		max     int
		need    bool
	}{{"title_vi", t.TitleVI, maxTargetTitle, true}, {"title_en", t.TitleEN, maxTargetTitle, true}, {"source", t.Source, maxTargetSource, false}} {
		n := utf8.RuneCountInString(f.v)
		switch {
		case !utf8.ValidString(f.v):
			return bad("%s is not UTF-8", f.name)
		case f.need && strings.TrimSpace(f.v) == "":
			return bad("%s is empty", f.name)
		case n > f.max:
			return bad("%s has %d characters, at most %d", f.name, n, f.max)
		}
	}
	return nil
}

// Retired reports whether the target has been retired.
func (t Target) Retired() bool { return t.RetiredAt != "" }

// TargetValue is where a target stands on one set of figures.
type TargetValue struct {
	// Value is the share achieved, 0–1: Numerator/Denominator, 0 when the
	// filter keeps no commune.
	Value       float64 `json:"value"`
	Numerator   float64 `json:"numerator"`   // people covered, or communes reached
	Denominator float64 `json:"denominator"` // people, or communes, the filter keeps
	// Met is true when Value reaches the target's; a target whose filter
	// keeps no commune is never met.
	Met bool `json:"met"`
	// GapPeople is, for a population target, the people still to cover to
	// meet it (whole people, rounded up); for a communes target, the people
	// not covered in the communes of the smallest set that would meet it
	// (rounded to whole people).
	GapPeople float64 `json:"gap_people"`
	// GapCommunes is the number of communes in the smallest set whose full
	// coverage would meet the target (see Target.Plan); 0 when met.
	GapCommunes int `json:"gap_communes"`
}

// inScope reports whether commune i counts for the target; remote may be
// nil (no commune is remote) or as long as the figures.
func (t Target) inScope(sc Scope, i int) bool {
	return t.Filter.Keeps(i < len(sc.Remote) && sc.Remote[i]) &&
		(t.Territory == "" || i < len(sc.Province) && sc.Province[i] == t.Territory)
}

// Scope is what a target's filter and territory read of each commune, in
// the figures' order.
type Scope struct {
	Remote   []bool   // whether each commune is remote; nil: none is
	Province []string // each commune's province code; nil: none known
}

// reached reports whether a commune counts as reached by a communes
// target.
func (t Target) reached(f CommuneFigure) bool { return f.Share >= t.Threshold }

// tally returns the numerator and denominator of the target's measure.
func (t Target) tally(figs []CommuneFigure, sc Scope) (num, den float64) {
	for i, f := range figs {
		if !t.inScope(sc, i) {
			continue
		}
		if t.Measure == MeasureCommunes {
			den++
			if t.reached(f) {
				num++
			}
			continue
		}
		den += float64(f.Population)
		num += f.Covered
	}
	return num, den
}

// shortfall is how much the numerator lacks to meet the target: people
// (fractional) or whole communes; ≤ 0 when met.
func (t Target) shortfall(num, den float64) float64 {
	if t.Measure == MeasureCommunes {
		// ceil with a tolerance, so that 0.95 × 20 communes needs 19, not 20.
		return math.Ceil(t.Value*den-1e-9) - num
	}
	return t.Value*den - num
}

// metBy reports whether num of den meets the target. Fractional people
// within 10⁻⁶ of the goal count as met.
func (t Target) metBy(num, den float64) bool {
	return den > 0 && t.shortfall(num, den) <= 1e-6
}

// Evaluate returns where the target stands on figs, one per commune in
// the surface's order; sc says which are remote and their provinces.
func (t Target) Evaluate(figs []CommuneFigure, sc Scope) TargetValue {
	num, den := t.tally(figs, sc)
	v := TargetValue{Numerator: num, Denominator: den, Met: t.metBy(num, den)}
	if den > 0 {
		v.Value = num / den
	}
	if v.Met {
		return v
	}
	p := t.Plan(figs, sc, nil)
	v.GapCommunes = len(p.Communes)
	if t.Measure == MeasureCommunes {
		v.GapPeople = math.Round(p.PeopleAdded)
	} else {
		v.GapPeople = math.Ceil(t.shortfall(num, den) - 1e-6)
	}
	return v
}
