package geo

import (
	"reflect"
	"strings"
	"testing"
)

// gapFigures is the hand-computed case of the gap tests: five communes of
// 6,000 people, 3,300 covered (55%).
//
//	code  people  covered  not covered  share  remote
//	A      1,000      900          100   0.90
//	B      2,000      500        1,500   0.25
//	C        500        0          500   0      yes
//	D      1,500    1,500            0   1
//	E      1,000      400          600   0.40   yes
func gapFigures() ([]CommuneFigure, []bool) {
	opt := DefaultOptions()
	fig := func(code string, pop int, covered float64) CommuneFigure {
		share := covered / float64(pop)
		return CommuneFigure{Code: code, Population: pop, Covered: covered, Share: share, Status: opt.status(share)}
	}
	return []CommuneFigure{fig("A", 1000, 900), fig("B", 2000, 500), fig("C", 500, 0), fig("D", 1500, 1500), fig("E", 1000, 400)},
		[]bool{false, false, true, false, true}
}

func codes(gs []Gap) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.Code)
	}
	return out
}

func TestRankGaps_HandComputed(t *testing.T) {
	figs, remote := gapFigures()
	cases := []struct {
		name string
		keep func(int) bool
		want []string
	}{
		{"every commune; D has no gap", nil, []string{"B", "E", "C", "A"}},
		{"remote only", func(i int) bool { return remote[i] }, []string{"E", "C"}},
		{"nothing kept", func(int) bool { return false }, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := RankGaps(figs, c.keep)
			if !reflect.DeepEqual(codes(got), c.want) {
				t.Fatalf("ranking %v, want %v", codes(got), c.want)
			}
			if len(got) > 0 && (got[0].Index != 1 && c.keep == nil || got[0].Uncovered < got[len(got)-1].Uncovered) {
				t.Fatalf("first %+v", got[0])
			}
		})
	}
	// Ties go to the smaller code.
	tie := []CommuneFigure{{Code: "Z", Population: 10}, {Code: "Y", Population: 10}}
	if got := codes(RankGaps(tie, nil)); !reflect.DeepEqual(got, []string{"Y", "Z"}) {
		t.Fatalf("tie order %v", got)
	}
}

