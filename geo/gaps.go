package geo

import (
	"cmp"
	"slices"
)

// Gap is one commune's people not covered.
type Gap struct {
	Index      int     `json:"-"` // position in the figures it comes from
	Code       string  `json:"code"`
	Population int     `json:"population"`
	Covered    float64 `json:"covered"`   // people covered
	Uncovered  float64 `json:"uncovered"` // Population − Covered, ≥ 0
	Share      float64 `json:"share"`
	Status     Status  `json:"status"`
}

func gapOf(i int, f CommuneFigure) Gap {
	return Gap{Index: i, Code: f.Code, Population: f.Population, Covered: f.Covered,
		Uncovered: max(0, float64(f.Population)-f.Covered), Share: f.Share, Status: f.Status}
}

// byUncovered orders gaps by people not covered, most first, then by
// code, so that a ranking is the same on every run.
func byUncovered(a, b Gap) int {
	return cmp.Or(cmp.Compare(b.Uncovered, a.Uncovered), cmp.Compare(a.Code, b.Code))
}

// RankGaps returns the communes with people not covered, most first (ties
// by code). keep, when not nil, says which communes to consider by their
// index in figs. A commune fully covered is left out, as is a commune of
// population 0 (it has nobody to cover).
func RankGaps(figs []CommuneFigure, keep func(i int) bool) []Gap {
	var out []Gap
	for i, f := range figs {
		if keep != nil && !keep(i) {
			continue
		}
		if g := gapOf(i, f); g.Uncovered > 1e-9 {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, byUncovered)
	return out
}

// Plan is a smallest set of communes whose full coverage would meet a
// target.
type Plan struct {
	Communes []Gap `json:"communes"` // in the order chosen
	// PeopleAdded is the people not covered in those communes: what
	// covering each of them fully adds.
	PeopleAdded float64 `json:"people_added"`
	// ValueAfter is the target's value with those communes fully covered.
	ValueAfter float64 `json:"value_after"`
	// Meets is false when even every candidate fully covered would not
	// meet the target; Communes then holds them all.
	Meets bool `json:"meets"`
}

// Plan returns a smallest set of communes whose full coverage (share 1)
// would meet the target, by a greedy choice:
//
//   - population target: communes by people not covered, most first,
//     until the people added close the gap. Taking the largest first
//     gives the fewest communes: no set of k communes adds more people
//     than the k largest gaps.
//   - communes target: the k communes needed to reach the target's share
//     of communes, picked among those not reached by fewest people not
//     covered (the cheapest to cover fully); any k of them meet it, so the
//     count is the smallest, and this pick adds the fewest people.
//
// Ties go to the smaller code. candidate, when not nil, limits the choice
// (e.g. to one district); communes outside it still count in the target's
// value. A met target gives an empty plan that Meets.
func (t Target) Plan(figs []CommuneFigure, sc Scope, candidate func(i int) bool) Plan {
	num, den := t.tally(figs, sc)
	var cands []Gap
	for i, f := range figs {
		if !t.inScope(sc, i) || (candidate != nil && !candidate(i)) {
			continue
		}
		g := gapOf(i, f)
		if t.Measure == MeasureCommunes && !t.reached(f) || t.Measure == MeasurePopulation && g.Uncovered > 1e-9 {
			cands = append(cands, g)
		}
	}
	if t.Measure == MeasureCommunes {
		slices.SortFunc(cands, func(a, b Gap) int {
			return cmp.Or(cmp.Compare(a.Uncovered, b.Uncovered), cmp.Compare(a.Code, b.Code))
		})
	} else {
		slices.SortFunc(cands, byUncovered)
	}
	p := Plan{Communes: []Gap{}}
	for _, g := range cands {
		if t.metBy(num, den) {
			break
		}
		p.Communes = append(p.Communes, g)
		p.PeopleAdded += g.Uncovered
		if t.Measure == MeasureCommunes {
			num++
		} else {
			num += g.Uncovered
		}
	}
	p.Meets = t.metBy(num, den)
	if den > 0 {
		p.ValueAfter = num / den
	}
	return p
}
