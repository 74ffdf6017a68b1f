package geo

import (
	"math"
	"testing"
)

// Two neighbouring communes, a third beside them and a fourth far away, on
// the base surface; a later set merges the first two into one unit that
// stops a cell short of their edge, and has nothing where the others are.
// The column short of 02's edge is a gap between two sources' boundaries,
// counted in unit 10; commune 04, as near, is another territory.
//
//	base  ┌──01──┬──02──┬──04──┐      ┌──03──┐
//	      │ 1000 │ 500  │ 200  │      │ 300  │
//	      └──────┴──────┴──────┘      └──────┘
//	later ┌──────10────┐ (own figure 1,600; one column short of 02's edge)
func TestRebase_CountsEachPersonOnceWithinTheSet(t *testing.T) {
	u := communeUnits()
	base := mustSurface(t, []Commune{commune("01", 1000, u.rect(0, 0, 10, 10)), commune("02", 500, u.rect(10, 0, 20, 10)),
		commune("03", 300, u.rect(100, 0, 110, 10)), commune("04", 200, u.rect(20, 0, 30, 10))}, SurfaceOptions{})
	people := NewPeople(base)
	later, err := people.Rebase([]Commune{commune("10", 1600, u.rect(0, 0, 19, 10))}, SurfaceOptions{CellSizeM: testCellM})
	if err != nil {
		t.Fatal(err)
	}
	m := later.Communes[0]
	if m.Population != 1500 || m.OwnPopulation != 1600 || later.Outside != 500 {
		t.Fatalf("unit 10 counts %d people (own figure %d), %d outside; want 1,500 (the gap's column included), 1,600, 500",
			m.Population, m.OwnPopulation, later.Outside)
	}
	if got := later.Surface.Total(); got != 1500 {
		t.Fatalf("the later set's surface holds %d people, want 1,500", got)
	}

	ov := people.Overlap(people.Base(), later)
	if len(ov[0]) != 1 || ov[0][0] != (Part{0, 1000}) || len(ov[1]) != 1 || ov[1][0] != (Part{0, 500}) || len(ov[2]) != 0 || len(ov[3]) != 0 {
		t.Fatalf("overlap %v, want 01 → 1,000 and 02 → 500 people of unit 10, 03 and 04 → none", ov)
	}

	// Half of 01's people and all of 03's declared: 500 people reach
	// unit 10, a third of it; 03's people lie outside the later set.
	decls := []Declaration{
		{Provider: "p", Layer: Broadband, Technology: "FTTH", CommuneCode: "01", Share: 0.5, Set: 1},
		{Provider: "p", Layer: Broadband, Technology: "FTTH", CommuneCode: "03", Share: 1, Set: 1},
		{Provider: "p", Layer: Broadband, Technology: "xDSL", CommuneCode: "10", Share: 0.25, Set: 2},
	}
	out, carried := people.CarryDeclarations(decls, map[int64]*Units{1: people.Base()}, later, 2, nil)
	if len(out) != 2 || !carried[0] {
		t.Fatalf("carried %+v (%v), want the xDSL declaration kept and one FTTH declaration on unit 10", out, carried)
	}
	var ftth Declaration
	for _, d := range out {
		if d.Technology == "FTTH" {
			ftth = d
		}
	}
	if ftth.CommuneCode != "10" || ftth.Set != 2 || math.Abs(ftth.Share-500.0/1500) > 1e-12 {
		t.Fatalf("carried FTTH declaration %+v, want 1/3 of unit 10 on set 2", ftth)
	}
}