func TestTargetPlan_HandComputed(t *testing.T) {
	figs, remote := gapFigures()
	pop := func(v float64, f Filter) Target {
		return Target{Layer: Mobile, Measure: MeasurePopulation, Value: v, Filter: f}
	}
	communes := func(v, th float64, f Filter) Target {
		return Target{Layer: Mobile, Measure: MeasureCommunes, Value: v, Threshold: th, Filter: f}
	}
	notBE := func(i int) bool { return figs[i].Code != "B" && figs[i].Code != "E" }
	cases := []struct {
		name      string
		target    Target
		candidate func(int) bool
		want      []string
		added     float64
		after     float64
		meets     bool
		value     TargetValue
	}{
		// 80% of 6,000 is 4,800: B's 1,500 close the 1,500 gap exactly.
		{"population 80%: B exactly", pop(0.8, FilterAll), nil, []string{"B"}, 1500, 0.8, true,
			TargetValue{Value: 0.55, Numerator: 3300, Denominator: 6000, GapPeople: 1500, GapCommunes: 1}},
		// 85% is 5,100, 1,800 short: B (1,500) then E (600).
		{"population 85%: B then E", pop(0.85, FilterAll), nil, []string{"B", "E"}, 2100, 0.9, true,
			TargetValue{Value: 0.55, Numerator: 3300, Denominator: 6000, GapPeople: 1800, GapCommunes: 2}},
		{"population 50%: met", pop(0.5, FilterAll), nil, []string{}, 0, 0.55, true,
			TargetValue{Value: 0.55, Numerator: 3300, Denominator: 6000, Met: true}},
		// Remote: C and E, 1,500 people, 400 covered; 50% is 750: E (600) alone.
		{"population 50% of remote: E", pop(0.5, FilterRemote), nil, []string{"E"}, 600, 1000.0 / 1500, true,
			TargetValue{Value: 400.0 / 1500, Numerator: 400, Denominator: 1500, GapPeople: 350, GapCommunes: 1}},
		// Without B and E only C (500) and A (100) can help: not enough.
		{"population 85%, B and E excluded", pop(0.85, FilterAll), notBE, []string{"C", "A"}, 600, 3900.0 / 6000, false,
			TargetValue{Value: 0.55, Numerator: 3300, Denominator: 6000, GapPeople: 1800, GapCommunes: 2}},
		// Reached at ≥ 50%: A and D, 2 of 5. All: C (500), E (600), B (1,500), fewest people first.
		{"communes 100% at 0.5", communes(1, 0.5, FilterAll), nil, []string{"C", "E", "B"}, 2600, 1, true,
			TargetValue{Value: 0.4, Numerator: 2, Denominator: 5, GapPeople: 2600, GapCommunes: 3}},
		// 80% of 5 is 4 communes: two more, C and E.
		{"communes 80% at 0.5", communes(0.8, 0.5, FilterAll), nil, []string{"C", "E"}, 1100, 0.8, true,
			TargetValue{Value: 0.4, Numerator: 2, Denominator: 5, GapPeople: 1100, GapCommunes: 2}},
		// At 0.95 only D is reached; A needs its 100 people and comes first.
		{"communes 40% at 0.95", communes(0.4, 0.95, FilterAll), nil, []string{"A"}, 100, 0.4, true,
			TargetValue{Value: 0.2, Numerator: 1, Denominator: 5, GapPeople: 100, GapCommunes: 1}},
		{"communes 100% of remote", communes(1, 0.5, FilterRemote), nil, []string{"C", "E"}, 1100, 1, true,
			TargetValue{Value: 0, Numerator: 0, Denominator: 2, GapPeople: 1100, GapCommunes: 2}},
		{"communes 100% of the others", communes(1, 0.5, FilterNotRemote), nil, []string{"B"}, 1500, 1, true,
			TargetValue{Value: 2.0 / 3, Numerator: 2, Denominator: 3, GapPeople: 1500, GapCommunes: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.target.Plan(figs, Scope{Remote: remote}, c.candidate)
			if !reflect.DeepEqual(codes(p.Communes), c.want) || !near(p.PeopleAdded, c.added) || !near(p.ValueAfter, c.after) || p.Meets != c.meets {
				t.Fatalf("plan %v adds %v → %v meets %v; want %v adds %v → %v meets %v",
					codes(p.Communes), p.PeopleAdded, p.ValueAfter, p.Meets, c.want, c.added, c.after, c.meets)
			}
			if c.candidate != nil {
				return
			}
			if v := c.target.Evaluate(figs, Scope{Remote: remote}); !near(v.Value, c.value.Value) || v.Numerator != c.value.Numerator ||
				v.Denominator != c.value.Denominator || v.Met != c.value.Met || v.GapPeople != c.value.GapPeople || v.GapCommunes != c.value.GapCommunes {
				t.Fatalf("value %+v, want %+v", v, c.value)
			}
		})
	}
}

func TestTargetEvaluate_EmptyScopeIsNeverMet(t *testing.T) {
	figs, _ := gapFigures()
	v := Target{Layer: Mobile, Measure: MeasureCommunes, Value: 1, Threshold: 0.5, Filter: FilterRemote}.Evaluate(figs, Scope{})
	if v.Met || v.Denominator != 0 || v.Value != 0 {
		t.Fatalf("%+v", v)
	}
}

// A target of a territory counts only that province's communes; its plan
// picks only among them.
func TestTarget_Territory(t *testing.T) {
	figs := []CommuneFigure{
		{Code: "a", Population: 100, Covered: 100, Share: 1},
		{Code: "b", Population: 100, Covered: 0, Share: 0},
		{Code: "c", Population: 300, Covered: 0, Share: 0},
	}
	sc := Scope{Province: []string{"25", "25", "17"}}
	national := Target{Layer: Mobile, Measure: MeasurePopulation, Value: 0.5}
	phutho := national
	phutho.Territory = "25"
	if v := national.Evaluate(figs, sc); v.Numerator != 100 || v.Denominator != 500 {
		t.Fatalf("national: %+v, want 100 of 500", v)
	}
	v := phutho.Evaluate(figs, sc)
	if v.Numerator != 100 || v.Denominator != 200 || !v.Met {
		t.Fatalf("Phú Thọ: %+v, want 100 of 200, met", v)
	}
	phutho.Value = 0.9
	p := phutho.Plan(figs, sc, nil)
	if len(p.Communes) != 1 || p.Communes[0].Code != "b" {
		t.Fatalf("Phú Thọ's plan: %+v, want commune b alone", p.Communes)
	}
	if err := (Target{Layer: Mobile, Measure: MeasurePopulation, Value: 0.5, Deadline: "2030-12-31", TitleVI: "x", TitleEN: "x", Territory: "99"}).Validate(); err == nil || !strings.Contains(err.Error(), "territory") {
		t.Fatalf("territory 99: %v, want refused", err)
	}
}
